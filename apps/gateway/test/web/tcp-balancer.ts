import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP load balancer in front of gateway processes, as in a real deployment: the page is
 * served by, and connects to, one origin (the balancer), which sends each new connection to
 * the first of its backends that accepts it. A reconnect after a gateway dies therefore lands
 * on a live one, through the same URL, which the page's CSP (connect-src 'self') requires.
 */
export interface Balancer {
  url: string;
  /** Backend URL of each open connection, for asserting where a page is connected. */
  openBackends(): string[];
  /** Refuses new connections, like a balancer whose health checks have not caught up yet. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startBalancer(backends: readonly string[]): Promise<Balancer> {
  const targets = backends.map((b) => new URL(b));
  const open = new Map<Socket, string>();
  let holding = false;

  const server = createServer((client) => {
    if (holding) {
      client.destroy();
      return;
    }
    client.pause();
    client.on('error', () => undefined);
    const tryBackend = (index: number): void => {
      const target = targets[index];
      if (!target) {
        client.destroy();
        return;
      }
      const upstream = connect(Number(target.port), target.hostname);
      let connected = false;
      // Refused (a dead gateway): try the next one.
      upstream.once('error', () => {
        if (!connected) tryBackend(index + 1);
      });
      upstream.once('connect', () => {
        connected = true;
        upstream.on('error', () => client.destroy());
        open.set(client, backends[index]!);
        client.pipe(upstream).pipe(client);
        client.resume();
        const end = () => {
          open.delete(client);
          client.destroy();
          upstream.destroy();
        };
        client.once('close', end);
        upstream.once('close', end);
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('balancer did not bind a TCP port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    openBackends: () => [...open.values()],
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of open.keys()) client.destroy();
        server.close(() => resolve());
      }),
  };
}
