import type { NotificationLevel } from '@campzone/protocol';
import { byId } from './dom-element';
import { ApiError, type RestApi } from './rest-api';

const LEVELS: readonly NotificationLevel[] = ['all', 'mentions', 'none'];

/**
 * Web Push for the signed-in user: "Enable notifications" in the top bar (registers /sw.js,
 * subscribes with the server's VAPID key and hands the subscription to the gateway; pressed
 * again, turns them off), and the open room's "Notify me" level. The worker decides each push;
 * this page only says what the user wants.
 */
export class NotificationsController {
  private readonly toggle = byId('notifications-toggle', HTMLButtonElement);
  private readonly status = byId('notifications-status', HTMLSpanElement);
  private readonly level = byId('room-notify-level', HTMLSelectElement);
  private readonly levelBox = byId('room-notify', HTMLDivElement);
  private subscription: PushSubscription | undefined;
  private roomId: string | undefined;

  constructor(
    private readonly api: RestApi,
    private readonly notify: (text: string) => void,
  ) {
    this.toggle.addEventListener('click', () => void (this.subscription ? this.disable() : this.enable()));
    this.level.addEventListener('change', () => void this.saveLevel());
  }

  /** Shows whether this browser is subscribed already (a reload keeps the subscription). */
  async start(): Promise<void> {
    if (!supported()) {
      this.toggle.disabled = true;
      this.say('This browser cannot show notifications.');
      return;
    }
    const registration = await navigator.serviceWorker.getRegistration('/');
    const existing = await registration?.pushManager.getSubscription();
    if (existing && Notification.permission === 'granted') {
      this.subscription = existing;
      // The server may have dropped it (expired, or another user signed in here): hand it over again.
      await this.api.request('POST', '/v1/users/me/push-subscriptions', existing.toJSON()).catch(() => undefined);
    }
    this.render();
  }

  /** The open room (or none): its level is loaded into the selector. */
  showRoom(roomId: string | undefined): void {
    this.roomId = roomId;
    this.levelBox.hidden = roomId === undefined;
    if (roomId === undefined) return;
    this.level.disabled = true;
    void this.api
      .request('GET', `/v1/rooms/${encodeURIComponent(roomId)}/notifications`)
      .then((body) => {
        if (roomId !== this.roomId) return;
        const level = (body as { level?: unknown }).level;
        if (typeof level === 'string' && (LEVELS as readonly string[]).includes(level)) this.level.value = level;
        this.level.disabled = false;
      })
      .catch((err: unknown) => this.notify(`Could not load this room's notification level: ${messageOf(err)}`));
  }

  private async enable(): Promise<void> {
    this.toggle.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== 'granted') {
        this.say('Notifications are blocked for this site in the browser settings.');
        return;
      }
      const { publicKey } = (await this.api.request('GET', '/v1/push/vapid-public-key')) as { publicKey: string };
      const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      await navigator.serviceWorker.ready;
      const subscription =
        (await registration.pushManager.getSubscription()) ??
        (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(publicKey) }));
      await this.api.request('POST', '/v1/users/me/push-subscriptions', subscription.toJSON());
      this.subscription = subscription;
      this.render();
    } catch (err) {
      const text = err instanceof ApiError && err.status === 404 ? 'This server does not send notifications.' : messageOf(err);
      this.say(`Could not turn notifications on: ${text}`);
    } finally {
      this.toggle.disabled = false;
    }
  }

  private async disable(): Promise<void> {
    const subscription = this.subscription;
    if (!subscription) return;
    this.toggle.disabled = true;
    try {
      await this.api.request('DELETE', '/v1/users/me/push-subscriptions', { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
      this.subscription = undefined;
      this.render();
    } catch (err) {
      this.say(`Could not turn notifications off: ${messageOf(err)}`);
    } finally {
      this.toggle.disabled = false;
    }
  }

  private async saveLevel(): Promise<void> {
    const roomId = this.roomId;
    if (!roomId) return;
    try {
      await this.api.request('PUT', `/v1/rooms/${encodeURIComponent(roomId)}/notifications`, { level: this.level.value });
      this.notify(`Notifications for this room: ${this.level.selectedOptions[0]?.textContent ?? this.level.value}.`);
    } catch (err) {
      this.notify(`Could not change this room's notifications: ${messageOf(err)}`);
    }
  }

  private render(): void {
    this.toggle.textContent = this.subscription ? 'Turn off notifications' : 'Enable notifications';
    this.say(this.subscription ? 'Notifications are on.' : '');
  }

  private say(text: string): void {
    this.status.textContent = text;
  }
}

function supported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** VAPID keys travel as base64url; PushManager wants the bytes. */
function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
