import { createServer } from 'node:net';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first port from `start` such that `count` consecutive ports are free on 127.0.0.1. */
export async function consecutiveFreePorts(start: number, count: number): Promise<number> {
  for (let base = start; base + count <= 65_535; base++) {
    let free = true;
    for (let i = 0; i < count && free; i++) {
      free = await isFree(base + i);
      if (!free) base += i;
    }
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports from ${start}`);
}
