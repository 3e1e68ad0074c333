// Honest failure states: a browser without WebGL2, a missing or damaged app.wasm, a server whose health check fails.
// Each gives a plain message (no runtime internals) or an error state with Retry, never a page stuck on "Starting…"
// and never a silent switch to the in-page engine.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import path from 'node:path';

import {
  ARTIFACTS, decodePng, fieldBox, findColour, launchBrowser, startServer, waitFor, waitForFirstFrame, watchConsole,
} from './helpers.mjs';

let server;
let chrome;

before(async () => {
  server = await startServer();
  chrome = await launchBrowser();
});

after(async () => {
  if (chrome) await chrome.close();
  if (server) await server.stop();
});

const INTERNALS = /RuntimeError|Aborted|ASSERTIONS|wasm-function|at Object\.|undefined/;

// Chromium reports a failed request (the 404 the test itself causes) as a console error; anything else counts.
const unexpected = (errors) => errors.filter((e) => !/Failed to load resource/.test(e));

async function loadingMessage(page) {
  await page.waitForFunction(() => document.getElementById('loading').classList.contains('error'), null,
    { timeout: 30_000 });
  return page.evaluate(() => ({
    text: document.getElementById('loading-text').textContent,
    help: document.getElementById('loading-help').textContent,
    link: (document.querySelector('#loading-help a') || {}).href || '',
  }));
}

test('without WebGL2 the page says so and links to the session\'s conversation', async () => {
  const context = await chrome.browser.newContext();
  await context.addInitScript(() => {
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
      return kind === 'webgl2' ? null : original.call(this, kind, ...rest);
    };
    localStorage.setItem('orchestratai.session_id', '3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12');
  });
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(server.base + '/');
  const m = await loadingMessage(page);
  assert.match(m.text, /WebGL2 is not available/);
  assert.match(m.link, /\/api\/session\/3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12$/);
  assert.doesNotMatch(m.text + m.help, INTERNALS);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a missing app.wasm gives "could not load the app" with the HTTP status', async () => {
  const context = await chrome.browser.newContext();
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.route('**/app.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto(server.base + '/');
  const m = await loadingMessage(page);
  assert.match(m.text, /Could not load the app \(app\.wasm: HTTP 404/);
  assert.match(m.help, /Reload/);
  assert.doesNotMatch(m.text + m.help, INTERNALS);
  assert.deepEqual(unexpected(errors), []);
  await context.close();
});

test('a damaged app.wasm gives a plain message, not the runtime\'s internals', async () => {
  const context = await chrome.browser.newContext();
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.route('**/app.wasm', (route) => route.fulfill({
    status: 200, contentType: 'application/wasm', body: Buffer.from('\0asm\x01\0\0\0garbage'),
  }));
  await page.goto(server.base + '/');
  const m = await loadingMessage(page);
  assert.match(m.text, /Could not load the app \(app\.wasm: the file is damaged\)/);
  assert.doesNotMatch(m.text + m.help, INTERNALS);
  assert.deepEqual(unexpected(errors), []);
  await context.close();
});

test('a health check answering 500 is an error state with Retry, not a switch to the in-page engine', async () => {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = watchConsole(page);
  let failing = true;
  await page.route('**/api/health', (route) => (failing
    ? route.fulfill({
      status: 500, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'internal', message: 'database is locked', timestamp: new Date().toISOString(), requestId: 'x' } }),
    })
    : route.continue()));
  await page.goto(server.base + '/');
  await waitForFirstFrame(page);
  const s = await waitFor(page, (st) => st.connection === 'failing', { what: 'the failing state' });
  assert.match(s.error, /HTTP 500/);
  assert.equal(s.backend_kind, 'server', 'the page stays with the server');
  const live = await page.waitForFunction(() => document.getElementById('a11y-live').textContent.includes('Error'));
  assert.ok(live);

  await page.keyboard.type('Hello', { delay: 5 });  // typing still works while the server is failing
  await waitFor(page, (st) => st.draft === 'Hello', { what: 'typing' });

  // The banner (red accent at the top of the chat column) has Retry at its bottom left; once the server is well,
  // Retry brings the page online with the server.
  failing = false;
  const field = await fieldBox(page);
  const shot = decodePng(await page.screenshot({ path: path.join(ARTIFACTS, 'health-error.png') }));
  const banner = findColour(shot, [0xEF, 0x44, 0x44], { x0: field.left - 4, x1: field.left + 6, y0: 30, y1: field.top });
  assert.ok(banner, 'the error banner is drawn');
  await page.mouse.click(banner.x0 + 30, banner.y1 - 16);
  const healthy = await waitFor(page, (st) => st.connection === 'online', { what: 'online after Retry' });
  assert.equal(healthy.error, null, 'the banner is gone');
  assert.equal(healthy.backend_kind, 'server');
  assert.deepEqual(unexpected(errors), []);
  await context.close();
});
