/**
 * The cluster tier (`npm run test:cluster`): tests against the production-shape cluster
 * (PostgreSQL, four Temporal services as processes, mTLS). Each file starts its own cluster.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: [],
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  globalTeardown: undefined,
  testTimeout: 300_000,
  reporters: ['default', ['<rootDir>/test/helpers/summary-reporter.js', { file: 'test-results/cluster-summary.json' }]],
};
