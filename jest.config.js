/** Jest: TypeScript through SWC; one real Temporal dev server for the whole suite (test/global-setup.ts). */
const { LONG_TIER } = require('./test/tiers');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The cluster tier (jest.cluster.config.js) and the long tier (jest.long.config.js) run on their own, in CI.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', ...LONG_TIER.map((file) => `<rootDir>/${file}`)],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
  reporters: ['default', ['<rootDir>/test/helpers/summary-reporter.js', { file: 'test-results/summary.json' }]],
};
