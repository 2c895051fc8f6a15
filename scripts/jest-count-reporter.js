// Writes one small JSON file per workspace run so the root runner can print a single
// "N passed, N failed" line summed over every suite, whatever turbo interleaves on stdout.
const fs = require('node:fs');
const path = require('node:path');

class JestCountReporter {
  constructor(_globalConfig, options) {
    // The Redis Cluster pass (CAMPZONE_REDIS_MODE=cluster) reports beside the single-Redis one.
    this.name = process.env.CAMPZONE_REDIS_MODE === 'cluster' ? `${options.name}@redis-cluster` : options.name;
  }
  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', '.test-results');
    fs.mkdirSync(dir, { recursive: true });
    const failedSuites = results.numFailedTestSuites - 0;
    const report = {
      name: this.name,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      failedSuites,
    };
    fs.writeFileSync(path.join(dir, `${this.name}.json`), JSON.stringify(report));
  }
}
module.exports = JestCountReporter;
