/**
 * `importedRun`: a run recorded elsewhere (the seed harness's `.runs/<id>/`, or an export), brought
 * into Temporal so the inbox, `list`, `summary` and Temporal Web show it beside new runs. Its state
 * is the record as imported, its trace the record's events after one `run_imported`. A run that
 * waited at its report gate waits at ours, under this run's policy, and an approval writes exactly
 * the imported draft; a run that ended keeps how it ended.
 */
import { toolModesOf } from '../shared/policy';
import { ImportedRunInput } from '../shared/imported-run';
import { previewOf, RunResult, RunState, StepResult, TraceEvent } from '../shared/run';
import type { RunSnapshot } from '../shared/run-snapshot';
import { TOOLS } from '../shared/tools';
import { describeZodError } from '../shared/tool-contract';
import { harnessRun, Parsed, RunKernel } from './kernel/harness-run';
import { defaultOutputPath } from './research/research-run';

type Input = ReturnType<typeof ImportedRunInput.parse>;

export async function importedRun(raw: ImportedRunInput): Promise<RunResult> {
  return harnessRun(
    raw,
    {
      workflowType: 'importedRun',
      describe: (input) => {
        const parsed = ImportedRunInput.safeParse(input);
        return {
          topic: parsed.success ? parsed.data.snapshot.state.topic : 'imported run',
          startedBy: parsed.success ? (parsed.data.startedBy ?? null) : null,
          previewLines: 12,
          created: parsed.success ? { importedFrom: parsed.data.from, importedStatus: parsed.data.snapshot.state.status } : {},
        };
      },
      parse: (input): Parsed<Input> => {
        const parsed = ImportedRunInput.safeParse(input);
        return parsed.success
          ? { ok: true, input: parsed.data }
          : { ok: false, message: `invalid import: ${describeZodError(parsed.error)}` };
      },
      invalidInputType: 'InvalidImport',
    },
    async (input, kernel) => {
      const { policy } = await kernel.resolvePolicy(input, 'worker-default');
      kernel.calls.execution = toolModesOf(policy, undefined);
      const record = input.snapshot as unknown as RunSnapshot;
      keepRecord(kernel, record, input.from);
      const { status, error, topic } = record.state;
      if (status === 'completed') return;
      if (status !== 'waiting_approval' || !record.draft)
        return kernel.fail(
          `imported as ${status}${error ? `: ${error}` : ''} (from ${input.from}); start it again to run it here`,
          'ImportedRunEnded',
        );
      // The gate the record stopped at, as a research run's report gate, under this run's policy:
      // pinned to the report's own digest, and an approval writes exactly the imported draft.
      const { markdown, sha256 } = record.draft;
      const proposedPath = defaultOutputPath(policy, kernel.workflowId);
      const report = await kernel.toolPath({ topic, budget: null }).call(
        TOOLS.finalize_report,
        { runId: kernel.workflowId, markdown, sha256, relativePath: proposedPath },
        { topic },
        {
          digest: sha256,
          preview: previewOf(markdown, kernel.previewLines),
          proposedPath,
          review: { passed: reviewPassed(record), findings: record.state.findings },
          onEdited: (edited) => {
            kernel.run.snapshot.draft = { markdown: edited.markdown, sha256: edited.sha256 };
          },
        },
      );
      kernel.run.state.artifacts.report = report;
    },
  );
}

/** The imported record becomes the run's own: its plan, steps, findings, material and events. */
function keepRecord({ run }: RunKernel, record: RunSnapshot, from: string): void {
  const imported: RunState = record.state;
  Object.assign(run.state, {
    plan: imported.plan,
    provider: imported.provider,
    steps: imported.steps.map((step: StepResult) => ({ ...step })),
    findings: imported.findings,
    artifacts: { ...imported.artifacts },
    ...(imported.roles ? { roles: imported.roles } : {}),
  });
  Object.assign(run.snapshot, {
    sources: record.sources,
    facts: record.facts,
    draft: record.draft,
    drafted: record.drafted ?? record.draft,
  });
  run.event('run_imported', { message: `from ${from}`, data: { events: imported.trace.length, status: imported.status } });
  // The record's own `run_completed` gives way to this run's, so a completed run completes once.
  for (const event of imported.trace)
    if (event.type !== 'run_completed') run.state.trace.push({ ...event, seq: run.state.trace.length + 1 } as TraceEvent);
}

/** What the record's last review said; a record without one did not pass one. */
function reviewPassed(record: RunSnapshot): boolean {
  const reviewed = [...record.state.trace].reverse().find((e) => e.type === 'draft_reviewed');
  return (reviewed?.data as { passed?: unknown } | undefined)?.passed === true;
}
