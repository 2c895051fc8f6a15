// Writes one small JSON file per workspace run so the root runner can print a single
// "N passed, N failed" line summed over every suite, whatever turbo interleaves on stdout, and
// name the failing tests beside it: CI keeps only the end of a long log, where jest's own
// failure report, printed minutes earlier among other packages' output, is often cut off.
const fs = require('node:fs');
const path = require('node:path');
const { stripVTControlCharacters } = require('node:util');

/**
 * The head of a failure without colour codes or stack: its first eight non-empty lines (for an
 * expect, the matcher and the start of its diff), joined and cut to 600 characters.
 */
function headOf(text) {
  const plain = stripVTControlCharacters(String(text ?? ''));
  const lines = plain
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '));
  const head = lines.slice(0, 8).join(' | ');
  return head.length > 600 ? `${head.slice(0, 599)}…` : head;
}

class JestCountReporter {
  constructor(globalConfig, options) {
    // The Redis Cluster pass (CAMPZONE_REDIS_MODE=cluster) reports beside the single-Redis one.
    this.name = process.env.CAMPZONE_REDIS_MODE === 'cluster' ? `${options.name}@redis-cluster` : options.name;
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', '.test-results');
    fs.mkdirSync(dir, { recursive: true });
    const failures = [];
    for (const suite of results.testResults) {
      const file = path.relative(this.rootDir, suite.testFilePath);
      // A file that could not run (a syntax or import error) has no failed test to name.
      if (suite.testExecError) failures.push({ file, test: '(the file did not run)', message: headOf(suite.testExecError.message) });
      for (const test of suite.testResults) {
        if (test.status === 'failed') failures.push({ file, test: test.fullName, message: headOf(test.failureMessages[0]) });
      }
    }
    const report = {
      name: this.name,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      failedSuites: results.numFailedTestSuites,
      failures,
    };
    fs.writeFileSync(path.join(dir, `${this.name}.json`), JSON.stringify(report));
  }
}
module.exports = JestCountReporter;
