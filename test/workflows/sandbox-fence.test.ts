/**
 * The determinism fence is an allow-list: workflow and shared code may import only packages that
 * run in Temporal's sandbox and modules of src/workflows and src/shared (types from anywhere).
 * Linted as a file of the kernel would be, the refused imports are named and the allowed pass.
 */
import { ESLint } from 'eslint';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

async function refusedImports(source: string): Promise<string[]> {
  // The project's own config, handed over as an object: jest's module sandbox cannot load it by dynamic import.
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: require(path.join(ROOT, 'eslint.config.js')) });
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, 'src/workflows/kernel/fence-probe.ts') });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => source.split('\n')[m.line - 1]);
}

test('workflow code imports only sandbox-safe packages and sandbox modules; anything else is refused by lint', async () => {
  const allowed = [
    "import { condition } from '@temporalio/workflow';",
    "import { z } from 'zod';",
    "import { sha256 } from '@noble/hashes/sha2';",
    "import { TOOLS } from '../../shared/tools';",
    "import { RunRecorder } from './run-recorder';",
    "import { researchRun } from '../research/research-run';",
    "import { TOOL_ATTRIBUTES } from '../../telemetry/tool-attributes';",
    "import type { Heartbeat } from '../../activities/heartbeat';",
  ];
  const refused = [
    "import fs from 'node:fs';",
    "import { Client } from '@temporalio/client';",
    "import OpenAI from 'openai';",
    "import { startRun } from '../../client/api/runs';",
    "import { heartbeat } from '../../activities/heartbeat';",
    "import { tracer } from '../../telemetry/tracing';",
    "import { anything } from '../../a-folder-added-later/module';",
  ];
  expect(await refusedImports([...allowed, ...refused].join('\n'))).toEqual(refused);
});
