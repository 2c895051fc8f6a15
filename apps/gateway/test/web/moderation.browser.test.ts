import type { Browser, Locator } from 'playwright-core';
import { tokenFor } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { ChatPage } from './chat-page';
import { launchChromium } from './chromium';

// A class room's owner (olga) in one browser drives the room settings panel on one gateway; the
// member (max) in another browser, on another gateway, sees at once why he cannot post: slow
// mode with its countdown, an announcement room, an archived room, a mute; then he is removed.

const WAIT_MS = 15_000;
const SLOW_MODE_SECONDS = 4;

let cluster: GatewayCluster;
let browser: Browser;
const pages: ChatPage[] = [];

beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.allSettled(pages.map((p) => p.close()));
  await browser?.close();
  await cluster?.stop();
});

async function person(gateway: number, userId: string, name: string): Promise<ChatPage> {
  const page = await ChatPage.open(browser, cluster.url(gateway));
  pages.push(page);
  await page.signIn(userId, name);
  return page;
}

/** The owner's panel: opened from the room header, driven by its labels. */
function settingsOf(owner: ChatPage): Locator {
  return owner.page.getByRole('dialog', { name: 'Room settings' });
}

async function saveRules(owner: ChatPage, rules: { policy?: 'everyone' | 'admins'; slowMode?: number; archived?: boolean }): Promise<void> {
  const panel = settingsOf(owner);
  if (!(await panel.isVisible())) await owner.page.getByRole('button', { name: 'Room settings' }).click();
  if (rules.policy) await panel.getByLabel('Who may post').selectOption(rules.policy);
  if (rules.slowMode !== undefined) await panel.getByLabel(/Slow mode/).fill(String(rules.slowMode));
  if (rules.archived !== undefined) await panel.getByLabel(/Archived/).setChecked(rules.archived);
  await panel.getByRole('button', { name: 'Save rules' }).click();
  await panel.getByRole('status').getByText('Rules saved.').waitFor({ timeout: WAIT_MS });
}

function postingLine(member: ChatPage): Locator {
  return member.page.locator('#posting-state');
}

async function expectComposer(member: ChatPage, enabled: boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while ((await member.composer.isEnabled()) !== enabled) {
    if (Date.now() > deadline) throw new Error(`the composer stayed ${enabled ? 'disabled' : 'enabled'}`);
    await member.page.waitForTimeout(50);
  }
}

