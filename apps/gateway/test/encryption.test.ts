import { randomBytes } from 'node:crypto';
import type { ChatMessage } from '@campzone/protocol';
import { startProcess } from '@campzone/testkit';
import { api, closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { GatewayCluster, gatewayEnv } from './harness/gateway-cluster';

const masterKey = randomBytes(32).toString('base64');
let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2, { ENCRYPTION_MASTER_KEY: masterKey });
  await createRoom(cluster.url(0), 'eva', 'vault', ['fin']);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

test('content is stored encrypted; clients see plaintext live, in history and in sync, across a key rotation', async () => {
  const eva = await connectAs(cluster.url(0), 'eva');
  const fin = await connectAs(cluster.url(1), 'fin');
  const live = record(fin, 'new_message');
  await eva.emitWithAck('send_message', sendArgs('vault', 'the old secret'));
  const rotated = await api(cluster.url(1), 'POST', '/v1/rooms/vault/keys/rotate', 'eva');
  expect(rotated).toEqual({ status: 200, body: { roomId: 'vault', keyVersion: 2 } });
  // The other pod caches the current key briefly; send through the rotating pod.
  await fin.emitWithAck('send_message', sendArgs('vault', 'the new secret'));

  const db = await cluster.db();
  const stored = await db.collection('messages').find({ roomId: 'vault' }).sort({ seq: 1 }).toArray();
  expect(stored.map((m) => m.content)).not.toContain('the old secret');
  expect(JSON.stringify(stored)).not.toMatch(/secret/);
  expect(stored.map((m) => m.keyVersion)).toEqual([1, 2]);

  const plaintext = ['the old secret', 'the new secret'];
  await eventually(() => live.length >= 1, 'the live message');
  expect(live[0]!.content).toBe('the old secret');
  const synced = await fin.emitWithAck('sync', { roomId: 'vault', afterSeq: 0 });
  expect(synced.ok && synced.messages.map((m: ChatMessage) => m.content)).toEqual(plaintext);
  const history = await api<{ messages: Array<{ content: string }> }>(cluster.url(0), 'GET', '/v1/rooms/vault/messages', 'eva');
  expect(history.body.messages.map((m) => m.content)).toEqual(plaintext);
  const recent = await eva.emitWithAck('get_messages', { roomId: 'vault' });
  expect(recent.ok && recent.messages.map((m: ChatMessage) => m.content)).toEqual(plaintext);
});

test('only room admins may rotate keys', async () => {
  expect((await api(cluster.url(0), 'POST', '/v1/rooms/vault/keys/rotate', 'fin')).status).toBe(403);
});

test('a wrong master key fails start-up with a clear message instead of reading garbage', async () => {
  const proc = await startProcess({
    name: 'gw-wrong-key',
    command: process.execPath,
    args: [require.resolve('../dist/main.js')],
    env: gatewayEnv(cluster.ns, { ENCRYPTION_MASTER_KEY: randomBytes(32).toString('hex') }),
  });
  expect(await proc.exited).toBe(1);
  expect(proc.stderrLines.join('\n')).toContain('ENCRYPTION_MASTER_KEY does not match the key that wrapped the stored room keys');
});

test('a master key of the wrong length is a configuration error', async () => {
  const proc = await startProcess({
    name: 'gw-short-key',
    command: process.execPath,
    args: [require.resolve('../dist/main.js')],
    env: gatewayEnv(cluster.ns, { ENCRYPTION_MASTER_KEY: 'c2hvcnQ=' }),
  });
  expect(await proc.exited).toBe(1);
  expect(proc.stderrLines.filter((l) => l.trim())).toEqual([
    'Invalid configuration: ENCRYPTION_MASTER_KEY must be 32 bytes, as 64 hex digits or base64 (got <redacted>)',
  ]);
});
