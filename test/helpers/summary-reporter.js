// Writes jest's totals to a JSON file so .ci/run can print "N passed, N failed".
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(_globalConfig, options) {
    this.file = path.resolve(options.file);
  }
  onRunComplete(_contexts, results) {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests,
      total: results.numTotalTests,
    };
    fs.writeFileSync(this.file, JSON.stringify(summary));
  }
}
module.exports = SummaryReporter;
