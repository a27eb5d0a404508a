/**
 * What a tool is to the harness, whoever wrote it: one declaration (`defineTool`) of its name,
 * contract, category, risk, timeouts, retry policy and mode. It drives the activity's checks
 * (activities/define-tool-activity.ts), the policy's view of the tool, the gate, the model- and
 * MCP-facing JSON Schema and the docs table. Pure and sandbox-safe: workflows import tools.
 */
import { z } from 'zod';
import { undecodableReason } from './undecodable';

/**
 * What a tool does to the world, as the policy sees it: `external_write` changes a system outside
 * the harness (a database row, a message, a ticket), `filesystem_write` a file under the worker's
 * output root (its policy may add write roots).
 */
export const ACTION_CATEGORIES = ['read_only', 'transform', 'model_generation', 'filesystem_write', 'external_write'] as const;
export type ActionCategory = (typeof ACTION_CATEGORIES)[number];

/** Error types an activity throws that no retry can fix. */
export const NON_RETRYABLE = {
  invalidInput: 'InvalidToolInput',
  pathRefused: 'OutputPathRefused',
  modelRejected: 'ModelRequestRejected',
  digestMismatch: 'DigestMismatch',
  reportExists: 'ReportExists',
  fileSystemRefused: 'FileSystemRefused',
} as const;

export interface ToolRetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  nonRetryableErrorTypes: string[];
}

export interface ToolContract<I extends z.ZodType, O extends z.ZodType> {
  name: string;
  description: string;
  category: ActionCategory;
  risky: boolean;
  input: I;
  output: O;
  /** The JSON Schema a model is shown for the input, when the tool came with one (an MCP server's); default: the input schema's. */
  inputJsonSchema?: { type: 'object'; [key: string]: unknown };
  startToCloseTimeoutMs: number;
  /** Every tool heartbeats, so an attempt lost with its worker is retried in seconds, not at start-to-close (remote only). */
  heartbeatTimeoutMs?: number;
  /** How it runs by default (execution.ts): pure sub-millisecond tools local, model calls and side effects remote. */
  execution: 'local' | 'remote';
  retry: ToolRetryPolicy;
  /**
   * What a result claims that the workflow can check against the call (a digest, a path): why the
   * result cannot be believed, or null. A result reaches the workflow by whoever completes the
   * activity (`temporal activity complete` too), so its shape alone proves nothing.
   */
  checkResult?: (input: z.output<I>, output: z.output<O>) => string | null;
  /** How the tool's approval gate speaks and what an edit there means; absent: a call, edited as its arguments. */
  gate?: ToolGate<z.output<I>>;
  /** One line for Temporal Web's event history: the tool's key argument ("write 42 rows to tickets"). */
  summarize?: (input: z.output<I>) => string;
  /**
   * A `filesystem_write` tool: the file a call writes, relative to the worker's output root. The
   * policy's write roots judge it on every path, whoever asked for the call (a workflow or a model).
   */
  writesTo?: (input: z.output<I>) => string;
}

/** Any tool, whatever its schemas: what the kernel, the policy and the worker hold. */
export type AnyTool = ToolContract<z.ZodType, z.ZodType>;
export type InputOf<T extends AnyTool> = z.output<T['input']>;
export type OutputOf<T extends AnyTool> = z.output<T['output']>;

/** A gated tool's own words at its gate, and its edit-on-approve when an edit is more than new arguments. */
export interface ToolGate<I> {
  /** What is approved, as refusals name it ("the pending draft"); default: "<tool> call". */
  subject: string;
  /** What the tool does, in the gate's reason ("writes to the filesystem"); default: "is a <category> tool". */
  does: string;
  /** What happens once approved ("finalizing"); default: "running <tool>". */
  onApproved: string;
  edit?: GateEdit<I>;
}

/**
 * An edit-on-approve of another form than the tool's arguments (a report's text, say). `apply`
 * runs in the workflow, at the gate: it may call tools through `env` (outside the tool path: the
 * gate checking an edit is not a step of the run) and throws EditRefused to leave the gate as it was.
 */
export interface GateEdit<I> {
  form: z.ZodType<string>;
  /** The form in words, for a refusal: "the edited report as a string". */
  formDescription: string;
  apply(edit: string, args: I, env: GateEditEnv): Promise<EditedCall<I>>;
}

export interface GateEditEnv {
  topic: string;
  /** The tool as an activity under its own retry policy; its tokens count in the run's usage. */
  callTool<T extends AnyTool>(tool: T, input: InputOf<T>): Promise<OutputOf<T>>;
}

export interface EditedCall<I> {
  args: I;
  /** What the approvals are bound to from now on. */
  digest: string;
  /** The text the gate's preview shows. */
  previewText: string;
  review?: { passed: boolean; findings: string[] };
  /** The trace event that records the edit. */
  event: { type: 'draft_edited' | 'arguments_edited'; data: Record<string, unknown> };
}

/** An edit the tool's gate will not take; the message says why. */
export class EditRefused extends Error {}

/** A tool's retry policy from its few numbers; a tool's input refused by its contract is never retried. */
export const retryPolicy = (maximumAttempts: number, initialIntervalMs: number, extraNonRetryable: string[] = []): ToolRetryPolicy => ({
  maximumAttempts,
  initialIntervalMs,
  backoffCoefficient: 2,
  maximumIntervalMs: 30_000,
  nonRetryableErrorTypes: [NON_RETRYABLE.invalidInput, ...extraNonRetryable],
});

/** What a declaration may leave out, and what it then gets. */
type ToolDefaults = 'risky' | 'startToCloseTimeoutMs' | 'heartbeatTimeoutMs' | 'execution' | 'retry';
export type ToolDeclaration<I extends z.ZodType, O extends z.ZodType> = Omit<ToolContract<I, O>, ToolDefaults> &
  Partial<Pick<ToolContract<I, O>, ToolDefaults>>;

