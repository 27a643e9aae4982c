#!/usr/bin/env node
// Webview tests in headless Chromium: the real page (client/src/diagram/html.ts, with its CSP)
// and the real bundled script, served from 127.0.0.1, with `acquireVsCodeApi` stubbed and this
// script playing the extension's side of postMessage.
//
//   node test/webview/run.mjs [--only <substring>] [--keep-open]
//
// Prints `N passed, N failed` last and exits non-zero on failure. Screenshots and layout figures
// go to test-results/webview/.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const out = path.join(root, 'test-results/webview');
const build = path.join(out, 'build');
fs.mkdirSync(build, { recursive: true });
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

// ------------------------------------------------------------------------------ prerequisites

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`webview tests: Chromium not found at ${CHROMIUM}. Install it (Debian: sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log('webview tests: installing chromium with apt-get (once)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`webview tests: apt-get ${args.join(' ')} failed.`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
}

/** playwright-core from the root, the e2e tier's folder, or (installed once, cached) our own. */
function loadPlaywright() {
  const own = path.join(out, 'deps');
  const bases = [path.join(root, 'package.json'), path.join(root, 'test/e2e/package.json'), path.join(own, 'package.json')];
  if (process.env.PLAYWRIGHT_CORE_DIR) bases.unshift(path.join(process.env.PLAYWRIGHT_CORE_DIR, 'package.json'));
  const load = () => {
    for (const base of bases) {
      try {
        return createRequire(base)('playwright-core');
      } catch {
        // next
      }
    }
    return undefined;
  };
  const found = load();
  if (found) return found;
  // The same version as the e2e tier, so one download serves both.
  let version = '1.65.1';
  try {
    version = JSON.parse(fs.readFileSync(path.join(root, 'test/e2e/package.json'), 'utf8')).dependencies['playwright-core'] ?? version;
  } catch {
    // keep the default
  }
  console.log(`webview tests: installing playwright-core@${version} into ${path.relative(root, own)} (once)…`);
  fs.mkdirSync(own, { recursive: true });
  if (!fs.existsSync(path.join(own, 'package.json'))) fs.writeFileSync(path.join(own, 'package.json'), '{ "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--no-save', `playwright-core@${version}`], { cwd: own, stdio: 'inherit' });
  const again = r.status === 0 ? load() : undefined;
  if (again) return again;
  console.error('webview tests: playwright-core could not be installed. Run `npm install playwright-core` (or add it to devDependencies).');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

ensureChromium();
const { chromium } = loadPlaywright();
const esbuild = createRequire(path.join(root, 'package.json'))('esbuild');

// ------------------------------------------------------------------------------ build

const t0 = Date.now();
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['client/src/webview/main.ts'],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  outfile: path.join(build, 'webview.js'),
  logLevel: 'warning',
});
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['test/webview/support.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  outfile: path.join(build, 'support.mjs'),
  logLevel: 'warning',
});
const support = await import(pathToFileURL(path.join(build, 'support.mjs')).href + `?t=${Date.now()}`);
const buildMs = Date.now() - t0;

// ------------------------------------------------------------------------------ server

const nonce = randomBytes(16).toString('base64');
let origin = '';
/** Extra markup a test wants in the page (after the CSP meta, so the CSP applies to it). */
let injected = '';
let theme = 'dark';
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const send = (type, body) => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  if (url.pathname === '/') {
    let page = support.diagramHtml({ cspSource: origin, nonce, scriptUri: '/webview.js', styleUri: '/webview.css' });
    page = page.replace('<title>', `<link rel="stylesheet" href="/theme-${theme}.css">\n${injected}\n<title>`);
    return send('text/html; charset=utf-8', page);
  }
  if (url.pathname === '/webview.js') return send('text/javascript', fs.readFileSync(path.join(build, 'webview.js')));
  if (url.pathname === '/webview.css') return send('text/css', fs.readFileSync(path.join(build, 'webview.css')));
  const m = /^\/theme-(dark|light)\.css$/.exec(url.pathname);
  if (m) return send('text/css', support.themeCss(m[1]));
  res.writeHead(404);
  res.end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** The extension's side: a stubbed `acquireVsCodeApi` that records what the webview posts. */
function stub(initialState) {
  window.__sent = [];
  window.__states = [];
  window.__violations = [];
  window.__dialogs = 0;
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__sent.push(JSON.parse(JSON.stringify(m))),
    getState: () => initialState,
    setState: (s) => window.__states.push(JSON.parse(JSON.stringify(s))),
  });
}

async function openPage({ state, viewport = { width: 1400, height: 860 } } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.addInitScript(stub, state ?? null);
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.__sent.some((m) => m.type === 'ready'));
  return { page, context, errors };
}

async function sendGraph(page, graph) {
  const before = Number((await page.evaluate(() => document.body.dataset.renders)) ?? 0);
  await page.evaluate((g) => window.postMessage({ type: 'graph', graph: g }, '*'), graph);
  await page.waitForFunction((n) => Number(document.body.dataset.renders ?? 0) > n && document.body.dataset.state === 'ready', before, { timeout: 120_000 });
}

const sent = (page, type) => page.evaluate((t) => window.__sent.filter((m) => m.type === t), type);

// ------------------------------------------------------------------------------ tests

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const assert = (cond, msg) => {
  if (!cond) throw new Error(msg);
};
const figures = [];
const demo = support.demoGraph();

test('draws every node and edge of the graph, grouped by namespace', async () => {
  const { page, context, errors } = await openPage();
  await sendGraph(page, demo);
  const counts = await page.evaluate(() => ({
    nodes: document.querySelectorAll('#canvas .node').length,
    edges: document.querySelectorAll('#canvas .edge').length,
    groups: [...document.querySelectorAll('#canvas .ns-group')].map((g) => g.getAttribute('data-ns')),
    labels: document.querySelectorAll('#canvas .edge-label').length,
  }));
  assert(counts.nodes === demo.nodes.length, `nodes drawn ${counts.nodes}, graph has ${demo.nodes.length}`);
  assert(counts.edges === demo.edges.length, `edges drawn ${counts.edges}, graph has ${demo.edges.length}`);
  assert(counts.groups.join(',') === 'data,monitoring,payments,shop', `groups ${counts.groups}`);
  assert(counts.labels > 5, 'edge port labels drawn');
  assert((await page.locator('#canvas .edge.kind-blocked').count()) >= 1, 'a blocked route is drawn');
  assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
  await page.screenshot({ path: path.join(out, 'diagram-dark.png') });
  await context.close();
});

test('follows the theme (light)', async () => {
  theme = 'light';
  try {
    const { page, context } = await openPage();
    await sendGraph(page, demo);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert(bg === 'rgb(255, 255, 255)', `light background, got ${bg}`);
    await page.screenshot({ path: path.join(out, 'diagram-light.png') });
    await context.close();
  } finally {
    theme = 'dark';
  }
});

test('hovering a blocked route tells why', async () => {
  const { page, context } = await openPage();
  await sendGraph(page, demo);
  const label = page.locator('#canvas .edge-label.kind-blocked').first();
  await label.hover();
  await page.waitForFunction(() => !document.getElementById('tooltip').hidden);
  const text = await page.locator('#tooltip').textContent();
  assert(/is blocked from/.test(text) && /NetworkPolicies close every target pod/.test(text), text);
  assert((await page.locator('#canvas .edge.hot').count()) === 1, 'the hovered edge is highlighted');
  await context.close();
});

test('a click on a node posts reveal with its uri and span', async () => {
  const { page, context } = await openPage();
  await sendGraph(page, demo);
  const target = demo.nodes.find((n) => n.id === 'Deployment/shop/cart');
  await page.locator(`#canvas .node[data-id="${target.id}"]`).click();
  const reveals = await sent(page, 'reveal');
  assert(reveals.length === 1, `one reveal, got ${reveals.length}`);
  assert(reveals[0].uri === target.uri && reveals[0].span.start === target.span.start && reveals[0].span.end === target.span.end, JSON.stringify(reveals[0]));
  await context.close();
});

