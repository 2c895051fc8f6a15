import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import createClient from 'openapi-fetch';
import { closeAllClients, connectWithToken } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import type { paths } from './generated/openapi-types';

// A client generated from docs/openapi.json by standard tools (openapi-typescript types,
// openapi-fetch calls) works against a running gateway: dev token, create a room, list rooms,
// read history. Each answer also matches the response schema the document gives for it.

const document = JSON.parse(readFileSync(join(__dirname, '../../../../docs/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
};
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));

function expectDocumented(path: string, method: string, status: number, body: unknown): void {
  const responses = document.paths[path]?.[method]?.responses ?? {};
  const documented = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
  const schema = documented?.content?.['application/json']?.schema;
  expect(schema).toBeDefined();
  const validate = ajv.compile(schema as object);
  expect(validate(body) ? [] : validate.errors).toEqual([]);
}

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start('openapi-client', 1);
});
// Generous: draining a gateway waits on a loaded machine.
afterAll(async () => {
  closeAllClients();
  await cluster?.stop();
}, 120_000);

test('the generated client gets a dev token, creates a room, lists it and reads its history', async () => {
  const anonymous = createClient<paths>({ baseUrl: cluster.url(0) });
  const minted = await anonymous.POST('/v1/dev/token', { body: { userId: 'oa-alice', username: 'Alice' } });
  expect(minted.response.status).toBe(200);
  expectDocumented('/v1/dev/token', 'post', 200, minted.data);
  const token = minted.data?.token as string;

  const api = createClient<paths>({ baseUrl: cluster.url(0), headers: { authorization: `Bearer ${token}` } });
  const created = await api.POST('/v1/rooms', { body: { roomName: 'Generated client', roomType: 'group', participants: ['oa-bob'] } });
  expect(created.response.status).toBe(201);
  expectDocumented('/v1/rooms', 'post', 201, created.data);
  const roomId = created.data?.roomId as string;
  expect(created.data?.participants).toEqual(['oa-alice', 'oa-bob']);

  const listed = await api.GET('/v1/rooms');
  expect(listed.response.status).toBe(200);
  expectDocumented('/v1/rooms', 'get', 200, listed.data);
  expect(listed.data?.rooms.map((r) => r.roomId)).toContain(roomId);

  const socket = await connectWithToken(cluster.url(0), token);
  const sent = await socket.emitWithAck('send_message', {
    roomId,
    content: 'hello from a generated client',
    lamportTimestamp: 1,
    idempotencyKey: 'oa-1',
  });
  expect(sent).toMatchObject({ ok: true });

  const history = await api.GET('/v1/rooms/{roomId}/messages', { params: { path: { roomId }, query: { limit: 10 } } });
  expect(history.response.status).toBe(200);
  expectDocumented('/v1/rooms/{roomId}/messages', 'get', 200, history.data);
  expect(history.data?.messages.map((m) => m.content)).toEqual(['hello from a generated client']);
  expect(history.data?.messages[0]?.senderId).toBe('oa-alice');

  const members = await api.GET('/v1/rooms/{roomId}/participants', { params: { path: { roomId } } });
  expectDocumented('/v1/rooms/{roomId}/participants', 'get', 200, members.data);
});

test('a refusal arrives as the documented error body', async () => {
  const api = createClient<paths>({ baseUrl: cluster.url(0), headers: { authorization: 'Bearer not-a-token' } });
  const refused = await api.GET('/v1/rooms');
  expect(refused.response.status).toBe(401);
  expect(refused.error).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  expectDocumented('/v1/rooms', 'get', 401, refused.error);
});