/** Tool names are activity types and policy keys: short, plain, the same in every language. */
export const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Declares a tool. Left out: not risky, a remote activity, 60 s to close, heartbeats every 10 s,
 * 3 attempts from 1 s doubling. Whether it belongs in a worker (unique name, a JSON Schema form)
 * is checked where the worker registers it (`toolCatalog`), not here: this runs in every workflow.
 */
export function defineTool<I extends z.ZodType, O extends z.ZodType>(declaration: ToolDeclaration<I, O>): ToolContract<I, O> {
  return {
    risky: false,
    startToCloseTimeoutMs: 60_000,
    heartbeatTimeoutMs: 10_000,
    execution: 'remote',
    retry: retryPolicy(3, 1_000),
    ...declaration,
  };
}

/** The tools a worker or a workflow knows, by name. */
export type ToolCatalog = ReadonlyMap<string, AnyTool>;

/** Thrown at registration: the message is one line that names the tool. */
export class ToolRegistrationError extends Error {}

/**
 * The catalog of these tools: plain names, no two tools of one name, a known category. Cheap, so
 * workflows build theirs; the worker also checks each schema's JSON Schema form (`checkedForWorker`).
 */
export function toolCatalog(tools: readonly AnyTool[]): ToolCatalog {
  const catalog = new Map<string, AnyTool>();
  for (const tool of tools) {
    const problem = declarationProblem(tool, catalog);
    if (problem) throw new ToolRegistrationError(`tool ${JSON.stringify(String(tool?.name))}: ${problem}`);
    catalog.set(tool.name, tool);
  }
  return catalog;
}

/**
 * The catalog a worker registers: everything `toolCatalog` checks, and schemas a model and an MCP
 * client can be shown (a transform, a date or a function has no JSON Schema form).
 */
export function checkedForWorker(tools: readonly AnyTool[]): ToolCatalog {
  const catalog = toolCatalog(tools);
  for (const tool of catalog.values())
    for (const side of ['input', 'output'] as const) {
      const problem = jsonSchemaProblem(tool[side]);
      if (problem) throw new ToolRegistrationError(`tool "${tool.name}": its ${side} schema has no JSON Schema form (${problem})`);
    }
  return catalog;
}

function declarationProblem(tool: AnyTool, known: ToolCatalog): string | null {
  if (!tool || typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name))
    return 'a name of lowercase letters, digits and "_" (at most 64, starting with a letter)';
  const other = known.get(tool.name);
  if (other) return other === tool ? 'registered twice' : 'two different tools have this name';
  if (!(ACTION_CATEGORIES as readonly string[]).includes(tool.category)) return `category must be one of ${ACTION_CATEGORIES.join(', ')}`;
  // Objects: a model's function parameters and an MCP tool's structured result are JSON objects.
  if (!(tool.input instanceof z.ZodObject) || !(tool.output instanceof z.ZodObject))
    return 'input and output must be zod object schemas (z.object)';
  if (!(tool.retry.maximumAttempts >= 1) || !(tool.startToCloseTimeoutMs >= 1)) return 'needs at least one attempt and a positive timeout';
  return null;
}

/**
 * A schema as the plain JSON Schema object a model's function parameters and an MCP tool's
 * schemas take: the generator's `$schema` line (which draft) is left implicit, as both expect.
 */
export function jsonSchemaOf(type: z.ZodType, io: 'input' | 'output'): { type: 'object'; [key: string]: unknown } {
  const { $schema: _draft, ...schema } = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, type: 'object' };
}

function jsonSchemaProblem(schema: z.ZodType): string | null {
  try {
    z.toJSONSchema(schema, { io: 'input' });
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

/** Why a tool's result cannot be believed (its shape, then its claims), or null with the parsed output. */
export function checkedResult<T extends AnyTool>(
  tool: T,
  input: InputOf<T>,
  result: unknown,
): { output: OutputOf<T>; problem: null } | { output: null; problem: string } {
  const undecodable = undecodableReason(result);
  if (undecodable) return { output: null, problem: `the result ${undecodable}` };
  // Unknown keys (the attempt an activity reports, anything a forger adds) are stripped by the schema.
  const parsed = tool.output.safeParse(result);
  if (!parsed.success) return { output: null, problem: describeZodError(parsed.error) };
  const problem = tool.checkResult?.(input, parsed.data) ?? null;
  return problem ? { output: null, problem } : { output: parsed.data as OutputOf<T>, problem: null };
}

/** A tool's retry policy as Temporal takes it, so `ActivityTaskScheduled` in history shows exactly the tool's own. */
export function temporalRetryPolicy(retry: ToolRetryPolicy) {
  return {
    maximumAttempts: retry.maximumAttempts,
    initialInterval: retry.initialIntervalMs,
    backoffCoefficient: retry.backoffCoefficient,
    maximumInterval: retry.maximumIntervalMs,
    nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
  };
}

/** One line per problem, naming the offending field, e.g. "topic: Too small: expected string to have >=3 characters". */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}

/** For a summary: a string argument, quoted and cut to `max` characters. */
export const quoted = (text: string, max = 60) => `"${text.length > max ? `${text.slice(0, max - 1)}…` : text}"`;

/** The tool's one-line summary for Temporal Web; its name alone when it declares none or the input will be refused. */
export function toolSummary<T extends AnyTool>(tool: T, input: InputOf<T>): string {
  try {
    return tool.summarize ? `${tool.name}: ${tool.summarize(input)}` : tool.name;
  } catch {
    // An input the contract will refuse: the summary must not be what fails.
    return tool.name;
  }
}