test('keyboard: Tab reaches a node, Enter reveals it, / focuses search', async () => {
  const { page, context } = await openPage();
  await sendGraph(page, demo);
  await page.locator('#canvas').focus();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    if (id && id.startsWith('Deployment/')) break;
  }
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-id'));
  assert(focused && focused.startsWith('Deployment/'), `a Deployment node takes focus, got ${focused}`);
  assert(await page.locator('#tooltip').isVisible(), 'focus shows the details');
  await page.keyboard.press('Enter');
  const reveals = await sent(page, 'reveal');
  assert(reveals.length === 1 && reveals[0].uri.includes(focused.split('/')[2]), JSON.stringify(reveals));
  await page.locator('#canvas').focus();
  await page.keyboard.press('/');
  assert(await page.evaluate(() => document.activeElement?.id === 'search'), '/ focuses the search box');
  await context.close();
});

test('a Service named like markup renders as text: no img element, no script, no dialog', async () => {
  const { page, context, errors } = await openPage();
  await sendGraph(page, demo);
  const node = page.locator(`#canvas .node[data-id="Service/shop/${support.HOSTILE_NAME}"]`);
  assert((await node.count()) === 1, 'hostile node drawn');
  const text = await node.locator('.node-label').textContent();
  assert(text.startsWith('<img'), `label is the literal text, got ${text}`);
  await node.hover();
  const tip = await page.locator('#tooltip .tooltip-title').textContent();
  await page.mouse.move(5, 5);
  assert(tip.includes(support.HOSTILE_NAME), `tooltip shows it as text: ${tip}`);
  assert((await page.locator('img').count()) === 0, 'no img element anywhere');
  assert(!errors.some((e) => e.startsWith('dialog')), 'no alert');
  await context.close();
});

