import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 in front of a real server, for store outages that are not refusals. */
export interface TcpProxy {
  readonly port: number;
  /** mongodb://127.0.0.1:<port>/?directConnection=true, for a MongoDB-wire target. */
  readonly mongoUrl: string;
  /**
   * Stops forwarding in both directions without closing anything (a partition or a hung
   * server): requests are held, so clients wait for answers that do not come.
   */
  hold(): void;
  /** Forwards what was held, in order, and everything after it. */
  release(): void;
  /** Delays every chunk, both ways, by this long from now on (0: none); order is kept. */
  delay(ms: number): void;
  /** Closes every connection and the listener: the server went away. */
  cut(): Promise<void>;
}

interface Pipe {
  from: Socket;
  to: Socket;
  held: Buffer[];
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const pipes = new Set<Pipe>();
  let holding = false;
  let delayMs = 0;

  const forward = (pipe: Pipe) => {
    // Chunks leave in arrival order: a delayed one waits for the one before it too, so one that
    // arrives after the delay dropped still queues behind those pending.
    let pending = 0;
    let last = Promise.resolve();
    pipe.from.on('data', (chunk: Buffer) => {
      if (holding) pipe.held.push(chunk);
      else if (delayMs === 0 && pending === 0) pipe.to.write(chunk);
      else {
        pending += 1;
        const due = new Promise<void>((resolve) => setTimeout(resolve, delayMs));
        last = Promise.all([last, due]).then(() => {
          pending -= 1;
          pipe.to.write(chunk);
        });
      }
    });
    pipe.from.on('close', () => pipes.delete(pipe));
    pipes.add(pipe);
  };

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => {
        sockets.delete(s);
        // One side gone: the other goes too, as a plain TCP relay would.
        client.destroy();
        upstream.destroy();
      });
    }
    forward({ from: client, to: upstream, held: [] });
    forward({ from: upstream, to: client, held: [] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('tcp proxy did not bind a port');

  return {
    port: address.port,
    mongoUrl: `mongodb://127.0.0.1:${address.port}/?directConnection=true`,
    hold() {
      holding = true;
    },
    delay(ms) {
      delayMs = Math.max(0, ms);
    },
    release() {
      holding = false;
      for (const pipe of pipes) {
        for (const chunk of pipe.held.splice(0)) pipe.to.write(chunk);
      }
    },
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
