// Takes the README's screenshots from a running `npm run demo` (default http://127.0.0.1:8080):
//   PORT=8080 node scripts/readme-screenshots.mjs   → docs/images/hover.png, docs/images/diagram.png
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
const root = resolve(new URL('..', import.meta.url).pathname);
const require = createRequire(resolve(root, 'test/e2e/package.json'));
const { chromium } = require('playwright-core');
const url = `http://127.0.0.1:${process.env.PORT ?? 8080}/?folder=${encodeURIComponent(resolve(root, 'examples'))}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const ctx = await browser.newContext({ viewport: { width: 1500, height: 860 } });
await ctx.route('**/*', (r) => (['127.0.0.1', 'localhost'].includes(new URL(r.request().url()).hostname) ? r.continue() : r.abort()));
const page = await ctx.newPage();
await page.goto(url);
await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
async function open(name) {
  await page.keyboard.press('Control+P');
  await page.keyboard.type(name);
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 20000 });
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(2500);
}
async function command(title) {
  await page.keyboard.press('F1');
  await page.keyboard.type('>' + title);
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 20000 });
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
}
await open('cart.yaml');
await page.keyboard.press('Control+G');
await page.keyboard.type('38:11');
await page.keyboard.press('Enter');
await page.waitForTimeout(800);
await page.keyboard.press('Control+K');
await page.keyboard.press('Control+I');
await page.waitForSelector('.monaco-hover .rendered-markdown', { timeout: 15000 }).catch(async () => { throw new Error('no hover'); });
await page.waitForTimeout(1500);
await page.screenshot({ path: resolve(root, 'docs/images/hover.png') });
await page.mouse.move(5, 400);
await page.keyboard.press('Escape');
await command('Show Network Diagram');
await page.waitForTimeout(3000);
await page.keyboard.press('Control+B');
await page.waitForTimeout(500);
await command('View: Focus First Editor Group');
await page.waitForTimeout(500);
await page.keyboard.press('Control+W');
await page.waitForTimeout(3000);
const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
await frame.locator('button', { hasText: 'Fit' }).first().click();
await page.waitForTimeout(2500);
await page.screenshot({ path: resolve(root, 'docs/images/diagram.png') });
await browser.close();
