// One jest setup for every workspace: ts-jest in transpile-only mode (types are checked by
// `tsc` in the build), real services from @campzone/testkit, and a JSON report per package
// that scripts/run-tests.mjs sums into the CI's "N passed, N failed" line.
const path = require('node:path');

module.exports = (dir) => {
  const name = path.basename(dir);
  return {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(dir, 'tsconfig.json'), diagnostics: false }] },
    moduleFileExtensions: ['ts', 'js', 'json'],
    testTimeout: 60_000,
    reporters: ['default', [path.join(__dirname, 'scripts', 'jest-count-reporter.js'), { name }]],
  };
};
