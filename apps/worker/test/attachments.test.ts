import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttachmentInfo, ChatMessage, NewMessage } from '@campzone/protocol';
import { authGet, pngOf, ScanHook, upload } from './harness/attachments';
import { type ClientSocket, closeAllClients, connectAs, createRoom, eventually, record, tokenFor } from './harness/chat-clients';
import { Stack } from './harness/stack';

const MAX_BYTES = 256 * 1024;
let stack: Stack;
let scan: ScanHook;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'campzone-attachments-'));
  scan = await ScanHook.start();
  const shared = { ATTACHMENT_DIR: dir };
  stack = await Stack.start(__filename, {
    gateways: 2,
    gatewayEnv: { ...shared, ATTACHMENT_MAX_BYTES: String(MAX_BYTES) },
    workerEnv: { ...shared, ATTACHMENT_SCAN_URL: scan.url },
  });
  await createRoom(stack.gateways[0]!.url, 'ann', 'lab', ['ben']);
  await createRoom(stack.gateways[0]!.url, 'ann', 'other-room', ['ben']);
}, 120_000);
afterEach(closeAllClients);
afterAll(async () => {
  await stack?.stop();
  await scan?.stop();
  await rm(dir, { recursive: true, force: true });
});

const gw = (i: number) => stack.gateways[i]!.url;