test("an owner's settings panel changes the room, and the member's page says why they cannot post", async () => {
  const olga = await person(0, 'olga', 'Olga');
  const max = await person(1, 'max', 'Max');
  await olga.createRoom('Physics 101', 'class', 'max');
  await max.openRoom('Physics 101');
  await max.say('hello everyone');
  await olga.waitForMessage('hello everyone');
  await expect(max.page.getByRole('button', { name: 'Room settings' }).isVisible()).resolves.toBe(false);

  // Slow mode: the member sees the rule, and after a message the countdown, with the composer off.
  await saveRules(olga, { slowMode: SLOW_MODE_SECONDS });
  await postingLine(max).getByText(`Slow mode: one message every ${SLOW_MODE_SECONDS} s.`).waitFor({ timeout: WAIT_MS });
  await max.say('first under slow mode');
  await max.waitForMark('first under slow mode', /Sent|Delivered|Read/);
  await max.say('second under slow mode');
  await postingLine(max)
    .getByText(/^Slow mode: you can post again in \d s\.$/)
    .waitFor({ timeout: WAIT_MS });
  await expectComposer(max, false);
  // The held message goes out by itself when the wait is over, and the composer comes back.
  await olga.waitForMessage('second under slow mode');
  await expectComposer(max, true);
  await postingLine(max).getByText(`Slow mode: one message every ${SLOW_MODE_SECONDS} s.`).waitFor({ timeout: WAIT_MS });

  // An announcement room, then an archived one: said at once, from the room_updated event.
  await saveRules(olga, { slowMode: 0, policy: 'admins' });
  await postingLine(max).getByText('This is an announcement room: only its moderators and admins post.').waitFor({ timeout: WAIT_MS });
  await expectComposer(max, false);
  await saveRules(olga, { policy: 'everyone', archived: true });
  await postingLine(max)
    .getByText(/archived/)
    .waitFor({ timeout: WAIT_MS });
  await expectComposer(max, false);
  await saveRules(olga, { archived: false });
  await expectComposer(max, true);
  await expect(postingLine(max).isVisible()).resolves.toBe(false);

  // A mute from the member list: the member learns it from the refused send, with its end.
  const panel = settingsOf(olga);
  await panel.getByRole('button', { name: 'Mute or ban max' }).click();
  await panel.getByLabel('Mute for (minutes)').fill('30');
  await panel.getByRole('button', { name: 'Mute', exact: true }).click();
  await panel
    .getByRole('status')
    .getByText(/^Done: mute until .+ for max\.$/)
    .waitFor({ timeout: WAIT_MS });
  await panel
    .locator('li[data-user-id="max"]')
    .getByText(/muted until/)
    .waitFor({ timeout: WAIT_MS });
  await max.say('can I still talk?');
  await postingLine(max)
    .getByText(/^You are muted in this room until .+\.$/)
    .waitFor({ timeout: WAIT_MS });
  await expectComposer(max, false);
  await max.waitForMark('can I still talk?', /Not sent/);

  // Removed: the room leaves the member's page, which says so.
  await panel.getByRole('button', { name: 'Remove max from the room' }).click();
  await panel.getByRole('status').getByText('Done: removal for max.').waitFor({ timeout: WAIT_MS });
  await max.page.getByRole('alert').getByText('You were removed from Physics 101 by olga.').waitFor({ timeout: WAIT_MS });
  await max.roomTitle('No room open').waitFor({ timeout: WAIT_MS });
  await expect(
    max.page
      .getByRole('navigation')
      .getByRole('button', { name: /Physics 101/ })
      .count(),
  ).resolves.toBe(0);
  // The member list reloads after the removal: wait for max's row to go, do not count at once.
  await panel.locator('li[data-user-id="max"]').waitFor({ state: 'detached', timeout: WAIT_MS });

  // Escape closes the panel and gives the focus back to its button.
  await olga.page.keyboard.press('Escape');
  await expect(panel.isVisible()).resolves.toBe(false);
  await expect(olga.page.evaluate('document.activeElement?.id')).resolves.toBe('room-settings-open');
});

test("a member reports a message from its Report button, and the room's moderators can read it", async () => {
  const rita = await person(0, 'rita', 'Rita');
  const sam = await person(1, 'sam', 'Sam');
  await rita.createRoom('Chess club', 'club', 'sam');
  await rita.say('buy my essay answers, cheap');
  await sam.openRoom('Chess club');
  await sam.waitForMessage('buy my essay answers, cheap');

  await sam.message('buy my essay answers, cheap').getByRole('button', { name: 'Report this message from rita' }).click();
  const dialog = sam.page.getByRole('dialog', { name: 'Report a message' });
  await dialog.getByText('buy my essay answers, cheap').waitFor({ timeout: WAIT_MS });
  await sam.page.keyboard.type('selling answers to graded work');
  await dialog.getByRole('button', { name: 'Report' }).click();
  await sam.page.getByRole('alert').getByText("Reported. The room's moderators will look at it.").waitFor({ timeout: WAIT_MS });
  await expect(dialog.isVisible()).resolves.toBe(false);

  const roomId = new URLSearchParams(new URL(sam.page.url()).hash.slice(1)).get('room');
  const response = await fetch(`${cluster.url(0)}/v1/rooms/${roomId}/reports`, {
    headers: { authorization: `Bearer ${tokenFor('rita')}` },
  });
  expect(response.status).toBe(200);
  const { reports } = (await response.json()) as { reports: Array<{ reporterId: string; reason: string; status: string }> };
  expect(reports).toEqual([expect.objectContaining({ reporterId: 'sam', reason: 'selling answers to graded work', status: 'open' })]);
});
