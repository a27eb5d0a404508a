/**
 * The long tier: whole-system checks that pack, build or drive outside programs, each a minute or
 * so. CI runs it after `npm test` (`npm run test:long`); `npm test` stays inside its 15 minutes.
 */
module.exports.LONG_TIER = [
  'test/examples/ticket-triage.test.ts', // npm pack, a clean project, tsc, a worker from the tarball
  'test/e2e/bench-smoke.test.ts', // every benchmark scenario, small
  'test/e2e/tracing.test.ts', // a real Jaeger (built with Go by `harness setup --observability`)
  'test/e2e/metrics.test.ts', // a real Prometheus
  'test/e2e/chaos.test.ts', // eight runs through three worker kills and a server restart
  'test/dev-server/readiness.test.ts', // frontends that answer late or never
];
