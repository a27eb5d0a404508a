/** The README's tool table is generated from the registry; this fails when they drift. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toolTable } from '../../src/shared/tool-table';
import { TOOL_NAMES } from '../../src/shared/tools';

test('README shows the current tool table (regenerate with `npm run docs:tools`)', async () => {
  const readme = await fs.readFile(path.resolve(__dirname, '../../README.md'), 'utf8');
  expect(readme).toContain(toolTable());
  expect(TOOL_NAMES).toEqual(['plan_run', 'search_sources', 'extract_facts', 'draft_report', 'review_draft', 'finalize_report']);
});
