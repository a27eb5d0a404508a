/**
 * The run kernel: what every governed run stands on, whatever its body does. It owns the run's
 * recorder (state, trace, pending, snapshot), the decisions through both doors, operator control,
 * the approval gates, the one tool path, the run's `patched()` shape, how a stopped run ends and
 * the wait for in-flight handlers. A workflow supplies a spec (its type, how its input is read and
 * checked, what it returns) and its body.
 *
 * The order of what happens before the body is the command sequence of every run recorded so far:
 * the shape's patches first, then the status upsert, then the body's own commands.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import { BUILTIN_POLICY, Policy, policySchema } from '../../shared/policy';
import type { RunState, TraceEvent } from '../../shared/run';
import { HarnessActivities } from '../../shared/tools';
import { describeZodError, ToolCatalog } from '../../shared/tool-contract';
import { BUILTIN_TOOLS } from '../../shared/tools';
import { requireReadableInput } from '../../shared/undecodable';
import { ApprovalGates } from './approval-gate';
import type { CallOptions } from './call-tool';
import { OperatorControl } from './operator-control';
import { registerRunApi } from './run-api';
import { endStoppedRun } from './run-ending';
import { RunRecorder } from './run-recorder';
import { CallLedger } from './call-ledger';
import { PolicyDeniedError, ToolPath, ToolPathSetup } from './tool-path';
import { WorkflowShape } from './workflow-shape';

// Short: it returns the policy the worker loaded at start, and a lost attempt must be retried quickly.
const DEFAULT_POLICY_OPTIONS = { startToCloseTimeout: '5s', retry: { maximumAttempts: 10 } } as const;
const remotePolicy = proxyActivities<HarnessActivities>(DEFAULT_POLICY_OPTIONS);
// The worker that runs the workflow task has the policy in memory: a local activity costs a marker, not a round trip.
const localPolicy = proxyLocalActivities<HarnessActivities>(DEFAULT_POLICY_OPTIONS);

/** What a run shows from its first task, read off the raw input before it is checked. */
export interface RunDescription {
  topic: string;
  startedBy: string | null;
  previewLines: number;
  /** More for the run's first trace event. */
  created?: Record<string, unknown>;
}

export type Parsed<I> = { ok: true; input: I } | { ok: false; message: string };
type EventFields = Omit<TraceEvent, 'seq' | 'at' | 'type'>;

export interface RunSpec<I, O, R> {
  /** Named in the run's first trace event. */
  workflowType: string;
  describe(raw: unknown): RunDescription;
  /** The checked input, or why it is refused: the run then fails at once, non-retryable, with `invalidInputType`. */
  parse(raw: unknown): Parsed<I>;
  invalidInputType: string;
  /**
   * How this run calls its tools. Asked before anything else, so its patches are the run's first
   * commands; the default: Temporal retries each tool under its policy and results are checked.
   */
  callOptions?(shape: WorkflowShape, raw: unknown): CallOptions;
  /** The tools its body may call (a call to any other is refused); default: the built-in tools. */
  tools?: ToolCatalog;
  /**
   * What an error the kernel does not know (a plain Error, a bug) does: `retry-task`, Temporal's
   * default, retries the workflow task until a fixed worker replays past it (the research run);
   * `fail-run` ends the run failed, non-retryable, type `WorkflowError` (a user's workflow).
   */
  unexpectedErrors?: 'retry-task' | 'fail-run';
  /** The `run_completed` event's fields. */
  completed?(output: O, input: I): EventFields;
  /** What the workflow returns once it has ended (output undefined unless the body finished); default: the state without its trace. */
  result?(state: RunState, output: O | undefined): R;
}

/** The kernel as a body sees it. */
export interface RunKernel {
  readonly workflowId: string;
  readonly run: RunRecorder;
  readonly gates: ApprovalGates;
  readonly control: OperatorControl;
  readonly shape: WorkflowShape;
  /** Mutable until the first tool call: a body that resolves per-tool modes from its policy sets `execution`. */
  readonly calls: CallOptions;
  readonly previewLines: number;
  /** The policy (a snapshot in the input, else `fallback`) put in force for gates, operators and the state. */
  resolvePolicy(
    snapshot: { policy?: Policy; policyDigest?: string | null },
    fallback: 'worker-default' | 'builtin',
  ): Promise<ResolvedPolicy>;
  /** The one tool path under the resolved policy. */
  toolPath(setup: Pick<ToolPathSetup, 'topic' | 'budget' | 'pauseOnFailure'> & Partial<Pick<ToolPathSetup, 'tools'>>): ToolPath;
  /** Ends the run as failed, non-retryable, with `type`. */
  fail(message: string, type: string): never;
  /** The run's calls so far, as the policy counts them (a session carries it when it continues as new). */
  readonly ledger: CallLedger;
}

