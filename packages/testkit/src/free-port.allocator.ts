import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago; callers retry if a server then loses the race. */
export function getFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('Could not read the port the OS assigned'));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}
