import type { ConnectionState } from '@campzone/client';

/**
 * The banner over the page while the socket is not connected. The SDK reconnects (and
 * re-syncs every room) by itself; the banner tells the user why nothing moves meanwhile.
 */
export type BannerAction = 'reconnect' | 'sign-in';

export class ConnectionBannerView {
  private hideTimer: ReturnType<typeof setTimeout> | undefined;
  private wasDown = false;
  private pending: BannerAction | undefined;

  constructor(
    private readonly banner: HTMLElement,
    private readonly text: HTMLElement,
    private readonly action: HTMLButtonElement,
    onAction: (action: BannerAction) => void,
  ) {
    action.addEventListener('click', () => {
      if (this.pending) onAction(this.pending);
    });
  }

  show(state: ConnectionState): void {
    clearTimeout(this.hideTimer);
    switch (state.state) {
      case 'connected':
        if (!this.wasDown) {
          this.banner.hidden = true;
          return;
        }
        this.wasDown = false;
        this.set('ok', 'Reconnected. You are up to date.', undefined);
        this.hideTimer = setTimeout(() => {
          this.banner.hidden = true;
        }, 2500);
        return;
      case 'reconnecting':
        this.wasDown = true;
        this.set('warn', 'Connection lost. Reconnecting… Messages you send now go out when it is back.', undefined);
        return;
      case 'disconnected':
        this.wasDown = true;
        if (state.reason === 'closed') return;
        if (state.reason === 'UNAUTHORIZED' || state.reason === 'FORBIDDEN') {
          this.set('error', 'Your sign-in is no longer accepted.', 'sign-in');
        } else {
          this.set('error', `Disconnected (${state.reason}).`, 'reconnect');
        }
        return;
    }
  }

  private set(tone: 'ok' | 'warn' | 'error', message: string, action: BannerAction | undefined): void {
    this.banner.dataset.tone = tone;
    this.text.textContent = message;
    this.pending = action;
    this.action.hidden = action === undefined;
    if (action) this.action.textContent = action === 'sign-in' ? 'Sign in again' : 'Reconnect';
    this.banner.hidden = false;
  }
}
