/** Policy files: YAML or JSON, validated with the field and line named, digested canonically. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../src/config/policy-file';
import { tempDir } from '../helpers/temporal';

async function file(name: string, content: string): Promise<string> {
  const target = path.join(await tempDir('policy'), name);
  await fs.writeFile(target, content);
  return target;
}

test('the checked-in policies are valid', async () => {
  const defaults = await loadPolicyFile(DEFAULT_POLICY_FILE);
  expect(defaults.policy.name).toBe('default');
  expect(defaults.digest).toMatch(/^[0-9a-f]{64}$/);
  const restrictive = await loadPolicyFile(path.resolve(__dirname, '../../policy/restrictive.yaml'));
  expect(restrictive.policy.tools.finalize_report).toMatchObject({ minApprovals: 2, allowSelfApproval: false, onTimeout: 'escalate' });
});

test('the same policy in YAML and JSON has the same digest', async () => {
  const yaml = await file('p.yaml', 'version: 1\nname: same\ntools:\n  finalize_report: { minApprovals: 2 }\n');
  const json = await file('p.json', '{"tools": {"finalize_report": {"minApprovals": 2}}, "name": "same", "version": 1}');
  expect((await loadPolicyFile(yaml)).digest).toBe((await loadPolicyFile(json)).digest);
});

test('a schema error names the field and its line', async () => {
  const bad = await file('bad.yaml', 'version: 1\nname: bad\ntools:\n  finalize_report:\n    approval: required\n    minApprovals: zero\n');
  await expect(loadPolicyFile(bad)).rejects.toThrow(/bad\.yaml: tools\.finalize_report\.minApprovals \(line 6\): /);
});

test('a YAML syntax error names its line; a missing file is named', async () => {
  const broken = await file('broken.yaml', 'version: 1\nname: [unclosed\n');
  await expect(loadPolicyFile(broken)).rejects.toThrow(/broken\.yaml: line \d+: /);
  await expect(loadPolicyFile('/nonexistent/policy.yaml')).rejects.toThrow('policy file not found: /nonexistent/policy.yaml');
});

test('a policy file too large for history, or an alias bomb, is refused with the file named', async () => {
  const dir = await tempDir('policy-size');
  const large = path.join(dir, 'large.yaml');
  await fs.writeFile(large, `version: 1\nname: large\ndescription: "${'x'.repeat(3_000_000)}"\n`);
  await expect(loadPolicyFile(large)).rejects.toThrow(new RegExp(`^policy file ${large}: \\d+ bytes, at most 65536`));
  const bomb = path.join(dir, 'bomb.yaml');
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++)
    levels.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]`,
    );
  await fs.writeFile(bomb, `version: 1\nname: bomb\nroles:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
  await expect(loadPolicyFile(bomb)).rejects.toThrow(new RegExp(`^policy file ${bomb}: `));
});
