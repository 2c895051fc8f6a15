import { ChatError, compile, ErrorCode, type Reauthenticated, ReauthenticateSchema } from '@campzone/protocol';
import type { Authenticator } from '../auth/authenticator';
import type { EventTable } from './handler-kit';
import { tokenChannel } from './socket-types';

const reauthenticate = compile(ReauthenticateSchema);

/**
 * `reauthenticate {token}`: a fresh token for the same user moves the socket's expiry (and its
 * token channel, by which a revocation finds it), so a socket can stay open for days while its
 * tokens come and go. A token for someone else is refused: a socket never changes its user.
 */
export function sessionEvents(events: EventTable, auth: Pick<Authenticator, 'authenticate'>): void {
  events.on('reauthenticate', reauthenticate, async ({ socket, userId }, input): Promise<Reauthenticated> => {
    const principal = await auth.authenticate(input.token);
    if (principal.userId !== userId) throw new ChatError(ErrorCode.FORBIDDEN, 'the token is for another user');
    const previous = socket.data.tokenId;
    if (previous && previous !== principal.tokenId) void socket.leave(tokenChannel(previous));
    if (principal.tokenId) {
      socket.data.tokenId = principal.tokenId;
      void socket.join(tokenChannel(principal.tokenId));
    } else delete socket.data.tokenId;
    socket.data.expiresAtMs = principal.expiresAtMs;
    socket.data.warned = false;
    return { userId, expiresAt: new Date(principal.expiresAtMs).toISOString() };
  });
}
