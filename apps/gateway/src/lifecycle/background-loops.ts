import { roomChannel } from '@campzone/protocol';
import type { Logger } from 'pino';
import type { ChatServices } from '../chat/chat-services';
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
  const announceOffline = (gone: Array<{ userId: string; roomIds: string[] }>) => {
    const timestamp = new Date().toISOString();
    for (const { userId, roomIds } of gone) {
      for (const roomId of roomIds) io.to(roomChannel(roomId)).emit('user_left', { roomId, userId, timestamp });
    }
  };
  // A pod restarted under the same name takes back whatever its previous life left counted.
  announceOffline(await chat.presence.sweep(true));
  await chat.presence.renewLease();

  const presenceTick = async () => {
    await chat.presence.renewLease();
    announceOffline(await chat.presence.sweep());
  };
  const typingTick = async () => {
    for (const { roomId, userId } of await chat.typing.sweep()) announceTyping(io, roomId, userId, false);
  };
  const every = (ms: number, tick: () => Promise<void>, what: string) =>
    setInterval(() => tick().catch((err: unknown) => logger.warn({ err, loop: what }, 'background loop failed')), ms).unref();
  const timers = [
    every(Math.max(250, Math.floor(timing.leaseMs / 3)), presenceTick, 'presence'),
    every(Math.min(1000, Math.max(50, Math.floor(timing.typingTtlMs / 4))), typingTick, 'typing'),
  ];

  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      // Leaving for good: this pod's users go offline now rather than when the lease lapses.
      announceOffline(await chat.presence.sweep(true));
    },
  };
}