test('the CSP blocks an inline script without the nonce and remote content', async () => {
  injected = '<script>window.__inlineRan = true</script><img id="remote" src="https://example.invalid/x.png">';
  try {
    const { page, context } = await openPage();
    const ran = await page.evaluate(() => window.__inlineRan === true);
    assert(!ran, 'inline script without nonce ran');
    await page.waitForFunction(() => window.__violations.length >= 2);
    const v = await page.evaluate(() => window.__violations);
    assert(v.some((x) => x.startsWith('script-src')), `script-src violation reported: ${v}`);
    assert(v.some((x) => x.startsWith('img-src')), `img-src violation reported: ${v}`);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert(csp.includes(`script-src 'nonce-${nonce}'`) && csp.includes("default-src 'none'") && csp.includes('worker-src blob:'), csp);
    await context.close();
  } finally {
    injected = '';
  }
});

test('search highlights matches and Enter steps through them', async () => {
  const { page, context } = await openPage();
  await sendGraph(page, demo);
  await page.locator('#search').fill('post');
  await page.waitForFunction(() => document.querySelectorAll('#canvas .node.match').length > 0);
  const matched = await page.evaluate(() => [...document.querySelectorAll('#canvas .node.match')].map((n) => n.getAttribute('data-id')));
  assert(matched.join(',') === 'Service/data/postgres,StatefulSet/data/postgres', matched.join(','));
  await page.locator('#search').press('Enter');
  assert((await page.locator('#search-count').textContent()) === '1 of 2', await page.locator('#search-count').textContent());
  await page.screenshot({ path: path.join(out, 'diagram-search.png') });
  await context.close();
});

test('namespace filter, collapse and layers change what is drawn; state is saved', async () => {
  const { page, context } = await openPage();
  await sendGraph(page, demo);
  // Layers.
  await page.locator('#layer-policy').uncheck();
  await page.waitForFunction(() => document.querySelectorAll('#canvas .edge.kind-allow').length === 0 && document.body.dataset.state === 'ready');
  assert((await page.locator('#canvas .node[data-id^="ipBlock/"]').count()) === 0, 'ipBlock hidden with the policy layer');
  await page.locator('#layer-policy').check();
  await page.waitForFunction(() => document.querySelectorAll('#canvas .edge.kind-allow').length > 0);
  // Collapse a namespace from its header.
  const renders = await page.evaluate(() => Number(document.body.dataset.renders));
  await page.locator('#canvas .ns-header[data-ns="data"]').click();
  await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, renders);
  assert((await page.locator('#canvas .node[data-id="ns:data"]').count()) === 1, 'collapsed namespace node');
  assert((await page.locator('#canvas .node[data-id="StatefulSet/data/redis"]').count()) === 0, 'members hidden');
  // Keyboard: Enter on the collapsed namespace opens it again and focus lands on its header.
  await page.locator('#canvas .node[data-id="ns:data"]').focus();
  const r2 = await page.evaluate(() => Number(document.body.dataset.renders));
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, r2);
  assert(await page.evaluate(() => document.activeElement?.classList.contains('ns-header') && document.activeElement.getAttribute('data-ns') === 'data'), 'focus on the opened namespace header');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !!document.querySelector('#canvas .node[data-id="ns:data"]'));
  // Filter out a namespace.
  await page.locator('#ns-button').click();
  await page.locator('#ns-menu label', { hasText: 'payments' }).locator('input').uncheck();
  await page.waitForFunction(() => !document.querySelector('#canvas .node[data-id="Deployment/payments/payments"]'));
  assert((await page.locator('#ns-button').textContent()).includes('3 of 4'), await page.locator('#ns-button').textContent());
  assert(await page.evaluate(() => document.activeElement?.dataset?.ns === 'payments'), 'focus stays on the checkbox');
  await page.keyboard.press('Escape');
  assert(await page.locator('#ns-menu').isHidden(), 'Escape closes the menu');
  await page.waitForFunction(() => window.__states.length > 0 && window.__states.at(-1).hidden.includes('payments'));
  const saved = await page.evaluate(() => window.__states.at(-1));
  assert(saved.toggled.includes('data') && saved.hidden.includes('payments'), JSON.stringify(saved));
  await context.close();
});

