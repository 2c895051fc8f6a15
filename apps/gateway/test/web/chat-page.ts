import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

const WAIT_MS = 15_000;

/**
 * One person using the web client in their own browser context, driven the way they would:
 * by labels, roles and the keyboard. Assertions read what is on screen.
 */
export class ChatPage {
  /** Every URL the page requested, and every WebSocket it opened. */
  readonly requests: string[] = [];
  readonly sockets: string[] = [];
  /** Console messages about the Content-Security-Policy (there should be none). */
  readonly cspViolations: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('request', (request) => this.requests.push(request.url()));
    page.on('websocket', (socket) => this.sockets.push(socket.url()));
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) this.cspViolations.push(message.text());
    });
  }

  /** A new browser context (a separate person), or another tab of `context`. */
  static async open(browser: Browser, url: string, viewport = { width: 1100, height: 720 }, context?: BrowserContext): Promise<ChatPage> {
    const chat = context ? new ChatPage(context, await context.newPage()) : await ChatPage.inNewContext(browser, viewport);
    await chat.page.goto(url);
    return chat;
  }

  private static async inNewContext(browser: Browser, viewport: { width: number; height: number }): Promise<ChatPage> {
    const context = await browser.newContext({ viewport });
    return new ChatPage(context, await context.newPage());
  }

  /** Closes the tab; the context goes with its last tab. */
  async close(): Promise<void> {
    await this.page.close();
    if (this.context.pages().length === 0) await this.context.close();
  }

  async signIn(userId: string, displayName: string): Promise<void> {
    await this.page.getByLabel('User id').fill(userId);
    await this.page.getByLabel('Display name').fill(displayName);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByRole('heading', { name: 'Rooms' }).waitFor({ timeout: WAIT_MS });
  }

  async createRoom(name: string, type: string, participants: string): Promise<void> {
    await this.page.getByText('New room').click();
    await this.page.getByLabel('Name', { exact: true }).fill(name);
    await this.page.getByLabel('Type').selectOption(type);
    await this.page.getByLabel('Participants').fill(participants);
    await this.page.getByRole('button', { name: 'Create room' }).click();
    await this.roomTitle(name).waitFor({ timeout: WAIT_MS });
  }

  /** Opens a room from the room list, once it is listed there. */
  async openRoom(name: string): Promise<void> {
    await this.page
      .getByRole('navigation')
      .getByRole('button', { name: new RegExp(name) })
      .click({ timeout: WAIT_MS });
    await this.roomTitle(name).waitFor({ timeout: WAIT_MS });
  }

  roomTitle(name: string): Locator {
    return this.page.getByRole('heading', { name, exact: true });
  }

  get composer(): Locator {
    return this.page.getByLabel('Message', { exact: true });
  }

  /** Types like a person (key by key, so the page sees typing), without sending. */
  async type(text: string): Promise<void> {
    await this.composer.focus();
    await this.composer.pressSequentially(text, { delay: 15 });
  }

  /** Types and presses Enter. */
  async say(text: string): Promise<void> {
    await this.type(text);
    await this.composer.press('Enter');
  }

  /** The message line showing this text (exactly). */
  message(text: string): Locator {
    return this.page
      .locator('#messages li')
      .filter({ has: this.page.locator('.content', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });
  }

  async waitForMessage(text: string): Promise<void> {
    await this.message(text).first().waitFor({ timeout: WAIT_MS });
  }

  /** Waits until the line showing `text` is a stored message (not a send still pending). */
  async waitForStored(text: string): Promise<void> {
    await this.message(text).and(this.page.locator('[data-message-id]')).first().waitFor({ timeout: WAIT_MS });
  }

  /** Opens the message's Actions and uses one (Reply, React, Thread, Edit, Delete, Pin, Unpin). */
  async act(text: string, action: string): Promise<void> {
    const line = this.message(text).first();
    await line.getByRole('button', { name: /^Actions for/ }).click({ timeout: WAIT_MS });
    await line
      .getByRole('group', { name: 'Message actions' })
      .getByRole('button', { name: action, exact: true })
      .click({ timeout: WAIT_MS });
  }

  /** A reaction chip under the message, by what it shows (e.g. "👍 2"). */
  reaction(text: string, shows: string): Locator {
    return this.message(text)
      .first()
      .locator('.reaction', { hasText: new RegExp(`^${escapeRegExp(shows)}$`) });
  }

  /** The open thread panel. */
  get thread(): Locator {
    return this.page.getByRole('region', { name: 'Thread' });
  }

  /** The mark next to an own message: resolves when what it says to a screen reader is `label` (e.g. "Read by ben"). */
  async waitForMark(text: string, label: string | RegExp): Promise<void> {
    const hasText = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
    await this.message(text).locator('.mark .visually-hidden').filter({ hasText }).waitFor({ state: 'attached', timeout: WAIT_MS });
  }

  /** Contents of the message list, top to bottom. */
  contents(): Promise<string[]> {
    return this.page.locator('#messages li .content').allTextContents();
  }

  /** The messageId of every line that shows a stored message, top to bottom. */
  async messageIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const line of await this.page.locator('#messages li[data-message-id]').all()) {
      const id = await line.getAttribute('data-message-id');
      if (id) ids.push(id);
    }
    return ids;
  }

  /** Lines still waiting for the server. */
  pendingCount(): Promise<number> {
    return this.page.locator('#messages li[data-pending="true"]').count();
  }

  get typingLine(): Locator {
    return this.page.locator('#typing-line');
  }

  /** The connection banner (role=status) over the page. */
  get banner(): Locator {
    return this.page.locator('#connection-banner');
  }

  async onlineUsers(): Promise<string[]> {
    return (await this.page.locator('#online-list li').allTextContents()).map((t) => t.trim());
  }

  /** Resolves once the online list reads exactly these entries (any order). */
  async waitForOnline(entries: string[]): Promise<void> {
    const want = [...entries].sort().join('|');
    const deadline = Date.now() + WAIT_MS;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = await this.onlineUsers();
      if ([...seen].sort().join('|') === want) return;
      await this.page.waitForTimeout(50);
    }
    throw new Error(`online list shows ${JSON.stringify(seen)}, expected ${JSON.stringify(entries)}`);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
