import { createDecipheriv, createECDH, createHmac, createPublicKey, type ECDH, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a browser's `PushSubscription.toJSON()` gives a page to send to its server. */
export interface BrowserSubscription {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

/** One push the service accepted, decrypted as the browser's service worker would get it. */
export interface ReceivedPush {
  endpoint: string;
  /** The decrypted payload (RFC 8291), as text. */
  text: string;
  ttl: number;
  urgency?: string;
  topic?: string;
  /** The VAPID JWT's claims, its signature verified. */
  claims: { aud: string; exp: number; sub: string };
  at: number;
}

export interface PushServicePeer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every push accepted so far, in arrival order. */
  readonly received: ReceivedPush[];
  /** Pushes refused, with why (a bad VAPID signature, an undecryptable body, ...). */
  readonly refused: Array<{ endpoint: string; status: number; reason: string }>;
  /** A new subscription with fresh keys, as a browser creates it when a page subscribes. */
  subscribe(): BrowserSubscription;
  /** Answer every later push to this endpoint with `status` instead (e.g. 410: the user revoked it). */
  answer(endpoint: string, status: number): void;
  close(): Promise<void>;
}

interface Subscriber {
  ecdh: ECDH;
  auth: Buffer;
  status?: number;
}

/** Refusal of one push, answered with its status. */
class Refused extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * The push-service side of RFC 8030 on 127.0.0.1, standing in for FCM or Mozilla's autopush
 * in tests: it accepts `POST /push/<id>` only with a TTL header, `Content-Encoding: aes128gcm`
 * and a VAPID `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292) whose ES256 signature verifies
 * against `k`, which must be the application server key the subscription was made with; then
 * decrypts the body with the subscription's private key and auth secret (RFC 8291: ECDH on
 * P-256, HKDF-SHA256, AES-128-GCM records of RFC 8188), so a test sees exactly what a browser
 * would show. Answers 201 as push services do.
 */
export async function startPushServicePeer(options: { vapidPublicKey: string }): Promise<PushServicePeer> {
  const subscribers = new Map<string, Subscriber>();
  const received: ReceivedPush[] = [];
  const refused: PushServicePeer['refused'] = [];
  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
    const endpoint = `${url}${req.url ?? ''}`;
    try {
      if (req.method !== 'POST') throw new Refused(405, `method ${req.method}`);
      const subscriber = id ? subscribers.get(id) : undefined;
      if (!subscriber) throw new Refused(404, 'no such subscription');
      if (subscriber.status !== undefined) throw new Refused(subscriber.status, `answered ${subscriber.status} as told`);
      const ttl = Number(req.headers.ttl);
      if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) throw new Refused(400, 'TTL header missing or not a number');
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Refused(415, `content-encoding ${req.headers['content-encoding']}`);
      const claims = verifyVapid(req.headers.authorization, options.vapidPublicKey, url);
      const text = decrypt(body, subscriber).toString('utf8');
      const push: ReceivedPush = { endpoint, text, ttl, claims, at: Date.now() };
      if (typeof req.headers.urgency === 'string') push.urgency = req.headers.urgency;
      if (typeof req.headers.topic === 'string') push.topic = req.headers.topic;
      received.push(push);
      res.writeHead(201, { location: `${url}/message/${randomBytes(8).toString('hex')}` }).end();
    } catch (err) {
      const status = err instanceof Refused ? err.status : 400;
      refused.push({ endpoint, status, reason: err instanceof Error ? err.message : String(err) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(err instanceof Error ? err.message : 'refused');
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    received,
    refused,
    subscribe() {
      const id = randomBytes(12).toString('base64url');
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      subscribers.set(id, { ecdh, auth });
      return {
        endpoint: `${url}/push/${id}`,
        expirationTime: null,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
      };
    },
    answer(endpoint, status) {
      const subscriber = subscribers.get(endpoint.slice(endpoint.lastIndexOf('/') + 1));
      if (!subscriber) throw new Error(`no subscription ${endpoint}`);
      subscriber.status = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** RFC 8292: `vapid t=<JWT>, k=<base64url P-256 point>`; an ES256 JWT for this origin, unexpired, with a contact. */
function verifyVapid(header: string | undefined, expectedKey: string, origin: string): ReceivedPush['claims'] {
  const match = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Refused(401, `no VAPID authorization (got ${JSON.stringify(header)})`);
  const [, token = '', key = ''] = match;
  if (key !== expectedKey) throw new Refused(403, 'VAPID key is not the one the subscription was made with');
  const [head = '', body = '', signature = ''] = token.split('.');
  const jwtHeader = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: string };
  if (jwtHeader.alg !== 'ES256') throw new Refused(403, `JWT alg ${jwtHeader.alg}`);
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key: p256Key(Buffer.from(key, 'base64url')), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) throw new Refused(403, 'VAPID JWT signature does not verify');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ReceivedPush['claims'];
  const now = Date.now() / 1000;
  if (claims.aud !== origin) throw new Refused(403, `JWT aud ${claims.aud} is not ${origin}`);
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600 + 60)) throw new Refused(403, `JWT exp ${claims.exp} out of range`);
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) throw new Refused(403, `JWT sub ${claims.sub}`);
  return claims;
}

function p256Key(point: Buffer) {
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** RFC 8291 section 3.4 with RFC 8188's header and records. */
function decrypt(body: Buffer, subscriber: Subscriber): Buffer {
  if (body.length < 21 + 65 + 17) throw new Refused(400, 'body too short for an aes128gcm header and record');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] ?? 0;
  const senderKey = body.subarray(21, 21 + idlen);
  if (idlen !== 65 || senderKey[0] !== 4) throw new Refused(400, 'keyid is not an uncompressed P-256 point');
  const ciphertext = body.subarray(21 + idlen);

  const uaPublic = subscriber.ecdh.getPublicKey();
  const ecdhSecret = subscriber.ecdh.computeSecret(senderKey);
  const prkKey = hmac(subscriber.auth, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, senderKey, Buffer.from([1])]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const baseNonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);

  const parts: Buffer[] = [];
  const records = Math.ceil(ciphertext.length / rs);
  for (let i = 0; i < records; i++) {
    const record = ciphertext.subarray(i * rs, (i + 1) * rs);
    const nonce = Buffer.from(baseNonce);
    // The record's sequence number, big-endian, XORed into the nonce's low bytes.
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ i) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    } catch {
      throw new Refused(400, `record ${i} does not decrypt with the subscription's keys`);
    }
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    const delimiter = plain[end];
    if (delimiter !== (i === records - 1 ? 2 : 1)) throw new Refused(400, `record ${i} has a bad padding delimiter`);
    parts.push(plain.subarray(0, end));
  }
  return Buffer.concat(parts);
}