/** Polls the attachment's status (what an uploader without a socket does) until processing settled it. */
async function settled(roomId: string, attachmentId: string): Promise<AttachmentInfo> {
  const token = await tokenFor(gw(0), 'ann');
  let info: AttachmentInfo | undefined;
  await eventually(
    async () => {
      info = (await (await authGet(`${gw(0)}/v1/rooms/${roomId}/attachments/${attachmentId}`, token)).json()) as AttachmentInfo;
      return info.status !== 'pending';
      // Generous: thumbnails are CPU work, and CI machines are shared.
    },
    `attachment ${attachmentId} settled`,
    60_000,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\n--- worker ---\n${stack.workers[0]?.proc.outputTail(30)}`);
  });
  return info!;
}

async function sendWith(socket: ClientSocket, roomId: string, messageType: 'image' | 'file', attachmentIds: string[]) {
  return socket.emitWithAck('send_message', {
    roomId,
    content: 'see attached',
    lamportTimestamp: 0,
    idempotencyKey: `att-${Date.now()}-${Math.random()}`,
    messageType,
    attachmentIds,
  });
}

test('an image uploaded through one gateway is sent, reaches the other gateway with its size and thumbnail, and downloads there for members only', async () => {
  const ann = await connectAs(gw(0), 'ann');
  const ben = await connectAs(gw(1), 'ben');
  const updates = record(ann, 'attachment_updated');
  const arrivals = record(ben, 'new_message');
  const png = await pngOf(640, 480);
  const uploaded = await upload(gw(0), await tokenFor(gw(0), 'ann'), 'lab', png, 'whiteboard.png', 'image/png');
  expect(uploaded.status).toBe(201);
  expect(uploaded.body).toMatchObject({
    roomId: 'lab',
    name: 'whiteboard.png',
    contentType: 'image/png',
    size: png.length,
    status: 'pending',
  });
  const { attachmentId } = uploaded.body;

  await eventually(() => updates.some((u) => u.payload.attachmentId === attachmentId), 'attachment_updated for the uploader');
  expect(updates[0]!.payload).toMatchObject({
    status: 'ready',
    attachment: { width: 640, height: 480, thumbnail: `/v1/attachments/${attachmentId}/thumbnail` },
  });

  const sent = await sendWith(ann, 'lab', 'image', [attachmentId]);
  expect(sent.ok).toBe(true);
  await eventually(() => arrivals.length > 0, 'new_message on the other gateway');
  const message: NewMessage = arrivals[0]!.payload;
  expect(message.attachments).toEqual([
    {
      attachmentId,
      name: 'whiteboard.png',
      contentType: 'image/png',
      size: png.length,
      width: 640,
      height: 480,
      thumbnail: `/v1/attachments/${attachmentId}/thumbnail`,
    },
  ]);

  const benToken = await tokenFor(gw(1), 'ben');
  const download = await authGet(`${gw(1)}/v1/attachments/${attachmentId}`, benToken);
  expect(download.status).toBe(200);
  expect(download.headers.get('content-type')).toBe('image/png');
  expect(download.headers.get('x-content-type-options')).toBe('nosniff');
  expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
  const thumbnail = await authGet(`${gw(1)}/v1/attachments/${attachmentId}/thumbnail`, benToken);
  expect(thumbnail.status).toBe(200);
  expect(thumbnail.headers.get('content-type')).toBe('image/webp');

  const stranger = await authGet(`${gw(1)}/v1/attachments/${attachmentId}`, await tokenFor(gw(1), 'cat'));
  expect(stranger.status).toBe(403);
  const unknown = await authGet(`${gw(1)}/v1/attachments/lab_${'0'.repeat(24)}`, benToken);
  expect(unknown.status).toBe(404);
});

test('an upload over ATTACHMENT_MAX_BYTES is refused 413 and the rest of it is never read', async () => {
  const token = await tokenFor(gw(0), 'ann');
  const before = await (await stack.db()).collection('attachments').countDocuments();
  // Declared too large: answered from the headers alone, before a byte of the body is sent.
  const declared = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(`${gw(0)}/v1/rooms/lab/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(MAX_BYTES * 4),
      },
    });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (c: Buffer) => {
        text += c.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.flushHeaders();
  });
  expect(declared.status).toBe(413);
  expect(JSON.parse(declared.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });

  // Streamed without a length: the gateway stops at the limit, long before the 64 MiB end (what the
  // client pulls beyond the limit is only what socket buffers take before the close reaches it).
  const total = 64 * 1024 * 1024;
  let produced = 0;
  const boundary = 'campzone-test-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`,
  );
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
    },
    pull(controller) {
      if (produced >= total) {
        controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
        controller.close();
        return;
      }
      produced += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const streamed = await fetch(`${gw(0)}/v1/rooms/lab/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    duplex: 'half',
  } as RequestInit).catch((err: unknown) => err);
  // The gateway may close the connection before fetch has read its answer; either way it stopped reading.
  const outcome = streamed instanceof Response ? streamed.status : String((streamed as Error).message);
  expect({ outcome, stoppedEarly: produced < total / 4 }).toEqual({ outcome: expect.anything(), stoppedEarly: true });
  expect([413, 'fetch failed']).toContain(outcome);
  expect(await (await stack.db()).collection('attachments').countDocuments()).toBe(before);
  expect((await readdir(join(dir, 'rooms', 'lab')).catch(() => [])).filter((f) => f.endsWith('.partial'))).toEqual([]);
});

test('disguised executables and markup are refused by their bytes, whatever their name and type say, and nothing is stored', async () => {
  const token = await tokenFor(gw(0), 'ann');
  const before = await (await stack.db()).collection('attachments').countDocuments();
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(5000)]);
  const cases: Array<[Buffer, string, string]> = [
    [elf, 'holiday.png', 'image/png'],
    [Buffer.concat([Buffer.from('MZ'), Buffer.alloc(3000, 1)]), 'notes.pdf', 'application/pdf'],
    [Buffer.from('#!/bin/sh\nrm -rf ~\n'), 'readme.txt', 'text/plain'],
    [Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'), 'notes.txt', 'text/plain'],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'logo.png', 'image/png'],
  ];
  for (const [bytes, name, type] of cases) {
    const answer = await upload(gw(0), token, 'lab', bytes, name, type);
    expect({ name, status: answer.status, code: answer.body.error?.code }).toEqual({ name, status: 400, code: 'VALIDATION_FAILED' });
    expect(answer.body.error?.message).toMatch(/^refused: /);
  }
  expect(await (await stack.db()).collection('attachments').countDocuments()).toBe(before);
});

test('a send refuses an attachment of another room, of another user, or still pending, and stores nothing', async () => {
  const ann = await connectAs(gw(0), 'ann');
  const ben = await connectAs(gw(1), 'ben');
  const annToken = await tokenFor(gw(0), 'ann');
  const elsewhere = await upload(gw(0), annToken, 'other-room', Buffer.from('minutes of the other room'), 'minutes.txt');
  const annsOwn = await upload(gw(0), annToken, 'lab', Buffer.from('lab notes'), 'notes.txt');
  await settled('lab', annsOwn.body.attachmentId);
  const held = await upload(gw(0), annToken, 'lab', Buffer.from('HOLD this one in the scanner'), 'held.txt');
  await eventually(() => scan.holding > 0, 'the scan of the held upload to start');
  const before = await (await stack.db()).collection('messages').countDocuments({ roomId: 'lab' });

  const otherRoom = await sendWith(ann, 'lab', 'file', [elsewhere.body.attachmentId]);
  expect(otherRoom).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  const someoneElses = await sendWith(ben, 'lab', 'file', [annsOwn.body.attachmentId]);
  expect(someoneElses).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  const pending = await sendWith(ann, 'lab', 'file', [held.body.attachmentId]);
  expect(pending).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  const textWithFiles = await ann.emitWithAck('send_message', {
    roomId: 'lab',
    content: 'x',
    lamportTimestamp: 0,
    idempotencyKey: `t-${Date.now()}`,
    attachmentIds: [annsOwn.body.attachmentId],
  });
  expect(textWithFiles).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  const notAnImage = await sendWith(ann, 'lab', 'image', [annsOwn.body.attachmentId]);
  expect(notAnImage).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  expect(await (await stack.db()).collection('messages').countDocuments({ roomId: 'lab' })).toBe(before);

  scan.release();
  expect((await settled('lab', held.body.attachmentId)).status).toBe('ready');
  expect(await sendWith(ann, 'lab', 'file', [held.body.attachmentId])).toMatchObject({ ok: true });
});

test('a file the scan hook calls infected is quarantined: the uploader is told, it is never served and never sent', async () => {
  const ann = await connectAs(gw(0), 'ann');
  const token = await tokenFor(gw(0), 'ann');
  const updates = record(ann, 'attachment_updated');
  const infected = await upload(gw(0), token, 'lab', Buffer.from('X5O!P%@AP EICAR-STANDARD-ANTIVIRUS-TEST-FILE'), 'eicar.txt');
  expect(infected.status).toBe(201);
  await settled('lab', infected.body.attachmentId);
  await eventually(() => updates.length > 0, 'attachment_updated for the uploader');
  expect(updates[0]!.payload).toMatchObject({
    attachmentId: infected.body.attachmentId,
    status: 'quarantined',
    reason: 'EICAR-Test-Signature',
  });
  const poll = await authGet(`${gw(1)}/v1/rooms/lab/attachments/${infected.body.attachmentId}`, await tokenFor(gw(1), 'ben'));
  expect(await poll.json()).toMatchObject({ status: 'quarantined', reason: 'EICAR-Test-Signature' });
  expect((await authGet(`${gw(1)}/v1/attachments/${infected.body.attachmentId}`, token)).status).toBe(403);
  expect(await sendWith(ann, 'lab', 'file', [infected.body.attachmentId])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
});

test("deleting a message removes its attachments' objects after the tombstone", async () => {
  const ann = await connectAs(gw(0), 'ann');
  const token = await tokenFor(gw(0), 'ann');
  const png = await upload(gw(0), token, 'lab', await pngOf(50, 40), 'small.png');
  await settled('lab', png.body.attachmentId);
  const sent = await sendWith(ann, 'lab', 'image', [png.body.attachmentId]);
  if (!sent.ok) throw new Error(sent.error.message);
  const object = join(dir, 'rooms', 'lab', png.body.attachmentId);
  expect(existsSync(object)).toBe(true);
  expect(existsSync(`${object}.thumb`)).toBe(true);

  const removed = await ann.emitWithAck('delete_message', { roomId: 'lab', messageId: sent.messageId });
  expect(removed.ok).toBe(true);
  await eventually(() => !existsSync(object) && !existsSync(`${object}.thumb`), 'the objects to be deleted', 60_000);
  const history = await ann.emitWithAck('get_messages', { roomId: 'lab' });
  if (!history.ok) throw new Error(history.error.message);
  expect(history.messages.find((m: ChatMessage) => m.messageId === sent.messageId)?.attachments).toBeUndefined();
  expect(await (await stack.db()).collection('attachments').countDocuments({ roomId: 'lab', _id: png.body.attachmentId as never })).toBe(0);
  expect((await authGet(`${gw(1)}/v1/attachments/${png.body.attachmentId}`, token)).status).toBe(404);
});
