/** Replaying saved histories through both workflow bundles (untraced and traced), as the replay set and the cluster tier do. */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { forWorkflowCode, harnessDataConverter } from '../../src/codec/data-converter';
import { idleSnapshotSink } from '../../src/worker/snapshot-sink';
import { TRACED_WORKFLOW_BUNDLE_PATH, WORKFLOW_BUNDLE_PATH } from '../../src/worker/workflow-bundle';

export type LoadedHistory = ReturnType<typeof historyFromJSON>;

/**
 * The key the `encrypted-*` histories were recorded with (HARNESS_CODEC_KEYS=… npm run
 * record-histories): a test fixture, public on purpose, never a key for real runs.
 */
export const FIXTURE_CODEC_KEYS = 'fixture:AwNSxJFUqWzrHOgU3kFgl8pLVQRFaj5zEmRcaGRw1To=';
/** Decrypts the encrypted histories; the others are plaintext and pass through. */
export const fixtureDataConverter = () => harnessDataConverter({ HARNESS_CODEC_KEYS: FIXTURE_CODEC_KEYS });

export async function loadHistory(dir: string, name: string): Promise<LoadedHistory> {
  return historyFromJSON(JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')));
}

/**
 * The id the run had: a multi-role run derives its children's ids from it, and a signed approval
 * names it, so their replay needs it. Histories from older servers name it only through a child's
 * id; the rest replay under their file name.
 */
export function workflowIdOf(history: LoadedHistory, file: string): string {
  // Servers since 1.27 record it in the start event; a signed run needs it (its signatures name it).
  const recorded = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId;
  if (recorded) return recorded;
  const child = history.events?.find(
    (e) => e.startChildWorkflowExecutionInitiatedEventAttributes,
  )?.startChildWorkflowExecutionInitiatedEventAttributes;
  return child?.workflowId?.replace(/--\w+$/, '') ?? file;
}

/** Spans the traced bundle's exporter was handed: a replay must hand it none. */
export const exportedSpans: unknown[] = [];
const tracingSink = { exporter: { export: { fn: (_info: unknown, spans: unknown[]) => void exportedSpans.push(...spans) } } };

/** Every history of the folder through both bundles; the failures, one line each. */
export async function replayFailures(dir: string, files: string[]): Promise<string[]> {
  const histories = await Promise.all(
    files.map(async (file) => {
      const history = await loadHistory(dir, file);
      return { workflowId: workflowIdOf(history, file), history };
    }),
  );
  const failures: string[] = [];
  for (const codePath of [WORKFLOW_BUNDLE_PATH, TRACED_WORKFLOW_BUNDLE_PATH]) {
    for await (const result of Worker.runReplayHistories(
      {
        workflowBundle: { codePath },
        sinks: { ...idleSnapshotSink, ...tracingSink },
        dataConverter: forWorkflowCode(fixtureDataConverter()),
      },
      histories,
    )) {
      if (result.error) failures.push(`${path.basename(codePath)} ${result.workflowId}: ${result.error.message}`);
    }
  }
  return failures;
}
