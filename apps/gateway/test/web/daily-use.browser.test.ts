import type { Browser } from 'playwright-core';
import { closeAllClients, connectWithToken, eventually } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { ChatPage } from './chat-page';
import { launchChromium } from './chromium';

// The web client for daily use: other people by their display names, older history paged in
// by scrolling up, a search box over the room list, and the system's light or dark theme.

const HISTORY = 130;
const label = (i: number) => `Lecture note ${String(i).padStart(3, '0')}`;

let cluster: GatewayCluster;
let browser: Browser;
const pages: ChatPage[] = [];

async function devToken(userId: string, username: string): Promise<string> {
  const response = await fetch(`${cluster.url(0)}/v1/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, username }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function createRoom(token: string, roomName: string, participants: string[]): Promise<string> {
  const response = await fetch(`${cluster.url(0)}/v1/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ roomName, roomType: 'class', participants }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { roomId: string }).roomId;
}

beforeAll(async () => {
  [cluster, browser] = await Promise.all([GatewayCluster.start('web-daily-use', 1), launchChromium()]);
  const ida = await devToken('ida', 'Ida Lovelace');
  const physics = await createRoom(ida, 'Physics 101', ['jon']);
  await createRoom(ida, 'Chemistry lab', ['jon']);
  await createRoom(ida, 'Drama club', ['jon']);
  // ida connects with her name in her token and writes more than one page of history.
  const socket = await connectWithToken(cluster.url(0), ida);
  for (let i = 1; i <= HISTORY; i++) {
    const ack = await socket.emitWithAck('send_message', {
      roomId: physics,
      content: label(i),
      lamportTimestamp: i,
      idempotencyKey: `note-${i}`,
    });
    expect(ack).toMatchObject({ ok: true });
  }
}, 120_000);

// Generous: draining a gateway waits on a loaded machine.
afterAll(async () => {
  await Promise.allSettled(pages.map((p) => p.close()));
  await browser?.close();
  closeAllClients();
  await cluster?.stop();
}, 120_000);

test('a member finds a room by searching, sees who wrote by name, and scrolls back to the first message', async () => {
  const jon = await ChatPage.open(browser, cluster.url(0));
  pages.push(jon);
  await jon.signIn('jon', 'Jon');
  const rooms = jon.page.locator('#room-list .room-name');
  await rooms.filter({ hasText: 'Drama club' }).waitFor();

  // The search box narrows the list as one types; a search with no match says so.
  const search = jon.page.getByRole('searchbox', { name: 'Search rooms' });
  await search.fill('phy');
  const roomsShown = async (names: string[]) =>
    eventually(async () => (await rooms.allTextContents()).join('|') === names.join('|'), `rooms ${names.join(', ')}`);
  await roomsShown(['Physics 101']);
  await search.fill('zzz');
  await jon.page.locator('#room-list').getByText('No room matches.').waitFor();
  await search.fill('');
  await roomsShown(['Chemistry lab', 'Drama club', 'Physics 101']);

  await jon.openRoom('Physics 101');
  await jon.waitForMessage(label(HISTORY));
  // ida's lines carry her display name, not her user id.
  await jon.message(label(HISTORY)).locator('.sender', { hasText: 'Ida Lovelace' }).waitFor();

  // The SDK showed the latest page; scrolling to the top pages in the older ones, in order.
  const messages = jon.page.locator('#messages');
  const oldestShown = async () => (await jon.contents())[0];
  expect(await oldestShown()).not.toBe(label(1));
  while ((await oldestShown()) !== label(1)) {
    const before = (await jon.contents()).length;
    await messages.evaluate((list) => {
      list.scrollTop = 0;
    });
    await eventually(async () => (await jon.contents()).length > before, 'an older page', 15_000);
  }
  const contents = await jon.contents();
  expect(contents).toEqual(Array.from({ length: HISTORY }, (_, i) => label(i + 1)));
  await jon.message(label(1)).locator('.sender', { hasText: 'Ida Lovelace' }).waitFor();
  // The first message reached: nothing more to load.
  await jon.page.locator('#load-older').waitFor({ state: 'hidden' });
  // Paging in above kept the reader where they were: not thrown to the end of the room.
  expect(await messages.evaluate((list) => list.scrollTop < list.scrollHeight - list.clientHeight - 100)).toBe(true);
  expect(jon.cspViolations).toEqual([]);
});

test('the page follows the system theme: dark when the system prefers dark, light otherwise', async () => {
  const background = async (colorScheme: 'light' | 'dark') => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 900, height: 600 } });
    const page = await ChatPage.open(browser, cluster.url(0), undefined, context);
    pages.push(page);
    return page.page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
  };
  // --bg in styles.css: #f4f6f9 light, #14171c dark.
  expect(await background('light')).toBe('rgb(244, 246, 249)');
  expect(await background('dark')).toBe('rgb(20, 23, 28)');
});
