import { getFreePort, startProcess } from '../src';
import { isAlive } from './process-liveness';

const node = process.execPath;

describe('startProcess', () => {
  it('waits for the ready line, captures stdout and is gone after stop()', async () => {
    const managed = await startProcess({
      name: 'greeter',
      command: node,
      args: [
        '-e',
        'console.log("warming up"); setTimeout(() => console.log("ready on " + process.env.GREETING), 50); setInterval(() => {}, 1000);',
      ],
      env: { GREETING: 'campus' },
      readyLine: /^ready on/,
    });
    expect(managed.stdoutLines).toEqual(['warming up', 'ready on campus']);
    expect(managed.running).toBe(true);

    await expect(managed.stop()).resolves.toBeNull();
    expect(managed.running).toBe(false);
    expect(isAlive(managed.pid)).toBe(false);
  });

  it('kills a process that ignores SIGTERM once the stop timeout passes', async () => {
    const managed = await startProcess({
      name: 'stubborn',
      command: node,
      args: ['-e', 'process.on("SIGTERM", () => console.log("ignoring SIGTERM")); console.log("up"); setInterval(() => {}, 1000);'],
      env: {},
      readyLine: /^up$/,
    });
    const started = Date.now();
    await managed.stop(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(isAlive(managed.pid)).toBe(false);
    expect(managed.stdoutLines).toContain('ignoring SIGTERM');
  });

  it('waits until readyUrl answers 2xx', async () => {
    const port = await getFreePort();
    const server = `setTimeout(() => require("node:http").createServer((req, res) => res.end("ok")).listen(${port}, "127.0.0.1"), 200);`;
    const managed = await startProcess({
      name: 'http',
      command: node,
      args: ['-e', server],
      env: {},
      readyUrl: `http://127.0.0.1:${port}/healthz`,
    });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await expect(response.text()).resolves.toBe('ok');
    } finally {
      await managed.stop();
    }
  });

  it('fails with the process output when it exits before becoming ready', async () => {
    const attempt = startProcess({
      name: 'broken',
      command: node,
      args: ['-e', 'console.error("config invalid: JWT_SECRET missing"); process.exit(3);'],
      env: {},
      readyLine: /listening/,
    });
    await expect(attempt).rejects.toThrow(/broken did not become ready[\s\S]*JWT_SECRET missing/);
  });

  it('fails at once when the command does not exist', async () => {
    await expect(startProcess({ name: 'ghost', command: 'campzone-no-such-binary', args: [], env: {} })).rejects.toThrow(
      /Command not found: campzone-no-such-binary/,
    );
  });

  it('waitForLine finds a line printed later, and one printed earlier', async () => {
    const managed = await startProcess({
      name: 'ticker',
      command: node,
      args: ['-e', 'let n = 0; console.log("tick " + n); setInterval(() => console.log("tick " + ++n), 20);'],
      env: {},
      readyLine: /tick 0/,
    });
    try {
      await expect(managed.waitForLine(/tick 3/, 2_000)).resolves.toBe('tick 3');
      await expect(managed.waitForLine(/tick 1/, 10)).resolves.toBe('tick 1');
      await expect(managed.waitForLine(/never printed/, 100)).rejects.toThrow(/no line matching \/never printed\/ within 100 ms/);
    } finally {
      await managed.stop();
    }
  });

  it('reports the exit code of a process that ends by itself', async () => {
    const managed = await startProcess({
      name: 'short',
      command: node,
      args: ['-e', 'console.log("done"); process.exitCode = 7;'],
      env: {},
    });
    await expect(managed.exited).resolves.toBe(7);
    expect(managed.stdoutLines).toEqual(['done']);
  });
});
