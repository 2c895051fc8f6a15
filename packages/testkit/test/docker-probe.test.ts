import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Probe = typeof import('../src/docker-engine.probe');

// testcontainers caches its configuration (DOCKER_HOST included) per module instance, and the
// probe loads it lazily, so each test starts from an empty module registry.
function freshProbe(): Probe {
  jest.resetModules();
  return require('../src/docker-engine.probe') as Probe;
}

const hasDockerSocket = existsSync('/var/run/docker.sock') || process.env.DOCKER_HOST !== undefined;

describe('isDockerEngineReachable', () => {
  const savedDockerHost = process.env.DOCKER_HOST;
  afterEach(() => {
    if (savedDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = savedDockerHost;
  });

  (hasDockerSocket ? it.skip : it)('answers "no engine" within two seconds on a machine without Docker', async () => {
    const started = Date.now();
    await expect(freshProbe().isDockerEngineReachable()).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('treats an engine that never answers as absent once the timeout passes', async () => {
    const socketPath = join(tmpdir(), `testkit-hung-docker-${process.pid}.sock`);
    const openSockets = new Set<Socket>();
    const hung: Server = createServer((socket) => openSockets.add(socket));
    await new Promise<void>((resolveListen) => hung.listen(socketPath, resolveListen));
    process.env.DOCKER_HOST = `unix://${socketPath}`;
    try {
      const started = Date.now();
      await expect(freshProbe().isDockerEngineReachable(500)).resolves.toBe(false);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(elapsed).toBeLessThan(2_000);
    } finally {
      await new Promise<void>((resolveClose) => {
        hung.close(() => resolveClose());
        // Closing waits for the probe's stuck connection, which only the engine would end.
        for (const socket of openSockets) socket.destroy();
      });
    }
  });
});
