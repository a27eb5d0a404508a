/** The tools page's table is generated from the registry; this fails when they drift. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toolTable } from '../../src/shared/tool-table';
import { TOOL_NAMES } from '../../src/shared/tools';

/** Cells as written, whatever padding the Markdown formatter gave the columns. */
const cells = (markdown: string) =>
  markdown
    .split('\n')
    .map((line) => line.replace(/\s*\|\s*/g, '|').replace(/-{3,}/g, '---'))
    .join('\n');

test('docs/tools-and-workflows.md shows the current tool table (regenerate with `npm run docs:tools`)', async () => {
  const page = await fs.readFile(path.resolve(__dirname, '../../docs/tools-and-workflows.md'), 'utf8');
  expect(cells(page)).toContain(cells(toolTable()));
  expect(TOOL_NAMES).toEqual(['plan_run', 'search_sources', 'extract_facts', 'draft_report', 'review_draft', 'finalize_report']);
});
