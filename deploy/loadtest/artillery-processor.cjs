// Artillery processor for deploy/loadtest/artillery.yml: gives each virtual user a token and a
// room shared with other users of this worker process. Plain CommonJS and Node built-ins only,
// so it runs in Artillery without an install step in this repo.
'use strict';

const { createHmac, randomBytes } = require('node:crypto');

const prefix = `art${process.pid}${randomBytes(2).toString('hex')}`;
let userSeq = 0;
let current; // { roomId, owner, members }

function signHs256(secret, userId) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: userId, iat, exp: iat + 86400 })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

async function tokenFor(target, userId) {
  const secret = process.env.ARTILLERY_JWT_SECRET;
  if (secret) return signHs256(secret, userId);
  const response = await fetch(`${target}/v1/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!response.ok) throw new Error(`dev token refused (${response.status}): set AUTH_DEV_TOKENS=true or ARTILLERY_JWT_SECRET`);
  return (await response.json()).token;
}

async function post(target, path, token, body) {
  const response = await fetch(`${target}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
}

/** beforeScenario: a fresh user, added to the current room (a new room every membersPerRoom users). */
async function joinSharedRoom(context, events) {
  const target = context.vars.target;
  const perRoom = Number(context.vars.membersPerRoom) || 10;
  const userId = `${prefix}u${userSeq++}`;
  const token = await tokenFor(target, userId);
  if (!current || current.members >= perRoom) {
    const roomId = `${prefix}r${userSeq}`;
    const owner = `${roomId}owner`;
    const ownerToken = await tokenFor(target, owner);
    await post(target, '/v1/rooms', ownerToken, { roomId, roomName: roomId, roomType: 'group', participants: [] });
    current = { roomId, ownerToken, members: 0 };
  }
  await post(target, `/v1/rooms/${current.roomId}/participants`, current.ownerToken, { userId });
  current.members += 1;
  context.vars.userId = userId;
  context.vars.token = token;
  context.vars.roomId = current.roomId;
  events.emit('counter', 'campzone.users_joined', 1);
}

module.exports = { joinSharedRoom };
