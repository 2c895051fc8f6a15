import { createClient } from 'redis';
import { startRedisServer } from '../src';

async function withClient<T>(url: string, use: (client: ReturnType<typeof createClient>) => Promise<T>): Promise<T> {
  const client = createClient({ url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.quit();
  }
}

describe('startRedisServer', () => {
  it('restart keeps the port and loses every key', async () => {
    const server = await startRedisServer();
    try {
      await withClient(server.url, (client) => client.set('room:1:seq', '41'));
      const { port, url } = server;
      await server.restart();
      expect(server.port).toBe(port);
      expect(server.url).toBe(url);
      await expect(withClient(server.url, (client) => client.get('room:1:seq'))).resolves.toBeNull();
    } finally {
      await server.stop();
    }
  });

  it('comes back on the same port after being killed like a crash', async () => {
    const server = await startRedisServer();
    try {
      const crashed = server.process;
      server.kill();
      await expect(crashed.exited).resolves.toBeNull();
      await server.restart();
      await expect(withClient(server.url, (client) => client.ping())).resolves.toBe('PONG');
    } finally {
      await server.stop();
    }
  });

  it('starts on a requested port', async () => {
    const first = await startRedisServer();
    const port = first.port;
    await first.stop();
    const second = await startRedisServer({ port });
    try {
      expect(second.url).toBe(`redis://127.0.0.1:${port}`);
      await expect(withClient(second.url, (client) => client.ping())).resolves.toBe('PONG');
    } finally {
      await second.stop();
    }
  });
});
