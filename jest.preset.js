// One jest setup for every workspace: ts-jest in transpile-only mode (types are checked by
// `tsc` in the build), real services from @campzone/testkit, and a JSON report per package
// that scripts/run-tests.mjs sums into the CI's "N passed, N failed" line.
const path = require('node:path');

// globalSetup provides REDIS_URL / MONGO_URL (reusing them when already set) and globalTeardown
// stops what it started. It is testkit's compiled output, so testkit itself opts out.
function servicesHooks() {
  try {
    return {
      globalSetup: require.resolve('@campzone/testkit/jest-global-setup'),
      globalTeardown: require.resolve('@campzone/testkit/jest-global-teardown'),
    };
  } catch (error) {
    throw new Error(`@campzone/testkit is not built; run \`npx turbo run build --filter=@campzone/testkit\` first (${error.message})`);
  }
}

/**
 * @param {string} dir the workspace directory (pass __dirname)
 * @param {{ services?: boolean }} [options] services: false skips the testkit globalSetup/Teardown
 */
module.exports = (dir, options = {}) => {
  const name = path.basename(dir);
  return {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(dir, 'tsconfig.json'), diagnostics: false }] },
    moduleFileExtensions: ['ts', 'js', 'json'],
    testTimeout: 60_000,
    reporters: ['default', [path.join(__dirname, 'scripts', 'jest-count-reporter.js'), { name }]],
    ...(options.services === false ? {} : servicesHooks()),
  };
};
