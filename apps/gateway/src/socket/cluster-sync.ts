import { roomChannel, userChannel } from '@campzone/protocol';
import type { Logger } from 'pino';
import type { ChatServices } from '../chat/chat-services';
import type { ChatServer } from './socket-types';

/** How long a change waits for the other pods to confirm they dropped their cached state. */
const CONFIRM_MS = 1000;

/**
 * Keeps every pod's view of rooms current after a change made on one of them: caches forget
 * (this pod at once, the others through Socket.IO's serverSideEmit over the Redis adapter, and
 * the change waits for them to confirm, so when its answer arrives no pod acts on the old
 * state), and sockets join or leave room channels cluster-wide. A pod that does not confirm
 * within a second (dead, or stalled) is not waited for: its caches' expiry bounds the rest.
 */
export interface ClusterSync {
  /** Members added: their open sockets, on every pod, start receiving the room. */
  joined(roomId: string, userIds: readonly string[]): void;
  /** Members removed for good: forgotten everywhere, told, taken out of the room's channel. */
  removed(roomId: string, userIds: readonly string[], by: string): Promise<void>;
  /** Role or mute changed: forgotten everywhere, so the next event reads the store. */
  changed(roomId: string, userIds: readonly string[]): Promise<void>;
  /** Name, description or rules changed. */
  roomChanged(roomId: string): Promise<void>;
}

export function createClusterSync(io: ChatServer, chat: ChatServices, logger: Logger): ClusterSync {
  const forgetMembers = (roomId: string, userIds: readonly string[]) => chat.membership.forget(roomId, userIds);
  const forgetRoom = (roomId: string) => {
    chat.roomRules.forget(roomId);
    chat.rules.forget(roomId);
  };
  io.on('members_changed', (roomId, userIds, done) => {
    forgetMembers(roomId, userIds);
    done(true);
  });
  io.on('room_changed', (roomId, done) => {
    forgetRoom(roomId);
    done(true);
  });
  const confirmed = async (what: string, roomId: string, signal: () => Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no confirmation within ${CONFIRM_MS} ms`)), CONFIRM_MS);
    });
    try {
      await Promise.race([signal(), late]);
    } catch (err) {
      logger.warn({ err, roomId, what }, 'not every pod confirmed a change in time; their caches expire it');
    } finally {
      clearTimeout(timer);
    }
  };
  const membersChanged = (roomId: string, userIds: readonly string[]) => {
    forgetMembers(roomId, userIds);
    return confirmed('members_changed', roomId, () => io.serverSideEmitWithAck('members_changed', roomId, [...userIds]));
  };

  return {
    joined(roomId, userIds) {
      for (const userId of userIds) io.in(userChannel(userId)).socketsJoin(roomChannel(roomId));
    },
    async removed(roomId, userIds, by) {
      if (userIds.length === 0) return;
      await membersChanged(roomId, userIds);
      for (const userId of userIds) {
        io.to(roomChannel(roomId)).to(userChannel(userId)).emit('participant_removed', { roomId, userId, by });
        io.in(userChannel(userId)).socketsLeave(roomChannel(roomId));
      }
    },
    async changed(roomId, userIds) {
      if (userIds.length > 0) await membersChanged(roomId, userIds);
    },
    async roomChanged(roomId) {
      forgetRoom(roomId);
      await confirmed('room_changed', roomId, () => io.serverSideEmitWithAck('room_changed', roomId));
    },
  };
}
