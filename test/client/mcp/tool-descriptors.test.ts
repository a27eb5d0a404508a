/**
 * `harness mcp tools`: a descriptor for every registry tool, whose schemas are valid JSON Schema
 * (compiled by Ajv, draft 2020-12) and agree with the zod contracts they come from; annotations
 * carry category and risk.
 */
import Ajv2020 from 'ajv/dist/2020';
import { TOOLS, TOOL_NAMES } from '../../../src/shared/tools';
import { runHarness } from '../../helpers/processes';

const VALID_INPUT: Record<string, unknown> = {
  plan_run: { topic: 'durable agent harness', sourceTitles: ['One'] },
  search_sources: { topic: 'durable agent harness', sources: [{ title: 'One', content: 'A durable harness.' }] },
  extract_facts: { matches: [] },
  draft_report: { topic: 'durable agent harness', plan: ['plan it'], facts: [{ source: 'One', text: 'A fact.' }] },
  review_draft: { topic: 'durable agent harness', markdown: '# Report' },
  finalize_report: { runId: 'run-1', markdown: '# Report', sha256: 'a'.repeat(64) },
};

test('every registry tool, as valid JSON Schema that agrees with its zod contract, with category and risk', async () => {
  const result = await runHarness(['mcp', 'tools', '--json'], {});
  expect(result.code).toBe(0);
  const { tools } = JSON.parse(result.stdout) as {
    tools: {
      name: string;
      inputSchema: object;
      outputSchema: object;
      annotations: Record<string, boolean>;
      _meta: Record<string, unknown>;
    }[];
  };
  expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
  const ajv = new Ajv2020({ strict: false });
  for (const tool of tools) {
    const name = tool.name as keyof typeof TOOLS;
    const validate = ajv.compile(tool.inputSchema);
    ajv.compile(tool.outputSchema);
    const cases = [
      VALID_INPUT[name],
      { ...(VALID_INPUT[name] as object), unexpected: 1 },
      { ...(VALID_INPUT[name] as object), topic: 'x' },
      {},
    ];
    for (const input of cases)
      expect({ name, input, valid: validate(input) }).toEqual({ name, input, valid: TOOLS[name].input.safeParse(input).success });
    expect(validate(VALID_INPUT[name])).toBe(true);
    expect(tool.annotations).toMatchObject({ readOnlyHint: TOOLS[name].category === 'read_only', destructiveHint: TOOLS[name].risky });
    expect(tool._meta).toMatchObject({ 'durable-harness/category': TOOLS[name].category, 'durable-harness/risky': TOOLS[name].risky });
  }
  expect(tools.find((t) => t.name === 'finalize_report')!.annotations.destructiveHint).toBe(true);
});
