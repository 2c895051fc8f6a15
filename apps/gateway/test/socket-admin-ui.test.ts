import { hashSync } from 'bcryptjs';
import { io, type Socket } from 'socket.io-client';
import { closeAllClients, connectAs, tokenFor } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

// The Socket.IO Admin UI's namespace exists only when its credentials are configured, and then
// admits those credentials only: not a wrong password, not a user's chat token.

const PASSWORD = 'correct horse battery staple';
let off: GatewayCluster;
let on: GatewayCluster;
const admins: Socket[] = [];

beforeAll(async () => {
  [off, on] = await Promise.all([
    GatewayCluster.start('admin-ui-off', 1),
    // Cost 4: the lowest bcrypt allows, so the test does not wait on hashing.
    GatewayCluster.start('admin-ui-on', 1, { SOCKET_ADMIN_UI_USERNAME: 'ops', SOCKET_ADMIN_UI_PASSWORD_HASH: hashSync(PASSWORD, 4) }),
  ]);
});
// Generous: draining a gateway waits on a loaded machine.
afterAll(async () => {
  for (const s of admins) s.close();
  closeAllClients();
  await Promise.all([off?.stop(), on?.stop()]);
}, 120_000);

/** Connects to the admin namespace; resolves with the server's `config` event or the refusal's message. */
function connectAdmin(url: string, auth: Record<string, string>): Promise<{ config?: unknown; refused?: string }> {
  const socket = io(`${url}/admin`, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  admins.push(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from the admin namespace')), 10_000);
    socket.once('config', (config: unknown) => {
      clearTimeout(timer);
      resolve({ config });
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve({ refused: err.message });
    });
  });
}

test('without its settings the admin namespace does not exist', async () => {
  expect(await connectAdmin(off.url(0), { username: 'ops', password: PASSWORD })).toEqual({ refused: 'Invalid namespace' });
});

test('with its settings, a wrong password, no credentials and a chat token are all refused', async () => {
  expect((await connectAdmin(on.url(0), { username: 'ops', password: 'wrong password' })).refused).toBeDefined();
  expect((await connectAdmin(on.url(0), { username: 'root', password: PASSWORD })).refused).toBeDefined();
  expect((await connectAdmin(on.url(0), {})).refused).toBeDefined();
  expect((await connectAdmin(on.url(0), { token: tokenFor('admin-ui-user') })).refused).toBeDefined();
});

test('the right credentials get the read-only admin feed, and chat sockets still work beside it', async () => {
  const answer = await connectAdmin(on.url(0), { username: 'ops', password: PASSWORD });
  // Read-only: the UI is offered none of its join, leave, emit or disconnect features.
  expect(answer).toEqual({ config: { supportedFeatures: ['AGGREGATED_EVENTS'] } });
  const chat = await connectAs(on.url(0), 'admin-ui-user');
  expect(chat.connected).toBe(true);
});
