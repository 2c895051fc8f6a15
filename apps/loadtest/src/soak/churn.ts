import type { ClientToServerEvents, ServerToClientEvents } from '@campzone/protocol';
import { io, type Socket } from 'socket.io-client';
import { signHs256 } from '../auth/hs256-signer';
import { createRoom } from '../load/create-room';

type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ChurnCounts {
  cycles: number;
  failed: number;
}

/**
 * What a soak does besides steady sends: users who come and go. Each cycle one user connects
 * to a gateway (round-robin), joins their room, types, sends, marks it read, stops typing,
 * leaves the room and disconnects: every handler and every per-socket structure is made and
 * dropped again, which is where a leak would show.
 */
export class Churn {
  readonly counts: ChurnCounts = { cycles: 0, failed: 0 };
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly urls: readonly string[],
    private readonly secret: string,
    private readonly runId: string,
    private readonly users = 8,
  ) {}

  async start(everyMs: number): Promise<void> {
    for (let u = 0; u < this.users; u++) {
      const userId = this.user(u);
      await createRoom(this.urls[0]!, signHs256(this.secret, userId), this.room(u), []);
    }
    this.running = true;
    this.loop = (async () => {
      for (let i = 0; this.running; i++) {
        const ok = await this.cycle(i).then(
          () => true,
          () => false,
        );
        if (ok) this.counts.cycles += 1;
        else this.counts.failed += 1;
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async cycle(i: number): Promise<void> {
    const u = i % this.users;
    const roomId = this.room(u);
    const socket: RawSocket = io(this.urls[i % this.urls.length]!, {
      forceNew: true,
      reconnection: false,
      transports: ['websocket'],
      auth: { token: signHs256(this.secret, this.user(u)) },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connected', () => resolve());
        socket.once('connect_error', reject);
      });
      const timed = socket.timeout(10_000);
      await timed.emitWithAck('join_room', { roomId });
      await timed.emitWithAck('typing_start', { roomId });
      const sent = await timed.emitWithAck('send_message', {
        roomId,
        content: `churn ${i}`,
        lamportTimestamp: 0,
        idempotencyKey: `${this.runId}-churn-${i}`,
      });
      if (!sent.ok) throw new Error(sent.error.message);
      await timed.emitWithAck('mark_read', { roomId, messageId: sent.messageId });
      await timed.emitWithAck('typing_stop', { roomId });
      await timed.emitWithAck('leave_room', { roomId });
    } finally {
      socket.close();
    }
  }

  private user(u: number): string {
    return `soak${this.runId}c${u}`;
  }

  private room(u: number): string {
    return `soak${this.runId}cr${u}`;
  }
}
