import { ObjectNotFoundError, S3Store } from '@campzone/objects';
import type { AttachmentInfo } from '@campzone/protocol';
import { type S3Server, startS3Server } from '@campzone/testkit';
import { authGet, pngOf, upload } from './harness/attachments';
import { closeAllClients, connectAs, createRoom, eventually, tokenFor } from './harness/chat-clients';
import { Stack } from './harness/stack';

let s3: S3Server;
let stack: Stack;

beforeAll(async () => {
  s3 = await startS3Server();
  const env = {
    ATTACHMENT_STORE: 's3',
    S3_ENDPOINT: s3.url,
    S3_BUCKET: s3.bucket,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    ATTACHMENT_URL_TTL_S: '60',
  };
  stack = await Stack.start(__filename, { gateways: 1, gatewayEnv: env, workerEnv: env });
  await createRoom(stack.gatewayUrl, 'ivy', 'bucket-room', ['jon']);
}, 300_000);
afterEach(closeAllClients);
afterAll(async () => {
  await stack?.stop();
  await s3?.stop();
});

test('with the S3 store an image is uploaded to the bucket, downloads through a short-lived presigned redirect, and is deleted with its message', async () => {
  const url = stack.gatewayUrl;
  const ivy = await connectAs(url, 'ivy');
  const png = await pngOf(300, 200);
  const uploaded = await upload(url, await tokenFor(url, 'ivy'), 'bucket-room', png, 'poster.png', 'image/png');
  expect(uploaded.status).toBe(201);
  const { attachmentId } = uploaded.body;
  const jonToken = await tokenFor(url, 'jon');
  let info: AttachmentInfo | undefined;
  await eventually(
    async () => {
      info = (await (await authGet(`${url}/v1/rooms/bucket-room/attachments/${attachmentId}`, jonToken)).json()) as AttachmentInfo;
      return info.status !== 'pending';
    },
    'the attachment to be processed',
    60_000,
  );
  expect(info).toMatchObject({ status: 'ready', width: 300, height: 200 });

  const redirect = await authGet(`${url}/v1/attachments/${attachmentId}`, jonToken, { redirect: 'manual' });
  expect(redirect.status).toBe(302);
  const location = redirect.headers.get('location') ?? '';
  expect(location.startsWith(`${s3.url}/${s3.bucket}/rooms/bucket-room/${attachmentId}?`)).toBe(true);
  expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('60');
  // A plain fetch, no credentials: what a browser's <img> or download does with the redirect.
  const direct = await fetch(location);
  expect(direct.status).toBe(200);
  expect(Buffer.from(await direct.arrayBuffer()).equals(png)).toBe(true);
  const thumbnail = await authGet(`${url}/v1/attachments/${attachmentId}/thumbnail`, jonToken);
  expect(thumbnail.status).toBe(200);
  expect(thumbnail.headers.get('content-type')).toBe('image/webp');
  expect((await authGet(`${url}/v1/attachments/${attachmentId}`, await tokenFor(url, 'kim'), { redirect: 'manual' })).status).toBe(403);

  const sent = await ivy.emitWithAck('send_message', {
    roomId: 'bucket-room',
    content: 'poster for friday',
    lamportTimestamp: 0,
    idempotencyKey: `s3-${Date.now()}`,
    messageType: 'image',
    attachmentIds: [attachmentId],
  });
  if (!sent.ok) throw new Error(sent.error.message);
  const bucket = new S3Store({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.url,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    urlTtlSeconds: 60,
  });
  const key = `rooms/bucket-room/${attachmentId}`;
  await expect(bucket.get(key)).resolves.toBeDefined();
  expect((await ivy.emitWithAck('delete_message', { roomId: 'bucket-room', messageId: sent.messageId })).ok).toBe(true);
  const gone = async (k: string) =>
    bucket.get(k).then(
      (body) => {
        body.destroy();
        return false;
      },
      (err: unknown) => err instanceof ObjectNotFoundError,
    );
  await eventually(async () => (await gone(key)) && (await gone(`${key}.thumb`)), 'the objects to leave the bucket', 60_000);
});
