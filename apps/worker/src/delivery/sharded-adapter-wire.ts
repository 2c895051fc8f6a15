import type { Publication } from '@campzone/realtime';

// The wire format of @socket.io/redis-adapter's sharded adapter (8.x, on socket.io-adapter's
// ClusterAdapter): channel `<prefix>#<nsp>#` (every pod), or `<prefix>#<nsp>#<room>#` for a
// broadcast to one room in its default `dynamic` subscription mode (only pods holding the room
// subscribe); the message is the JSON of {uid, nsp, type: BROADCAST, data: {packet, opts}}.
// Pods ignore messages whose uid is their own, so an emitter's uid must never be a pod's.

const NSP = '/';
/** socket.io-adapter MessageType.BROADCAST. */
const BROADCAST = 3;
/** socket.io-parser PacketType.EVENT. */
const EVENT = 2;
const EMITTER_UID = 'campzone-worker';
/** The sharded adapter sends 20-character rooms (socket ids) on the main channel. */
const SOCKET_ID_LENGTH = 20;

/** The channel every pod of the namespace subscribes to. */
export function shardedMainChannel(prefix: string): string {
  return `${prefix}#${NSP}#`;
}

/** Where the adapter itself would publish a broadcast to `rooms`. */
export function shardedChannelFor(prefix: string, rooms: readonly string[]): string {
  const [only] = rooms;
  const dynamic = rooms.length === 1 && only !== undefined && only.length !== SOCKET_ID_LENGTH;
  return dynamic ? `${shardedMainChannel(prefix)}${only}#` : shardedMainChannel(prefix);
}

/** A broadcast of `event` to `rooms`, encoded as the sharded adapter's pods decode it. */
export function shardedBroadcast(channel: string, rooms: readonly string[], event: string, args: readonly unknown[]): Publication {
  const message = {
    uid: EMITTER_UID,
    nsp: NSP,
    type: BROADCAST,
    data: { packet: { type: EVENT, data: [event, ...args], nsp: NSP }, opts: { rooms: [...rooms], except: [], flags: {} } },
  };
  return { channel, message: JSON.stringify(message) };
}
