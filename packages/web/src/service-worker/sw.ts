/// <reference lib="webworker" />
// The page's service worker (served at /sw.js, scope /): shows the gateway's Web Push
// notifications and, on a click, brings the chat to the room. Payloads are the worker's
// PushPayload (packages/protocol/src/push.ts); content is absent when encryption at rest is on.

declare const self: ServiceWorkerGlobalScope;

interface PushPayload {
  type: 'messages';
  roomId: string;
  roomName: string;
  count: number;
  senderId: string;
  latestSeq: number;
  mentioned: boolean;
  content?: string;
}

function isPayload(value: unknown): value is PushPayload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return p.type === 'messages' && typeof p.roomId === 'string' && typeof p.roomName === 'string' && typeof p.count === 'number';
}

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let payload: unknown;
  try {
    payload = event.data?.json();
  } catch {
    payload = undefined;
  }
  if (!isPayload(payload)) return;
  const title = payload.count > 1 ? `${payload.count} new messages in ${payload.roomName}` : `${payload.senderId} in ${payload.roomName}`;
  const body = payload.content ?? (payload.mentioned ? `${payload.senderId} mentioned you` : `New message from ${payload.senderId}`);
  event.waitUntil(
    self.registration.showNotification(title, {
      body: payload.count > 1 ? `${payload.senderId}: ${body}` : body,
      // One notification per room: a later push replaces the earlier one instead of piling up.
      tag: `room:${payload.roomId}`,
      icon: '/favicon.svg',
      data: { roomId: payload.roomId },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data: unknown = event.notification.data;
  const roomId = typeof data === 'object' && data !== null && 'roomId' in data && typeof data.roomId === 'string' ? data.roomId : '';
  const url = `/#room=${encodeURIComponent(roomId)}`;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows[0];
      if (open) {
        await open.navigate(url).catch(() => undefined);
        await open.focus();
      } else {
        await self.clients.openWindow(url);
      }
    })(),
  );
});

export {};