test('pan/zoom survive a graph update and a reload (getState)', async () => {
  const { page, context } = await openPage();
  await sendGraph(page, demo);
  await page.mouse.move(700, 400);
  await page.mouse.wheel(0, -300);
  await page.mouse.move(300, 300);
  await page.mouse.down();
  await page.mouse.move(380, 340, { steps: 4 });
  await page.mouse.up();
  const before = await page.locator('#canvas .viewport').getAttribute('transform');
  const changed = { ...demo, nodes: demo.nodes.filter((n) => n.id !== 'DaemonSet/monitoring/node-exporter') };
  await sendGraph(page, changed);
  const after = await page.locator('#canvas .viewport').getAttribute('transform');
  assert(before === after, `transform kept across update: ${before} vs ${after}`);
  // The webview saves its state shortly after the last move: wait for the one that matches.
  await page.waitForFunction(() => {
    const t = window.__states.at(-1)?.transform;
    return t && document.querySelector('#canvas .viewport').getAttribute('transform') === `translate(${t.x},${t.y}) scale(${t.k})`;
  });
  const saved = await page.evaluate(() => window.__states.at(-1));
  await context.close();
  const again = await openPage({ state: saved });
  await sendGraph(again.page, demo);
  const restored = await again.page.locator('#canvas .viewport').getAttribute('transform');
  assert(restored === before, `transform restored: ${restored} vs ${before}`);
  await again.context.close();
});

test('export posts a standalone SVG with theme colours resolved and names as text', async () => {
  const { page, context } = await openPage();
  await sendGraph(page, demo);
  await page.locator('#export').click();
  const [m] = await sent(page, 'exportSvg');
  assert(m && m.svg.includes('<svg'), 'svg posted');
  assert(!m.svg.includes('var(--'), 'no CSS variables left');
  assert(!m.svg.includes('<img'), 'markup escaped');
  assert(m.svg.includes('&lt;img src=x'), 'hostile name kept as text');
  fs.writeFileSync(path.join(out, 'export.svg'), m.svg);
  // The exported file renders on its own.
  const p2 = await context.newPage();
  await p2.setContent(`<html><body style="margin:0">${m.svg.replace(/^<\?xml[^>]*>/, '')}</body></html>`);
  const box = await p2.locator('svg').first().boundingBox();
  assert(box && box.width > 300 && box.height > 200, `exported size ${JSON.stringify(box)}`);
  await p2.screenshot({ path: path.join(out, 'export.png'), fullPage: true });
  await context.close();
});

test('an empty workspace and a server error show a message', async () => {
  const { page, context } = await openPage();
  await page.evaluate(() => window.postMessage({ type: 'error', message: 'The language server is restarting.' }, '*'));
  await page.waitForFunction(() => document.getElementById('message').textContent.includes('restarting'));
  await sendGraph(page, { nodes: [], edges: [] });
  assert((await page.locator('#message').textContent()).includes('No Kubernetes'), await page.locator('#message').textContent());
  await context.close();
});

test('a large workspace (1,200+ nodes) starts collapsed; expanding everything lays out in the worker', async () => {
  const big = support.largeGraph(40, 30);
  const { page, context, errors } = await openPage();
  const t = Date.now();
  await sendGraph(page, big);
  const collapsedMs = Number(await page.evaluate(() => document.body.dataset.layoutMs));
  const collapsedNodes = await page.locator('#canvas .node').count();
  assert(collapsedNodes <= 41 + 1, `collapsed at start: ${collapsedNodes} nodes drawn`);
  // 40 namespaces do not fit at a readable zoom: the first view shows part of them, text never under 11 px.
  const font = await minRenderedFont(page);
  assert(font.count > 10 && font.min >= 11, `smallest rendered text ${font.min} px over ${font.count} texts`);
  figures.push(`large graph ${big.nodes.length} nodes/${big.edges.length} edges, collapsed: layout ${collapsedMs} ms, first paint ${Date.now() - t} ms`);
  await page.screenshot({ path: path.join(out, 'diagram-large-collapsed.png') });
  // Responsive while the worker lays out everything.
  const renders = await page.evaluate(() => Number(document.body.dataset.renders));
  const t2 = Date.now();
  await page.locator('#expand-all').click();
  const lag = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const s = performance.now();
        setTimeout(() => resolve(performance.now() - s), 0);
      }),
  );
  await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, renders, { timeout: 300_000 });
  const expandedMs = Number(await page.evaluate(() => document.body.dataset.layoutMs));
  const drawnNodes = await page.locator('#canvas .node').count();
  assert(drawnNodes === big.nodes.length, `all nodes drawn after expand: ${drawnNodes}`);
  figures.push(`large graph expanded: ${drawnNodes} nodes, layout ${expandedMs} ms (worker), click→drawn ${Date.now() - t2} ms, main-thread timer lag during layout ${Math.round(lag)} ms`);
  await page.locator('#zoom-fit').click();
  await page.screenshot({ path: path.join(out, 'diagram-large.png') });
  assert(errors.length === 0, errors.join('; '));
  await context.close();
});

