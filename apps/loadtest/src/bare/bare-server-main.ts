import { startBareServer } from './bare-server';

// One bare-server process: `node dist/bare/bare-server-main.js` with REDIS_URL, REDIS_PREFIX,
// JWT_SECRET, PORT. Prints one JSON line when listening (the cluster waits for it).

async function main(): Promise<void> {
  const { REDIS_URL, REDIS_PREFIX, JWT_SECRET, PORT } = process.env;
  if (!REDIS_URL || !JWT_SECRET) throw new Error('REDIS_URL and JWT_SECRET are required');
  const server = await startBareServer({ redisUrl: REDIS_URL, prefix: REDIS_PREFIX ?? 'bare', jwtSecret: JWT_SECRET });
  server.http.listen(Number(PORT ?? 0), '127.0.0.1', () => {
    const address = server.http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ msg: 'bare listening', port, pid: process.pid })}\n`);
  });
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`bare server failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
