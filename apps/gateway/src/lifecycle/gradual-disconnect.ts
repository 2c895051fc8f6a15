import type { ChatServer } from '../socket/socket-types';

const STEP_MS = 100;

/**
 * Closes this pod's sockets in even batches over `spreadMs` instead of all at once: a draining
 * pod with 10,000 clients would otherwise send all of them to the other pods in the same
 * instant (handshakes, presence, sync of every room), a stampede of its own making. Each
 * client still reconnects with the SDK's jittered backoff on top.
 */
export async function disconnectGradually(io: ChatServer, spreadMs: number): Promise<void> {
  const sockets = [...io.of('/').sockets.values()];
  const steps = Math.max(1, Math.floor(spreadMs / STEP_MS));
  const perStep = Math.max(1, Math.ceil(sockets.length / steps));
  for (let i = 0; i < sockets.length; i += perStep) {
    for (const socket of sockets.slice(i, i + perStep)) socket.disconnect(true);
    if (i + perStep < sockets.length) await new Promise((resolve) => setTimeout(resolve, STEP_MS));
  }
  // Sockets that connected meanwhile (none should: the pod refuses new ones while draining).
  io.local.disconnectSockets(true);
}