/**
 * The smallest text on screen, in CSS pixels (font size × the zoom of the drawing), over every text
 * of the canvas in view. Rounded to 1/1000 px: the browser keeps the zoom as a 32-bit float.
 */
async function minRenderedFont(page) {
  return page.evaluate(() => {
    const canvas = document.getElementById('canvas').getBoundingClientRect();
    let min = Infinity;
    let count = 0;
    for (const t of document.querySelectorAll('#canvas text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0 || r.right < canvas.left || r.left > canvas.right || r.bottom < canvas.top || r.top > canvas.bottom) continue;
      const px = Math.round(parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a * 1000) / 1000;
      count++;
      if (px < min) min = px;
    }
    return { min, count };
  });
}

/** Whether every node box lies inside the canvas (the view is fitted). */
async function allNodesInView(page) {
  return page.evaluate(() => {
    const c = document.getElementById('canvas').getBoundingClientRect();
    const out = [...document.querySelectorAll('#canvas .node')].filter((n) => {
      const r = n.getBoundingClientRect();
      return r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1 || r.bottom > c.bottom + 1;
    });
    return out.map((n) => n.getAttribute('data-id'));
  });
}

async function sendEditor(page, uri, offset, focus) {
  const before = Number((await page.evaluate(() => document.body.dataset.renders)) ?? 0);
  await page.evaluate((m) => window.postMessage(m, '*'), { type: 'editor', uri, offset, ...(focus ? { focus: true } : {}) });
  return before;
}

const waitRender = (page, before) =>
  page.waitForFunction((n) => Number(document.body.dataset.renders ?? 0) > n && document.body.dataset.state === 'ready', before, { timeout: 120_000 });

let examples;
const examplesGraph = async () => (examples ??= await support.graphOfFolder(path.join(root, 'examples')));

test('examples/ at 1280×800: the first view is fitted and no text is under 11 px', async () => {
  const graph = await examplesGraph();
  assert(graph.nodes.length > 30, `examples graph has ${graph.nodes.length} nodes`);
  const { page, context, errors } = await openPage({ viewport: { width: 1280, height: 800 } });
  const t = Date.now();
  await sendGraph(page, graph);
  const firstView = Date.now() - t;
  const font = await minRenderedFont(page);
  const outside = await allNodesInView(page);
  const boxes = await page.locator('#canvas .node').count();
  figures.push(`examples/: ${graph.nodes.length} nodes, ${graph.edges.length} edges; first view (${boxes} boxes) layout ${await page.evaluate(() => document.body.dataset.layoutMs)} ms, graph→drawn ${firstView} ms; smallest text ${font.min.toFixed(1)} px over ${font.count} texts`);
  await page.screenshot({ path: path.join(out, 'examples-1280x800.png') });
  assert(font.count > 10, `texts measured: ${font.count}`);
  assert(font.min >= 11, `smallest rendered text ${font.min} px`);
  assert(outside.length === 0, `nodes outside the view: ${outside.join(', ')}`);
  // More than a few dozen objects in several namespaces: they start collapsed, with counts and exposure.
  const shopFrontend = page.locator('#canvas .node[data-id="ns:shop-frontend"]');
  assert((await shopFrontend.count()) === 1, 'shop-frontend is a collapsed namespace');
  const label = await shopFrontend.getAttribute('aria-label');
  assert(/4 objects/.test(label) && /reachable from the Internet/.test(label), label);
  assert((await shopFrontend.locator('.mark-internet-in').count()) === 1, 'exposure mark drawn');
  // The exposure overlay colours what the internet may reach: no layout, only colours.
  const rendersBefore = await page.evaluate(() => Number(document.body.dataset.renders));
  await page.locator('#layer-exposure').check();
  const fills = await page.evaluate(() => {
    const fill = (sel) => { const el = document.querySelector(sel); return el ? getComputedStyle(el).fill : undefined; };
    return { exposed: fill('#canvas.exposure-on .node.exposed-internet .node-bg'), plain: fill('#canvas .node:not(.exposed-internet):not(.exposed-cluster) .node-bg'), count: document.querySelectorAll('#canvas .node.exposed-internet').length };
  });
  assert(fills.count >= 3 && fills.exposed && fills.exposed !== fills.plain, JSON.stringify(fills));
  assert((await page.evaluate(() => Number(document.body.dataset.renders))) === rendersBefore, 'no layout for the overlay');
  await page.screenshot({ path: path.join(out, 'examples-exposure.png') });
  await page.locator('#layer-exposure').uncheck();
  // Expanding everything and fitting works; the user may zoom below 11 px themselves.
  const r = await page.evaluate(() => Number(document.body.dataset.renders));
  const t2 = Date.now();
  await page.locator('#expand-all').click();
  await waitRender(page, r);
  figures.push(`examples/ expanded (${await page.locator('#canvas .node').count()} boxes): layout ${await page.evaluate(() => document.body.dataset.layoutMs)} ms, click→drawn ${Date.now() - t2} ms`);
  await page.locator('#zoom-fit').click();
  await page.screenshot({ path: path.join(out, 'examples-expanded-fit.png') });
  assert(errors.length === 0, errors.join('; '));
  await context.close();
});

test('opened from an editor: focus on the object under the cursor, following it; widen to namespace and workspace', async () => {
  const graph = await examplesGraph();
  const cart = graph.nodes.find((n) => n.id === 'Deployment/shop-backend/cart');
  const catalogSvc = graph.nodes.find((n) => n.id === 'Service/shop-backend/catalog');
  assert(cart?.objectSpan && catalogSvc?.objectSpan, 'objects carry their spans');
  const { page, context, errors } = await openPage({ viewport: { width: 1280, height: 800 } });
  // The extension sends the editor's place before the graph.
  await page.evaluate((m) => window.postMessage(m, '*'), { type: 'editor', uri: cart.uri, offset: cart.objectSpan.start + 3, focus: true });
  await sendGraph(page, graph);
  assert((await page.evaluate(() => document.body.dataset.focus)) === cart.id, `focus ${await page.evaluate(() => document.body.dataset.focus)}`);
  const ids = await page.evaluate(() => [...document.querySelectorAll('#canvas .node')].map((n) => n.getAttribute('data-id')));
  assert(ids.includes('Service/shop-backend/cart'), `the Service that selects it: ${ids}`);
  assert(!ids.some((id) => id.includes('shop-tools')), `nothing unrelated: ${ids}`);
  assert((await page.locator('#canvas .node.focused').getAttribute('data-id')) === cart.id, 'the focused node is marked');
  assert((await page.locator('#scope-focus').textContent()) === 'Deployment cart', await page.locator('#scope-focus').textContent());
  const font = await minRenderedFont(page);
  assert(font.min >= 11, `smallest rendered text ${font.min} px`);
  assert((await allNodesInView(page)).length === 0, 'the neighbourhood is fitted');
  await page.screenshot({ path: path.join(out, 'examples-focus-cart.png') });
  // The cursor moves to another object: the diagram follows.
  let r = await sendEditor(page, catalogSvc.uri, catalogSvc.objectSpan.start + 10);
  await waitRender(page, r);
  assert((await page.evaluate(() => document.body.dataset.focus)) === catalogSvc.id, 'focus follows the cursor');
  assert((await page.locator('#canvas .node[data-id="Deployment/shop-backend/catalog"]').count()) === 1, 'the pods it selects');
  await page.screenshot({ path: path.join(out, 'examples-focus-catalog.png') });
  // Renamed while typing: the focus stays on the object under the cursor, as it is now named.
  const renamed = JSON.parse(JSON.stringify(graph));
  for (const n of renamed.nodes) if (n.id === catalogSvc.id) Object.assign(n, { id: 'Service/shop-backend/catalog2', name: 'catalog2' });
  for (const e of renamed.edges) for (const k of ['from', 'to']) if (e[k] === catalogSvc.id) e[k] = 'Service/shop-backend/catalog2';
  await sendGraph(page, renamed);
  assert((await page.evaluate(() => document.body.dataset.focus)) === 'Service/shop-backend/catalog2', `focus after a rename: ${await page.evaluate(() => document.body.dataset.focus)}`);
  await sendGraph(page, graph);
  // Widen: the namespace, then the workspace; the cursor then only marks its object.
  r = await page.evaluate(() => Number(document.body.dataset.renders));
  await page.locator('#scope-namespace').click();
  await waitRender(page, r);
  assert((await page.evaluate(() => document.body.dataset.scope)) === 'namespace', 'namespace scope');
  assert((await page.locator('#canvas .ns-group[data-ns="shop-backend"]').count()) === 1, 'its namespace drawn');
  r = await page.evaluate(() => Number(document.body.dataset.renders));
  await page.locator('#scope-workspace').click();
  await waitRender(page, r);
  assert((await page.evaluate(() => document.body.dataset.scope)) === 'workspace', 'workspace scope');
  await sendEditor(page, cart.uri, cart.objectSpan.start + 3);
  await page.waitForTimeout(300);
  assert((await page.evaluate(() => document.body.dataset.scope)) === 'workspace', 'a cursor move does not narrow the workspace view');
  assert(errors.length === 0, errors.join('; '));
  await context.close();
  // Beside an editor the panel is half as wide: the neighbourhood is still fitted and readable.
  const narrow = await openPage({ viewport: { width: 640, height: 800 } });
  await narrow.page.evaluate((m) => window.postMessage(m, '*'), { type: 'editor', uri: cart.uri, offset: cart.objectSpan.start + 3, focus: true });
  await sendGraph(narrow.page, graph);
  const narrowFont = await minRenderedFont(narrow.page);
  figures.push(`examples/ focus on cart at 640×800: ${await narrow.page.locator('#canvas .node').count()} boxes, smallest text ${narrowFont.min} px, outside the view: ${(await allNodesInView(narrow.page)).length}`);
  await narrow.page.screenshot({ path: path.join(out, 'examples-focus-cart-narrow.png') });
  assert(narrowFont.min >= 11, `smallest rendered text ${narrowFont.min} px`);
  await narrow.context.close();
});

test('path query: from the Internet to a workload, each hop and what decides it; a blocked one says where', async () => {
  const graph = await examplesGraph();
  const target = 'Deployment/shop-backend/catalog';
  const node = graph.nodes.find((n) => n.id === target);
  const { page, context, errors } = await openPage({ viewport: { width: 1280, height: 800 } });
  await page.evaluate((m) => window.postMessage(m, '*'), { type: 'editor', uri: node.uri, offset: node.objectSpan.start + 3, focus: true });
  await sendGraph(page, graph);
  await page.locator('#path-button').click();
  await page.locator('#path-internet').click();
  const before = await page.evaluate(() => Number(document.body.dataset.renders));
  await page.locator(`#canvas .node[data-id="${target}"]`).click();
  // The hops outside the focused neighbourhood are added to the view.
  await waitRender(page, before);
  const text = await page.locator('#path-body').textContent();
  assert(/allowed, in \d+ hops/.test(text), text);
  assert(/Internet routes to/.test(text) && /may connect to Deployment shop-backend\/catalog/.test(text) && /decided by/.test(text), text);
  const onPath = await page.locator('#canvas .edge.on-path').count();
  assert(onPath >= 3, `edges highlighted on the path: ${onPath}`);
  assert((await page.locator('#canvas .node.on-path').count()) >= 4, 'nodes on the path');
  await page.screenshot({ path: path.join(out, 'path-query.png') });
  // No reveal while picking.
  assert((await sent(page, 'reveal')).length === 0, 'picking does not open the YAML');
  await context.close();
  // The demo's frontend is closed to the ingress controller: the route is blocked.
  const demoPage = await openPage();
  await sendGraph(demoPage.page, demo);
  await demoPage.page.locator('#path-button').click();
  await demoPage.page.locator('#path-internet').click();
  await demoPage.page.locator('#canvas .node[data-id="Deployment/shop/frontend"]').click();
  const blocked = await demoPage.page.locator('#path-body').textContent();
  assert(/blocked at Service shop\/frontend/.test(blocked) && /NetworkPolicies close every target pod/.test(blocked), blocked);
  assert((await demoPage.page.locator('#canvas .node.blocked-at').getAttribute('data-id')) === 'Service/shop/frontend', 'where it is blocked');
  await demoPage.page.screenshot({ path: path.join(out, 'path-blocked.png') });
  assert(errors.length === 0 && demoPage.errors.length === 0, [...errors, ...demoPage.errors].join('; '));
  await demoPage.context.close();
});

test('while laying out, the page says so ("Laying out N objects…"), not that it waits for the server', async () => {
  const { page, context } = await openPage();
  assert((await page.locator('#status').textContent()) === 'Waiting for the language server…', 'before any graph');
  await page.evaluate(() => {
    window.__texts = [];
    const record = () => window.__texts.push(`${document.getElementById('status').textContent} | ${document.getElementById('message').hidden ? '' : document.getElementById('message').textContent}`);
    new MutationObserver(record).observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true });
  });
  await sendGraph(page, demo);
  const texts = await page.evaluate(() => window.__texts);
  const laying = texts.find((t) => t.startsWith('Laying out'));
  assert(laying && /^Laying out \d+ objects… \| Laying out \d+ objects…$/.test(laying), `status and message while laying out: ${JSON.stringify(texts)}`);
  assert(!texts.some((t) => t.includes('Waiting')), JSON.stringify(texts));
  await context.close();
});

