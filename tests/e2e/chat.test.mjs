// End to end: the README's server, Debian's Chromium, real key events into the ImGui canvas, the answer checked
// through the HTTP API, a screenshot that is not blank, and a reload that continues the same session.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  ARTIFACTS, appState, colourStats, decodePng, hasColour, launchBrowser, startServer, waitFor, waitForFirstFrame,
} from './helpers.mjs';

let server;
let chrome;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  chrome = await launchBrowser();
});

after(async () => {
  if (chrome) await chrome.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `server did not shut down cleanly on SIGTERM:\n${server.log().slice(-2000)}`);
  }
});

test('a question typed into the canvas is answered by the billing agent and stored in the session', async () => {
  const context = await chrome.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(server.base + '/');
  await waitForFirstFrame(page);
  const start = await waitFor(page, (s) => s.session_id && s.connection === 'online', { what: 'session and health' });
  assert.match(start.session_id, /^[0-9a-f-]{36}$/);

  // No click first: the input has keyboard focus when the page opens.
  const question = 'How much does the Pro plan cost per user?';
  await page.keyboard.type(question, { delay: 15 });
  await waitFor(page, (s) => s.draft === question, { what: 'the typed text in the input' });
  await page.keyboard.press('Enter');

  const answered = await waitFor(
    page, (s) => !s.sending && s.messages.length === 2 && s.messages[1].role === 'assistant',
    { what: 'the answer', timeout: 30_000 });
  assert.equal(answered.messages[0].role, 'user');
  assert.equal(answered.messages[0].content, question);
  assert.equal(answered.messages[1].agent, 'billing');
  assert.ok(answered.messages[1].content.length > 20, 'the answer has content');
  assert.ok(answered.logs >= 3, `retrieval logs shown (${answered.logs})`);
  assert.equal(answered.draft, '', 'the input is cleared after sending');

  // The server holds the conversation.
  const r = await fetch(`${server.base}/api/session/${answered.session_id}`);
  assert.equal(r.status, 200);
  const history = await r.json();
  assert.equal(history.messages.length, 2);
  assert.equal(history.messages[0].content, question);
  assert.equal(history.messages[1].role, 'assistant');
  assert.equal(history.messages[1].agent, 'billing');
  assert.ok(history.logs.length >= 3);

  // What a person sees: a screenshot with the UI drawn, the billing agent's green among its colours.
  const shot = await page.screenshot({ path: path.join(ARTIFACTS, 'chat.png') });
  const png = decodePng(shot);
  const stats = colourStats(png);
  assert.ok(stats.distinct > 40, `screenshot has ${stats.distinct} colours: blank?`);
  assert.ok(stats.dominantShare < 0.9, `one colour covers ${(stats.dominantShare * 100).toFixed(1)}% of the page`);
  assert.ok(hasColour(png, [0x10, 0xB9, 0x81]), 'billing green is drawn');
  assert.ok(hasColour(png, [0x06, 0xB6, 0xD4]), 'orchestrator cyan is drawn');

  // Reload: the same session continues and its history comes back from the server.
  await page.reload();
  await waitForFirstFrame(page);
  const restored = await waitFor(page, (s) => s.messages && s.messages.length === 2, { what: 'restored history' });
  assert.equal(restored.session_id, answered.session_id);
  assert.equal(restored.messages[0].content, question);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('Shift+Enter inserts a new line instead of sending', async () => {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.base + '/');
  await waitForFirstFrame(page);
  await waitFor(page, (s) => s.session_id && s.connection === 'online', { what: 'session' });
  await page.keyboard.type('first line', { delay: 15 });
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line', { delay: 15 });
  const s = await waitFor(page, (st) => st.draft === 'first line\nsecond line', { what: 'two-line draft' });
  assert.equal(s.messages.length, 0, 'nothing was sent');
  assert.equal(s.sending, false);
  await context.close();
});

// Streaming: the page asks through POST /api/chat/stream/initiate and an EventSource, the answer grows as its events
// arrive, and a stream that drops is resumed by the browser with Last-Event-ID: the rest arrives once, nothing twice.
test('answers stream through EventSource and a dropped stream resumes where it stopped', async () => {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  // The first connection to the stream delivers the events up to the first piece of the answer, then drops.
  const resumes = [];
  let firstHalf = null;
  await page.route(/\/api\/chat\/stream\/[0-9a-f-]{36}$/, async (route) => {
    if (firstHalf) {
      // The browser's reconnection. Playwright does not show the Last-Event-ID header EventSource adds, but the
      // server proves it came: a stream already delivered is refused (404) to a request without it.
      resumes.push(route.request().url());
      return route.continue();
    }
    const whole = await (await route.fetch()).text();
    const events = whole.split('\n\n').filter((e) => e.trim());
    const cut = events.findIndex((e) => e.includes('event: message_chunk')) + 1;
    firstHalf = events.slice(0, cut);
    await route.fulfill({
      status: 200, headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
      body: 'retry: 1500\n\n' + firstHalf.join('\n\n') + '\n\n',
    });
  });
  await page.goto(server.base + '/');
  await waitForFirstFrame(page);
  await waitFor(page, (s) => s.session_id && s.connection === 'online', { what: 'session' });
  const question = 'How do I verify a webhook signature?';
  await page.keyboard.type(question, { delay: 10 });
  await page.keyboard.press('Enter');

  // Between the drop and the browser's reconnection (1.5 s): the part that arrived is on screen, still growing.
  const partial = await waitFor(page, (s) => s.messages.length === 2 && s.messages[1].streaming && s.messages[1].content,
    { what: 'the first piece of the answer' });
  assert.equal(partial.sending, true);
  assert.ok(partial.logs >= 2, `log cards shown as their steps finished (${partial.logs})`);
  // The header's circles: input and routing done, the answer being written, not yet delivered.
  assert.deepEqual(partial.pipeline.slice(0, 2), ['done', 'done'], JSON.stringify(partial.pipeline));
  assert.notEqual(partial.pipeline[3], 'done', JSON.stringify(partial.pipeline));

  const done = await waitFor(page, (s) => !s.sending && s.messages.length === 2 && !s.messages[1].streaming,
    { what: 'the whole answer', timeout: 30_000 });
  assert.equal(resumes.length, 1, 'the browser reconnected once');
  assert.deepEqual(done.pipeline, ['done', 'done', 'done', 'done']);
  assert.ok(done.messages[1].content.startsWith(partial.messages[1].content), 'the answer continued, not restarted');
  assert.ok(requests.includes('POST /api/chat/stream/initiate'), requests.join(', '));
  assert.ok(!requests.includes('POST /api/chat'), 'no plain request was needed');

  // What the page shows is what the server stored: the same answer, the same logs, once.
  const stored = await (await fetch(`${server.base}/api/session/${done.session_id}`)).json();
  assert.equal(stored.messages.length, 2, 'the turn ran once');
  assert.equal(done.messages[1].content, stored.messages[1].content);
  assert.equal(done.logs, stored.logs.length);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

// A server or proxy that refuses event streams: the same question goes as one plain POST /api/chat.
test('when the stream cannot be opened the page asks once without streaming', async () => {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await page.route('**/api/chat/stream/initiate', (route) => route.fulfill({
    status: 404, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no route', timestamp: new Date().toISOString(), requestId: 'r' } }),
  }));
  await page.goto(server.base + '/');
  await waitForFirstFrame(page);
  await waitFor(page, (s) => s.session_id && s.connection === 'online', { what: 'session' });
  await page.keyboard.type('What is your refund policy?', { delay: 10 });
  await page.keyboard.press('Enter');
  const done = await waitFor(page, (s) => !s.sending && s.messages.length === 2, { what: 'the answer', timeout: 30_000 });
  assert.equal(done.messages[1].agent, 'policy');
  assert.equal(done.error, null, JSON.stringify(done.error));
  assert.equal(requests.filter((r) => r === 'POST /api/chat').length, 1, requests.join(', '));
  await context.close();
});
