import { io } from 'socket.io-client';
import { closeAllClients, connectAs, createRoom, eventually, record, sendArgs, tokenFor } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

afterEach(closeAllClients);

test('with the sharded adapter (Redis 7 sharded pub/sub) messages still cross pods', async () => {
  const cluster = await GatewayCluster.start(__filename, 2, { REDIS_ADAPTER: 'sharded' });
  try {
    await createRoom(cluster.url(0), 'sha', 'sharded', ['shi']);
    const sender = await connectAs(cluster.url(0), 'sha');
    const receiver = await connectAs(cluster.url(1), 'shi');
    const inbox = record(receiver, 'new_message');
    await sender.emitWithAck('send_message', sendArgs('sharded', 'over sharded pub/sub'));
    await eventually(() => inbox.length === 1, 'the message on the other pod');
    expect(inbox[0]?.content).toBe('over sharded pub/sub');
  } finally {
    await cluster.stop();
  }
});

const connectOutcome = (url: string, transports: Array<'polling' | 'websocket'>) =>
  new Promise<string>((resolve) => {
    const socket = io(url, { transports, auth: { token: tokenFor('poll') }, reconnection: false, forceNew: true });
    const done = (outcome: string) => {
      socket.close();
      resolve(outcome);
    };
    socket.once('connected', () => done('connected'));
    socket.once('connect_error', () => done('refused'));
  });

test('long-polling is refused by default and accepted when configured', async () => {
  const websocketOnly = await GatewayCluster.start(`${__filename}-ws`, 1);
  const withPolling = await GatewayCluster.start(`${__filename}-poll`, 1, { SOCKET_TRANSPORTS: 'websocket,polling' });
  try {
    expect(await connectOutcome(websocketOnly.url(0), ['polling'])).toBe('refused');
    expect(await connectOutcome(withPolling.url(0), ['polling'])).toBe('connected');
  } finally {
    await Promise.all([websocketOnly.stop(), withPolling.stop()]);
  }
});

test('browsers from origins outside CORS_ORIGINS are refused; listed ones and same-origin pages are not', async () => {
  const cluster = await GatewayCluster.start(`${__filename}-cors`, 1, { CORS_ORIGINS: 'https://chat.campus.edu' });
  try {
    const withOrigin = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = io(cluster.url(0), {
          transports: ['websocket'],
          auth: { token: tokenFor('cors') },
          reconnection: false,
          forceNew: true,
          extraHeaders: { origin },
        });
        socket.once('connected', () => resolve('connected'));
        socket.once('connect_error', () => resolve('refused'));
      });
    expect(await withOrigin('https://evil.example')).toBe('refused');
    expect(await withOrigin('https://chat.campus.edu')).toBe('connected');
    expect(await withOrigin(cluster.url(0))).toBe('connected');
  } finally {
    await cluster.stop();
  }
});