test('a live edit that moves no box reuses the layout; one that does lays out again', async () => {
  const { page, context } = await openPage();
  await sendGraph(page, demo);
  const edited = JSON.parse(JSON.stringify(demo));
  edited.nodes.find((n) => n.id === 'Deployment/shop/cart').detail = ['labels: app=cart, version=2'];
  await sendGraph(page, edited);
  assert((await page.evaluate(() => document.body.dataset.layoutReused)) === 'true', 'layout reused');
  assert((await page.locator('#status').textContent()).includes('layout unchanged'), await page.locator('#status').textContent());
  edited.nodes = edited.nodes.filter((n) => n.id !== 'DaemonSet/monitoring/node-exporter');
  await sendGraph(page, edited);
  assert((await page.evaluate(() => document.body.dataset.layoutReused)) === 'false', 'laid out again');
  await context.close();
});

test('a generated workspace of about 300 objects: collapsed, readable, and everything expanded', async () => {
  const gen = await support.generatedGraph(path.join(out, 'generated-300'), 300);
  const graph = gen.graph;
  const { page, context, errors } = await openPage({ viewport: { width: 1280, height: 800 } });
  const t = Date.now();
  await sendGraph(page, graph);
  const font = await minRenderedFont(page);
  figures.push(`generated workspace: ${gen.objects} objects in ${gen.files} files → ${graph.nodes.length} nodes, ${graph.edges.length} edges; first view (${await page.locator('#canvas .node').count()} boxes) layout ${await page.evaluate(() => document.body.dataset.layoutMs)} ms, graph→drawn ${Date.now() - t} ms; smallest text ${font.min.toFixed(1)} px`);
  assert(font.min >= 11, `smallest rendered text ${font.min} px`);
  await page.screenshot({ path: path.join(out, 'generated-300.png') });
  const r = await page.evaluate(() => Number(document.body.dataset.renders));
  const t2 = Date.now();
  await page.locator('#expand-all').click();
  await waitRender(page, r);
  const drawnNodes = await page.locator('#canvas .node').count();
  figures.push(`generated workspace expanded: ${drawnNodes} boxes, ${await page.locator('#canvas .edge').count()} edges, layout ${await page.evaluate(() => document.body.dataset.layoutMs)} ms, click→drawn ${Date.now() - t2} ms`);
  assert(drawnNodes > 150, `boxes drawn expanded: ${drawnNodes}`);
  await page.screenshot({ path: path.join(out, 'generated-300-expanded.png') });
  assert(errors.length === 0, errors.join('; '));
  await context.close();
});

