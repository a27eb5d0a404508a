/**
 * The public surface, checked: every name each entry point exports (and whether it is a value or
 * only a type), read by the TypeScript compiler from the entry files, against the recorded report
 * beside this test. An export added, removed or changed from value to type by accident fails here;
 * one changed on purpose is recorded with HARNESS_UPDATE_API=1 and named in CHANGELOG.md.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const REPORT = path.join(__dirname, 'api-surface.json');

/** The package's entry points (package.json "exports") and the source file each is built from. */
async function entryPoints(): Promise<Record<string, string>> {
  const manifest = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8'));
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(manifest.exports as Record<string, unknown>)) {
    if (typeof target === 'string') continue; // ./package.json
    const built = (target as { default: string }).default;
    entries[subpath] = path.join(ROOT, built.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
  }
  return entries;
}

function surfaceOf(files: string[]): Record<string, string[]> {
  const program = ts.createProgram(files, { strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const surface: Record<string, string[]> = {};
  for (const file of files) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    surface[file] = checker
      .getExportsOfModule(module)
      .map((symbol) => {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return `${symbol.name}: ${target.flags & ts.SymbolFlags.Value ? 'value' : 'type'}`;
      })
      .sort();
  }
  return surface;
}

test('each entry point exports exactly the recorded names', async () => {
  const entries = await entryPoints();
  expect(Object.keys(entries).sort()).toEqual(['.', './client', './worker', './workflow']);
  const bySource = surfaceOf(Object.values(entries));
  const surface = Object.fromEntries(Object.entries(entries).map(([subpath, file]) => [subpath, bySource[file]]));
  if (process.env.HARNESS_UPDATE_API) await fs.writeFile(REPORT, `${JSON.stringify(surface, null, 2)}\n`);
  expect(surface).toEqual(JSON.parse(await fs.readFile(REPORT, 'utf8')));
});

test('the workflow entry is sandbox code: it imports nothing the lint fence refuses', async () => {
  const source = await fs.readFile(path.join(ROOT, 'src/workflows/public.ts'), 'utf8');
  expect(source).not.toMatch(/from '\.\.\/(worker|client|activities|config)\//);
});
