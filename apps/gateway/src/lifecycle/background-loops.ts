import { roomChannel } from '@campzone/protocol';
import type { Logger } from 'pino';
import type { ChatServices } from '../chat/chat-services';
import type { PresenceChange } from '../chat/presence.service';
import type { ChatServer } from '../socket/socket-types';
import { announceTyping } from '../socket/typing.handlers';

export interface BackgroundLoops {
  stop(): Promise<void>;
}

/**
 * What every pod does on a timer: renew its presence lease, sweep pods whose lease lapsed,
 * and sweep lapsed typing. Sweeps claim atomically, so running them on every pod announces
 * each change once, and keeps working whichever pods die.
 */
export async function startBackgroundLoops(
  io: ChatServer,
  chat: ChatServices,
  logger: Logger,
  timing: { leaseMs: number; typingTtlMs: number },
): Promise<BackgroundLoops> {
  // The same events a user's first socket and last socket announce (see socket-server.ts).
  const announce = (changes: PresenceChange[], event: 'user_joined' | 'user_left') => {
    const timestamp = new Date().toISOString();
    for (const { userId, roomIds } of changes) {
      for (const roomId of roomIds) io.to(roomChannel(roomId)).emit(event, { roomId, userId, timestamp });
    }
  };
  const openSockets = () => {
    const perUser = new Map<string, number>();
    for (const socket of io.sockets.sockets.values()) perUser.set(socket.data.userId, (perUser.get(socket.data.userId) ?? 0) + 1);
    return perUser;
  };
  const renewLease = async () => {
    const { joined, left } = await chat.presence.renewLease(openSockets);
    announce(joined, 'user_joined');
    announce(left, 'user_left');
  };
  // A pod restarted under the same name takes back whatever its previous life left counted.
  announce(await chat.presence.sweep(true), 'user_left');
  await renewLease();

  const presenceTick = async () => {
    await renewLease();
    announce(await chat.presence.sweep(), 'user_left');
  };
  const typingTick = async () => {
    for (const { roomId, userId } of await chat.typing.sweep()) announceTyping(io, roomId, userId, false);
  };
  const running = new Set<Promise<void>>();
  const every = (ms: number, tick: () => Promise<void>, what: string) =>
    setInterval(() => {
      const run = tick().catch((err: unknown) => logger.warn({ err, loop: what }, 'background loop failed'));
      running.add(run);
      void run.then(() => running.delete(run));
    }, ms).unref();
  const timers = [
    every(Math.max(250, Math.floor(timing.leaseMs / 3)), presenceTick, 'presence'),
    every(Math.min(1000, Math.max(50, Math.floor(timing.typingTtlMs / 4))), typingTick, 'typing'),
  ];

  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      // A renewal still running after the last sweep below would take the lease back.
      await Promise.all(running);
      // Leaving for good: this pod's users go offline now rather than when the lease lapses.
      announce(await chat.presence.sweep(true), 'user_left');
    },
  };
}
