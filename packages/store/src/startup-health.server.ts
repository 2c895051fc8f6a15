import { createServer } from 'node:http';

export interface StartupHealthServer {
  /** The bound port (PORT=0 picks one): the app's own server takes the same port over. */
  port: number;
  /** Frees the port for the app's own server. */
  close(): Promise<void>;
}

/**
 * Answers probes while Redis and MongoDB are still awaited: /healthz 200 (the process is alive and
 * within its start-up deadline, so the startup and liveness probes must not restart it),
 * /readyz, /metrics and everything else 503 "starting" (no traffic yet). WebSocket upgrades are
 * dropped, since nothing here handles 'upgrade'; clients retry with their backoff. Both apps use it
 * while they wait in waitForRedisAndMongo.
 */
export async function listenWhileStarting(port: number, host: string): Promise<StartupHealthServer> {
  const server = createServer((request, response) => {
    const alive = request.url === '/healthz';
    response.writeHead(alive ? 200 : 503, { 'content-type': 'application/json', connection: 'close' });
    response.end(JSON.stringify({ status: alive ? 'ok' : 'starting' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