export interface ResolvedPolicy {
  policy: Policy;
  digest: string | null;
}

const defaultCallOptions = (shape: WorkflowShape): CallOptions => ({ serverRetries: true, checkedResults: shape.has('checked-results') });

export async function harnessRun<I, O, R = Omit<RunState, 'trace'>>(
  raw: unknown,
  spec: RunSpec<I, O, R>,
  body: (input: I, kernel: RunKernel) => Promise<O>,
): Promise<R> {
  requireReadableInput(raw);
  const { workflowId } = workflowInfo();
  const described = spec.describe(raw);
  // Decided once, at the run's first task: a run keeps the shape it started with.
  const shape = new WorkflowShape();
  const calls = (spec.callOptions ?? defaultCallOptions)(shape, raw);
  const run = new RunRecorder(workflowId, described.topic, described.startedBy);
  const control = new OperatorControl(run);
  const gates = new ApprovalGates(
    {
      run,
      startedBy: described.startedBy ?? 'unknown',
      topic: described.topic,
      previewLines: described.previewLines,
      callOptions: calls,
      shape,
    },
    BUILTIN_POLICY,
  );
  // The run's whole API, registered before the first await so an early decision is refused rather than lost.
  registerRunApi(run, gates, control);

  const parsed = spec.parse(raw);
  run.event('run_created', { data: { workflowType: spec.workflowType, ...described.created, valid: parsed.ok } });
  run.setStatus('running');
  const tools = spec.tools ?? BUILTIN_TOOLS;
  const fail: (message: string, type: string) => never = (message, type) => {
    run.fail(message);
    throw ApplicationFailure.nonRetryable(message, type);
  };
  if (!parsed.ok) fail(parsed.message, spec.invalidInputType);
  const { input } = parsed;

  let resolved: ResolvedPolicy = { policy: BUILTIN_POLICY, digest: null };
  let ledger = new CallLedger(BUILTIN_POLICY);
  const kernel: RunKernel = {
    workflowId,
    run,
    gates,
    control,
    shape,
    calls,
    previewLines: described.previewLines,
    fail,
    async resolvePolicy(snapshot, fallback) {
      resolved = await policyOf(snapshot, fallback, tools, shape);
      ledger = new CallLedger(resolved.policy);
      gates.usePolicy(resolved.policy, resolved.digest);
      control.usePolicy(resolved.policy);
      run.state.policy = { name: resolved.policy.name, digest: resolved.digest };
      if (resolved.policy !== BUILTIN_POLICY)
        run.event('policy_applied', { data: { name: resolved.policy.name, digest: resolved.digest } });
      return resolved;
    },
    toolPath: (setup) =>
      new ToolPath({
        run,
        policy: resolved.policy,
        policyDigest: resolved.digest,
        gates,
        control,
        calls,
        previewLines: described.previewLines,
        tools,
        ledger,
        ...setup,
      }),
    get ledger() {
      return ledger;
    },
  };

  let output: O | undefined;
  try {
    output = await body(input, kernel);
    run.state.currentStep = null;
    run.setStatus('completed');
    run.event('run_completed', spec.completed?.(output, input) ?? {});
  } catch (err) {
    await endStoppedRun(run, err, spec.unexpectedErrors ?? 'retry-task');
  }
  // An update still in flight (an edit under review, say) finishes before the run closes.
  await condition(allHandlersFinished);
  if (spec.result) return spec.result(run.state, output);
  const { trace: _trace, ...state } = run.state;
  return state as R;
}

/**
 * The run's policy: the snapshot in its input; else the worker's default (recorded through a local
 * activity, a remote one in runs from before `local-default-policy`, so replay sees the same one)
 * or the built-in rules; runs from before worker default policies keep the built-in rules.
 */
async function policyOf(
  snapshot: { policy?: Policy; policyDigest?: string | null },
  fallback: 'worker-default' | 'builtin',
  tools: ToolCatalog,
  shape: WorkflowShape,
): Promise<ResolvedPolicy> {
  if (snapshot.policy) return { policy: snapshot.policy, digest: snapshot.policyDigest ?? null };
  if (fallback === 'builtin' || !shape.has('worker-default-policy')) return { policy: BUILTIN_POLICY, digest: null };
  const loaded = await (shape.has('local-default-policy') ? localPolicy : remotePolicy).load_default_policy();
  // The worker checked its policy against all its tools; entries for tools this workflow lacks are inert here.
  const parsed = policySchema(tools, 'ignore').safeParse(loaded.policy);
  if (!parsed.success)
    throw new PolicyDeniedError(`the worker's default policy ${loaded.source} is invalid: ${describeZodError(parsed.error)}`);
  return { policy: parsed.data, digest: loaded.digest };
}
