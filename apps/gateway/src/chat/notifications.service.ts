import { createPublicKey } from 'node:crypto';
import {
  ChatError,
  defaultNotificationLevel,
  ErrorCode,
  type NotificationLevel,
  type NotificationLevelResponse,
  type PushSubscriptionBody,
  type PushSubscriptionResult,
} from '@campzone/protocol';
import type { ParticipantRepository, PushSubscriptionRepository, RoomRepository } from '@campzone/store';

export interface NotificationSettings {
  /** VAPID_PUBLIC_KEY; unset: push is off. */
  vapidPublicKey: string | undefined;
  /** PUSH_ENDPOINT_HOSTS. */
  endpointHosts: string[];
  /** PUSH_ALLOW_INSECURE_ENDPOINTS: http:// and any host (tests, local development). */
  allowInsecure: boolean;
}

/**
 * Web Push subscriptions of the caller's browsers and the caller's notification level per room.
 * The worker decides each push (see its notify processor); this only stores what it reads.
 */
export class NotificationsService {
  constructor(
    private readonly deps: {
      subscriptions: Pick<PushSubscriptionRepository, 'save' | 'remove'>;
      participants: Pick<ParticipantRepository, 'notificationStateOf' | 'setNotificationLevel'>;
      rooms: Pick<RoomRepository, 'findById'>;
    },
    private readonly settings: NotificationSettings,
  ) {}

  vapidPublicKey(): { publicKey: string } {
    if (!this.settings.vapidPublicKey) throw new ChatError(ErrorCode.NOT_FOUND, 'push notifications are not configured on this server');
    return { publicKey: this.settings.vapidPublicKey };
  }

  async subscribe(userId: string, body: PushSubscriptionBody): Promise<PushSubscriptionResult> {
    if (!this.settings.vapidPublicKey) throw new ChatError(ErrorCode.CONFLICT, 'push notifications are not configured on this server');
    const endpoint = this.checkEndpoint(body.endpoint);
    checkKeys(body.keys.p256dh, body.keys.auth);
    const keys = { p256dh: unpadded(body.keys.p256dh), auth: unpadded(body.keys.auth) };
    const created = await this.deps.subscriptions.save({ endpoint, userId, keys, expirationTime: body.expirationTime ?? null });
    return { endpoint, created };
  }

  async unsubscribe(userId: string, endpoint: string): Promise<{ endpoint: string; removed: boolean }> {
    return { endpoint, removed: await this.deps.subscriptions.remove(userId, endpoint) };
  }

  async levelOf(roomId: string, userId: string): Promise<NotificationLevelResponse> {
    const [state, room] = await Promise.all([this.deps.participants.notificationStateOf(roomId, userId), this.deps.rooms.findById(roomId)]);
    if (!state || !room) throw new ChatError(ErrorCode.FORBIDDEN, `not a member of room ${roomId}`);
    return { roomId, userId, level: state.level ?? defaultNotificationLevel(room.roomType), isDefault: state.level === undefined };
  }

  async setLevel(roomId: string, userId: string, level: NotificationLevel): Promise<NotificationLevelResponse> {
    if (!(await this.deps.participants.setNotificationLevel(roomId, userId, level))) {
      throw new ChatError(ErrorCode.FORBIDDEN, `not a member of room ${roomId}`);
    }
    return { roomId, userId, level, isDefault: false };
  }

  /** The worker will POST to this URL: only a push service's, over https (see PUSH_ENDPOINT_HOSTS). */
  private checkEndpoint(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ChatError(ErrorCode.VALIDATION_FAILED, 'endpoint: not a URL');
    }
    if (url.username || url.password) throw new ChatError(ErrorCode.VALIDATION_FAILED, 'endpoint: must not carry credentials');
    if (this.settings.allowInsecure) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new ChatError(ErrorCode.VALIDATION_FAILED, 'endpoint: must be http(s)');
      return url.href;
    }
    if (url.protocol !== 'https:') throw new ChatError(ErrorCode.VALIDATION_FAILED, 'endpoint: must be an https URL');
    const host = url.hostname.toLowerCase();
    if (!this.settings.endpointHosts.some((h) => host === h || host.endsWith(`.${h}`))) {
      throw new ChatError(ErrorCode.VALIDATION_FAILED, `endpoint: ${host} is not a known push service (PUSH_ENDPOINT_HOSTS)`);
    }
    return url.href;
  }
}

/** The schema checked the shapes; p256dh must also be a point on P-256, or no push could be encrypted to it. */
function checkKeys(p256dh: string, auth: string): void {
  const point = Buffer.from(p256dh, 'base64url');
  try {
    createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    throw new ChatError(ErrorCode.VALIDATION_FAILED, 'keys.p256dh: not a P-256 public key');
  }
  if (Buffer.from(auth, 'base64url').length !== 16) throw new ChatError(ErrorCode.VALIDATION_FAILED, 'keys.auth: must be 16 bytes');
}

function unpadded(value: string): string {
  return value.replace(/=+$/, '');
}
