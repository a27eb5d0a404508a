/**
 * The benchmark's agents (a workflows module, bundled by the agent worker): a ten-turn agent whose
 * scripted model calls a trivial tool nine times and answers on the tenth, and a session that
 * answers each message in one turn and continues as new past a small history.
 */
import { z } from 'zod';
import { defineTool } from '../../src/shared/public';
import { defineAgent } from '../../src/workflows/public';

export const benchEcho = defineTool({
  name: 'bench_echo',
  description: 'Returns its input.',
  category: 'read_only',
  input: z.object({ n: z.number().int() }),
  output: z.object({ n: z.number().int() }),
});

export const benchAgent = defineAgent({
  name: 'benchAgent',
  description: 'Calls bench_echo nine times, then answers.',
  instructions: 'Call bench_echo until the script says stop.',
  tools: [benchEcho],
});

export const benchSession = defineAgent({
  name: 'benchSession',
  description: 'Answers each message at once; continues as new every few hundred events.',
  instructions: 'Answer each message.',
  tools: [benchEcho],
  session: {},
  limits: { historyEvents: 2_000 },
});
