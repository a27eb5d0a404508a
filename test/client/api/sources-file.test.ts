/** The sources file is validated before any run starts, with one clear message per problem. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readSourcesFile, SAMPLE_SOURCES } from '../../../src/client/api/sources-file';
import { tempDir } from '../../helpers/temporal';

async function fileWith(content: string): Promise<string> {
  const file = path.join(await tempDir('sources'), 'sources.json');
  await fs.writeFile(file, content);
  return file;
}

test('the bundled samples are valid', async () => {
  expect((await readSourcesFile(SAMPLE_SOURCES)).length).toBeGreaterThanOrEqual(5);
});

test.each([
  ['a missing file', async () => '/nonexistent/sources.json', /^sources file not found: /],
  ['bad JSON', () => fileWith('[{"title": '), /^sources file \S+: not valid JSON/],
  ['the wrong shape', () => fileWith('[{"name": "x"}]'), /wrong shape .*0\.title: /],
  ['an empty list', () => fileWith('[]'), /wrong shape .*the list of sources is empty/],
  ['more than 1 MB', () => fileWith(JSON.stringify([{ title: 't', content: 'x'.repeat(1_100_000) }])), /: \d+ bytes, at most 1000000$/],
])('%s is refused clearly', async (_name, makeFile, message) => {
  await expect(readSourcesFile(await makeFile())).rejects.toThrow(message);
});
