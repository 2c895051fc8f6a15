// The web package's own tests are pure logic (no services); the browser and SDK integration
// tests need a gateway and live in apps/gateway/test/{web,sdk}.
const preset = require('../../jest.preset.js')(__dirname, { services: false });

module.exports = {
  ...preset,
  // The page imports the SDK's browser bundle (an ES module); in Node the same code is its CommonJS build.
  moduleNameMapper: { '^@campzone/client/browser$': '@campzone/client' },
};
