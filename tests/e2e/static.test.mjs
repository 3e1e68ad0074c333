// Static hosting: the built dist/ folder served by a plain static file server (no API at all). The page finds no
// server, loads the knowledge base as files and answers with the engine compiled into the page; a reload continues the
// conversation from browser storage.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, appState, freePort, launchBrowser, waitFor, waitForFirstFrame } from './helpers.mjs';

const DIST = path.join(ROOT, 'build', 'web', 'dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.ttf': 'font/ttf', '.otf': 'font/otf', '.json': 'application/json', '.md': 'text/markdown; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
};

let server;
let base;
let chrome;
const apiRequests = [];

before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'kb', 'manifest.json')), 'build/web/dist/kb is built');
  const port = await freePort();
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/api/')) apiRequests.push(url.pathname);
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.join(DIST, rel);
    if (!file.startsWith(DIST) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  base = `http://127.0.0.1:${port}`;
  chrome = await launchBrowser();
});

after(async () => {
  if (chrome) await chrome.close();
  if (server) await new Promise((r) => server.close(r));
});

test('with no server the page answers with its own engine and keeps the conversation', async () => {
  const context = await chrome.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + '/');
  await waitForFirstFrame(page);
  const ready = await waitFor(page, (s) => s.session_id && s.connection === 'online' && s.backend === 'browser',
    { what: 'the in-page engine', timeout: 60_000 });
  assert.match(ready.session_id, /^[0-9a-f-]{36}$/);
  assert.equal(ready.backend_kind, 'in-page engine', 'the header says the in-page engine answers');

  const question = 'What is your refund policy for annual plans?';
  await page.keyboard.type(question, { delay: 10 });
  await waitFor(page, (s) => s.draft === question, { what: 'the typed text' });
  // Every frame from here on, what the page shows of the turn: the in-page engine's events reach the app one per
  // frame, so the pipeline fills step by step and the answer grows over several frames, as a streamed answer does.
  await page.evaluate(() => {
    window.__frames = [];
    const record = () => {
      const s = JSON.parse(window.Module.ccall('orchestratai_debug_state', 'string', [], []));
      const answer = s.messages[1];
      window.__frames.push({ pipeline: (s.pipeline || []).join(','), streaming: !!(answer && answer.streaming),
        length: answer ? answer.content.length : 0, sending: s.sending });
      if (s.sending || s.messages.length < 2) requestAnimationFrame(record);
    };
    requestAnimationFrame(record);
  });
  await page.keyboard.press('Enter');
  const answered = await waitFor(page, (s) => !s.sending && s.messages.length === 2,
    { what: 'the in-page answer', timeout: 30_000 });
  const frames = await page.evaluate(() => window.__frames);
  const growing = frames.filter((f) => f.streaming && f.length > 0).map((f) => f.length);
  assert.ok(new Set(growing).size >= 2, `the answer grows over several frames: ${JSON.stringify(frames)}`);
  assert.ok(growing.every((n, i) => i === 0 || n >= growing[i - 1]), 'and only grows');
  const pipelines = [...new Set(frames.filter((f) => f.sending).map((f) => f.pipeline))];
  assert.ok(pipelines.length >= 3, `the pipeline lights step by step: ${JSON.stringify(pipelines)}`);
  assert.equal(answered.messages[1].role, 'assistant');
  assert.equal(answered.messages[1].agent, 'policy');
  assert.match(answered.messages[1].content, /\[1\]/);
  assert.ok(answered.logs >= 3);
  // A vote is kept by the page's own store.
  const button = await waitFor(page, (s) => s.targets && s.targets[`not-helpful:${answered.messages[1].id}`],
    { what: 'the Not helpful button' });
  const [x, y, w, h] = button.targets[`not-helpful:${answered.messages[1].id}`];
  await page.mouse.click(x + w / 2, y + h / 2);
  await waitFor(page, (s) => s.messages[1].feedback?.rating === 'down' && s.messages[1].feedback.updated_at,
    { what: 'the vote saved in the browser' });

  await page.reload();
  await waitForFirstFrame(page);
  const restored = await waitFor(page, (s) => s.messages && s.messages.length === 2, { what: 'restored history' });
  assert.equal(restored.session_id, answered.session_id);
  assert.equal(restored.messages[0].content, question);
  assert.equal(restored.messages[1].feedback?.rating, 'down', 'the vote came back with the conversation');
  assert.deepEqual(errors, []);
  // The only API traffic was the health checks that found no server.
  assert.ok(apiRequests.every((p) => p === '/api/health'), `API requests: ${apiRequests.join(', ')}`);
  await context.close();
});