// Optional figures for a graph of your own: K8S_NETMAP_WEBVIEW_GRAPH=graph.json (as `k8s-netmap graph` or the server gives it).
if (process.env.K8S_NETMAP_WEBVIEW_GRAPH) {
  test(`figures for ${process.env.K8S_NETMAP_WEBVIEW_GRAPH}`, async () => {
    const graph = JSON.parse(fs.readFileSync(process.env.K8S_NETMAP_WEBVIEW_GRAPH, 'utf8'));
    const { page, context, errors } = await openPage();
    let t = Date.now();
    await sendGraph(page, graph);
    figures.push(`${graph.nodes.length} nodes/${graph.edges.length} edges: first view ${await page.evaluate(() => document.body.dataset.layoutMs)} ms layout, ${Date.now() - t} ms to drawn (${await page.locator('#canvas .node').count()} boxes)`);
    const renders = await page.evaluate(() => Number(document.body.dataset.renders));
    t = Date.now();
    await page.locator('#expand-all').click();
    await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, renders, { timeout: 600_000 });
    figures.push(`  expanded: ${await page.evaluate(() => document.body.dataset.layoutMs)} ms layout, ${Date.now() - t} ms click→drawn (${await page.locator('#canvas .node').count()} boxes, ${await page.locator('#canvas .edge').count()} edges)`);
    t = Date.now();
    await page.locator('#export').click();
    await page.waitForFunction(() => window.__sent.some((m) => m.type === 'exportSvg'));
    figures.push(`  export SVG of everything: ${Date.now() - t} ms`);
    await page.locator('#zoom-fit').click();
    await page.screenshot({ path: path.join(out, 'diagram-custom.png') });
    assert(errors.length === 0, errors.join('; '));
    await context.close();
  });
}

// ------------------------------------------------------------------------------ run

let passed = 0;
let failed = 0;
for (const t of tests) {
  if (only && !t.name.includes(only)) continue;
  const s = Date.now();
  try {
    await t.fn();
    passed++;
    console.log(`✔ ${t.name} (${Date.now() - s} ms)`);
  } catch (err) {
    failed++;
    console.log(`✘ ${t.name}\n    ${(err && err.stack) || err}`);
  }
}
await browser.close();
server.close();
console.log(`build ${buildMs} ms`);
for (const f of figures) console.log(`figure: ${f}`);
fs.writeFileSync(path.join(out, 'figures.txt'), `${figures.join('\n')}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
