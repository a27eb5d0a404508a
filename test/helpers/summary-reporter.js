// Writes jest's totals to a JSON file so .ci/run can print "N passed, N failed", and the slowest tests.
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
      // Where the tier's time goes, for keeping `npm test` inside its budget.
      slowest: results.testResults
        .flatMap((file) =>
          file.testResults.map((t) => ({ ms: t.duration ?? 0, file: path.relative(process.cwd(), file.testFilePath), test: t.title })),
        )
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 15),
      // Every file's wall time, slowest first: what a tier split weighs.
      files: results.testResults
        .map((file) => ({ ms: file.perfStats.end - file.perfStats.start, file: path.relative(process.cwd(), file.testFilePath) }))
        .sort((a, b) => b.ms - a.ms),
    };
    fs.writeFileSync(this.file, JSON.stringify(summary));
  }
}
module.exports = SummaryReporter;
