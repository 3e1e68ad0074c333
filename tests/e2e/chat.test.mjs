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
