// testkit's own tests call provisionServices()/startRedisServer() directly, so the shared
// globalSetup (which is built from this very package) is left out here.
module.exports = require('../../jest.preset.js')(__dirname, { services: false });
