import { ackResponseSchema, CLIENT_EVENTS, type ClientEventName, SERVER_EVENTS, type ServerEventName } from '@campzone/protocol';
import type { TSchema } from '@sinclair/typebox';

const CHANNEL = 'socket';
const ref = (path: string) => ({ $ref: `#/${path}` });
/** TypeBox marks schemas with symbol keys; a JSON round trip leaves the plain JSON Schema. */
const plain = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema));

/**
 * The Socket.IO protocol as an AsyncAPI 3.0 document, from the gateway's point of view: it
 * receives every client event (and answers its ack callback) and sends every server event.
 * Built from @campzone/protocol's event catalog, the same schemas the handlers validate with.
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channelMessages: Record<string, unknown> = {};
  const addMessage = (key: string, name: string, summary: string, payload: TSchema) => {
    messages[key] = { name, title: name, summary, payload: plain(payload) };
    channelMessages[key] = ref(`components/messages/${key}`);
  };

  for (const [event, spec] of Object.entries(CLIENT_EVENTS) as Array<[ClientEventName, (typeof CLIENT_EVENTS)[ClientEventName]]>) {
    addMessage(event, event, spec.summary, spec.payload);
    const ackKey = `${event}.ack`;
    addMessage(ackKey, `${event} ack`, `The argument of ${event}'s ack callback.`, ackResponseSchema(spec.ack));
    operations[event] = {
      action: 'receive',
      channel: ref(`channels/${CHANNEL}`),
      summary: spec.summary,
      ...(spec.reply ? { description: `After the ack the sender also receives \`${spec.reply}\` with the same payload.` } : {}),
      messages: [ref(`channels/${CHANNEL}/messages/${event}`)],
      reply: { channel: ref(`channels/${CHANNEL}`), messages: [ref(`channels/${CHANNEL}/messages/${ackKey}`)] },
    };
  }
  for (const [event, spec] of Object.entries(SERVER_EVENTS) as Array<[ServerEventName, (typeof SERVER_EVENTS)[ServerEventName]]>) {
    addMessage(event, event, spec.summary, spec.payload);
    operations[`on_${event}`] = {
      action: 'send',
      channel: ref(`channels/${CHANNEL}`),
      summary: spec.summary,
      messages: [ref(`channels/${CHANNEL}/messages/${event}`)],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'CampZone Chat Socket.IO protocol',
      version: '1',
      description:
        'Socket.IO 4 events on the default namespace. Every client event may carry an ack callback, answered ' +
        '`{ ok: true, ...payload }` or `{ ok: false, error: { code, message, retryAfterMs? } }`; a refusal also ' +
        'emits `error` to the sender. An event the gateway does not know is refused with VALIDATION_FAILED. ' +
        'Connect with the JWT as `auth: { token }` (or an `Authorization: Bearer` header); the REST half is ' +
        'described by the OpenAPI document at /docs/openapi.json.',
    },
    defaultContentType: 'application/json',
    servers: {
      gateway: {
        host: 'localhost:3000',
        protocol: 'ws',
        pathname: '/socket.io/',
        description: 'A gateway pod (Engine.IO 4 over WebSocket; long-polling only with SOCKET_TRANSPORTS=websocket,polling).',
        security: [ref('components/securitySchemes/jwt')],
      },
    },
    channels: {
      [CHANNEL]: {
        address: '/',
        title: 'Default namespace',
        description: 'One connection carries every room the user has joined; events name their roomId.',
        messages: channelMessages,
      },
    },
    operations,
    components: {
      messages,
      securitySchemes: {
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The handshake `auth.token` (or Authorization header); the socket closes when it expires unless `reauthenticate` renews it.',
        },
      },
    },
  };
}
