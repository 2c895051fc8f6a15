import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropNamespace, type ManagedProcess, startProcess, type TestNamespace, uniqueNamespace } from '@campzone/testkit';
import type { Browser } from 'playwright-core';
import { gatewayEnv, serviceUrls, spawnGateway } from '../harness/gateway-cluster';
import { ChatPage } from './chat-page';
import { launchChromium } from './chromium';

// ana drops a photo of the whiteboard onto the conversation in her browser (gateway a); it
// uploads with a progress bar, the worker makes its thumbnail, and ben's browser (gateway b)
// shows it inline. Uploads need the worker, so this test runs real gateway and worker processes.

const WAIT_MS = 60_000;
let ns: TestNamespace;
let dir: string;
let browser: Browser;
const procs: ManagedProcess[] = [];
const pages: ChatPage[] = [];
let urls: string[] = [];

beforeAll(async () => {
  ns = uniqueNamespace(__filename);
  dir = await mkdtemp(join(tmpdir(), 'campzone-web-attachments-'));
  browser = await launchChromium();
  for (const name of ['att-gw-a', 'att-gw-b']) {
    const gateway = await spawnGateway(ns, name, { ATTACHMENT_DIR: dir });
    procs.push(gateway.proc);
    urls.push(gateway.url);
  }
  const worker = await startProcess({
    name: 'att-worker',
    command: process.execPath,
    args: [require.resolve('@campzone/worker/dist/main.js')],
    env: gatewayEnv(ns, { ATTACHMENT_DIR: dir, POD_NAME: 'att-worker', LOG_LEVEL: 'info' }),
    readyLine: /"msg":"worker running"/,
    timeoutMs: 30_000,
  });
  procs.push(worker);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(pages.map((p) => p.close()));
  await browser?.close();
  await Promise.allSettled(procs.map((p) => p.stop(2000)));
  await dropNamespace(ns, serviceUrls());
  await rm(dir, { recursive: true, force: true });
  urls = [];
});

async function person(url: string, userId: string, name: string): Promise<ChatPage> {
  const page = await ChatPage.open(browser, url);
  pages.push(page);
  await page.signIn(userId, name);
  return page;
}

test('an image dropped onto the conversation uploads with progress and the other browser shows it inline', async () => {
  const ana = await person(urls[0]!, 'ana', 'Ana');
  const ben = await person(urls[1]!, 'ben', 'Ben');
  await ana.createRoom('Lab photos', 'group', 'ben');
  await ben.openRoom('Lab photos');

  // A real PNG drawn by the browser, dropped as a file the way the OS hands one over.
  // (Page code as a string: this test compiles without the DOM types.)
  await ana.page.evaluate(`(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 240;
    const g = canvas.getContext('2d');
    g.fillStyle = '#1d4ed8';
    g.fillRect(0, 0, 400, 240);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], 'whiteboard.png', { type: 'image/png' }));
    const zone = document.getElementById('conversation');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  })()`);
  await ana.page.locator('#upload-tray progress[aria-label="Uploading whiteboard.png"]').waitFor({ state: 'attached', timeout: WAIT_MS });

  const shown = ben.page.locator('#messages img.attachment-image[alt="whiteboard.png"]');
  await shown.waitFor({ timeout: WAIT_MS });
  // Polled from here: waitForFunction evaluates its predicate in the page whenever it has to wait,
  // and the web client's CSP (script-src 'self') refuses that eval.
  const loadedAt = Date.now() + WAIT_MS;
  const loaded = () =>
    shown.evaluate((img) => {
      const { src, complete, naturalWidth } = img as unknown as { src: string; complete: boolean; naturalWidth: number };
      return src.startsWith('blob:') && complete && naturalWidth > 0;
    });
  while (!(await loaded())) {
    if (Date.now() > loadedAt) throw new Error('the image was not loaded from a blob: URL in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // The thumbnail, not the original: at most 320 px wide, in the original's proportions.
  const natural = await shown.evaluate((img) => {
    const { naturalWidth, naturalHeight } = img as unknown as { naturalWidth: number; naturalHeight: number };
    return { width: naturalWidth, height: naturalHeight };
  });
  expect(natural).toEqual({ width: 320, height: 192 });
  await ana.page.locator('#messages img.attachment-image[alt="whiteboard.png"]').waitFor({ timeout: WAIT_MS });
  await ana.page.locator('#upload-tray li').waitFor({ state: 'detached', timeout: WAIT_MS });
  expect(ben.cspViolations).toEqual([]);
});
