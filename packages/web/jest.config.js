// The web package's own tests are pure logic (no services); the browser and SDK integration
// tests need a gateway and live in apps/gateway/test/{web,sdk}.
module.exports = require('../../jest.preset.js')(__dirname, { services: false });
