/**
 * The long tier (`npm run test:long`; CI runs it after `npm test`): the files test/tiers.js lists,
 * on the same kind of dev server as the main tier.
 */
const base = require('./jest.config');
const { LONG_TIER } = require('./test/tiers');

module.exports = {
  ...base,
  testMatch: undefined,
  testRegex: LONG_TIER.map((file) => file.replace(/[.]/g, '\\.') + '$'),
  testPathIgnorePatterns: ['/node_modules/'],
  reporters: ['default', ['<rootDir>/test/helpers/summary-reporter.js', { file: 'test-results/long-summary.json' }]],
};
