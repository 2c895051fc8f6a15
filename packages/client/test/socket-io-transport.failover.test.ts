import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { type ChatClient, createChatClient } from '../src/chat-client';
import type { ConnectionState } from '../src/chat-client-events';

// Real socket.io-client against real socket.io servers: the failover changes a field inside
// socket.io-client, so only the real library can show that the next attempt really goes elsewhere.

interface FakePod {
  url: string;
  port: number;
  /** Handshakes this pod accepted. */
  connections: number;
  close(): Promise<void>;
}

/** A socket.io server that greets like a gateway, naming itself as the user so the test can tell pods apart. */
async function startPod(name: string, port = 0): Promise<FakePod> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  const pod: FakePod = {
    url: '',
    port: 0,
    connections: 0,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
  io.on('connection', (socket) => {
    pod.connections++;
    socket.emit('connected', { socketId: socket.id, userId: name, message: `hello from ${name}` });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  pod.port = (http.address() as AddressInfo).port;
  pod.url = `http://127.0.0.1:${pod.port}`;
  return pod;
}

/** A URL nothing listens on: connections to it are refused at once. */
async function deadUrl(): Promise<string> {
  const pod = await startPod('ghost');
  await pod.close();
  return pod.url;
}

/** Resolves with the next `connected` state (whose userId names the pod). */
function nextConnected(client: ChatClient, timeoutMs = 10_000): Promise<Extract<ConnectionState, { state: 'connected' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connection within the timeout')), timeoutMs);
    const off = client.on('connection', (state) => {
      if (state.state !== 'connected') return;
      clearTimeout(timer);
      off();
      resolve(state);
    });
  });
}

const clients: ChatClient[] = [];
const pods: FakePod[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(pods.splice(0).map((p) => p.close()));
});

function client(url: string, fallbackUrls: string[]): ChatClient {
  const c = createChatClient({
    url,
    fallbackUrls,
    token: 'token',
    autoConnect: false,
    outbox: { storage: false },
    reconnection: { baseMs: 20, maxMs: 100 },
  });
  clients.push(c);
  return c;
}

describe('socket.io transport with fallback URLs', () => {
  it('connects through the next URL when the first gateway is down', async () => {
    const live = await startPod('pod-b');
    pods.push(live);
    const c = client(await deadUrl(), [live.url]);
    const connected = nextConnected(c);
    c.connect();
    await expect(connected).resolves.toMatchObject({ userId: 'pod-b', reconnect: false });
    expect(live.connections).toBe(1);
  });

  it('moves to the next gateway when its gateway dies, and comes round the ring to the first again', async () => {
    const a = await startPod('pod-a');
    const b = await startPod('pod-b');
    pods.push(b);
    const c = client(a.url, [b.url]);
    let connected = nextConnected(c);
    c.connect();
    await expect(connected).resolves.toMatchObject({ userId: 'pod-a' });

    connected = nextConnected(c);
    await a.close();
    await expect(connected).resolves.toMatchObject({ userId: 'pod-b', reconnect: true });

    const a2 = await startPod('pod-a-again', a.port);
    pods.push(a2);
    connected = nextConnected(c);
    await b.close();
    pods.splice(pods.indexOf(b), 1);
    await expect(connected).resolves.toMatchObject({ userId: 'pod-a-again', reconnect: true });
  });

  it('stays on its gateway while that gateway is up', async () => {
    const a = await startPod('pod-a');
    const b = await startPod('pod-b');
    pods.push(a, b);
    const c = client(a.url, [b.url]);
    const connected = nextConnected(c);
    c.connect();
    await expect(connected).resolves.toMatchObject({ userId: 'pod-a' });
    expect(b.connections).toBe(0);
  });
});
