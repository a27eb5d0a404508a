/** A short chaos drill in every test run: real server and worker processes, real SIGKILLs. */
import { runHarnessScript } from '../helpers/processes';

test('chaos (8 runs, 3 worker kills, one server restart): nothing lost, stuck or written twice', async () => {
  const { code, stdout, stderr } = await runHarnessScript(
    'dist/dev/chaos.js',
    ['--runs', '8', '--max-kills', '3', '--kill-every-ms', '1500', '--latency-ms', '200', '--deadline-s', '150', '--json'],
    180_000,
  );
  expect(stderr).toMatch(/SIGKILL server/);
  const report = JSON.parse(stdout.trim().split('\n').pop()!);
  expect(report).toMatchObject({ started: 8, completed: 8, lost: 0, stuck: 0, badReports: 0, serverRestarts: 1 });
  expect(report.workerKills).toBeGreaterThanOrEqual(1);
  expect(code).toBe(0);
}, 200_000); // above the script's own deadline, so a slow machine hears what it said
