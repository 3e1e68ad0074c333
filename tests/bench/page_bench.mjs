// Page benchmark for scripts/bench.sh: the page's sizes (raw and gzip), then in headless Chromium (Debian's, software
// WebGL) the time from navigation to the first drawn frame and to interactive, next to a bare Dear ImGui page built
// with the same flags (measured alternately in the same run); the application's CPU time per frame (measured in the
// app around update + draw) with 2,000 messages and 10,000 retrieval-log entries loaded while real mouse-wheel and
// mouse-move events scroll the panels; and the frames drawn during 3 s of idle. Writes $BENCH_OUT/page.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';

const ROOT = process.env.ORCHESTRATAI_ROOT || path.resolve(import.meta.dirname, '..', '..');
const OUT = path.resolve(ROOT, process.env.BENCH_OUT || 'build/bench');
const SMOKE = process.env.BENCH_SMOKE === '1';
const { chromium } = await import(new URL('../e2e/node_modules/playwright-core/index.mjs', import.meta.url));
const { freePort } = await import(new URL('../e2e/helpers.mjs', import.meta.url));

const DIST = path.join(ROOT, 'build', 'web', 'dist');
const BARE = path.join(ROOT, 'build', 'web', 'bench', 'bare');
const SERVER = path.join(ROOT, 'build', 'native', 'server', 'orchestratai-server');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- sizes
function sizeOf(files) {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const data = fs.readFileSync(f);
    raw += data.length;
    gzip += zlib.gzipSync(data, { level: 9 }).length;
  }
  return { raw, gzip, files: files.length };
}
function filesUnder(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.gz'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}
const sizes = {
  wasm: sizeOf([path.join(DIST, 'app.wasm')]),
  js: sizeOf([path.join(DIST, 'app.js')]),
  html: sizeOf(['index.html', 'page.js', 'style.css'].map((f) => path.join(DIST, f))),
  font: sizeOf([path.join(DIST, 'fonts', 'ui.otf'), path.join(DIST, 'fonts', 'ui-semibold.otf')]),
  kb: sizeOf(filesUnder(path.join(DIST, 'kb'))),
  bare_wasm_js: sizeOf([path.join(BARE, 'bare.wasm'), path.join(BARE, 'bare.js')]),
};
sizes.engine = sizeOf([path.join(DIST, 'engine.wasm'), path.join(DIST, 'engine.js')]);  // static hosting only
sizes.fallback_pages = sizeOf(filesUnder(path.join(DIST, 'fonts', 'fallback')));  // fetched only for the characters seen
for (const [k, v] of Object.entries(sizes)) console.log(`  ${k.padEnd(13)} ${String(v.raw).padStart(9)} B raw ${String(v.gzip).padStart(9)} B gzip`);
// What the browser downloads before the first frame (the page, its scripts, the wasm and the UI font), and the
// wasm + js budget of 300 KB gzip.
const beforeFirstFrame = sizes.html.gzip + sizes.js.gzip + sizes.wasm.gzip + sizes.font.gzip;
const budget = sizes.wasm.gzip + sizes.js.gzip;
console.log(`  before the first frame: ${beforeFirstFrame} B gzip (html, scripts, wasm, UI font)`);
console.log(`  wasm + js: ${budget} B gzip of a 300 KB (307,200 B) budget: ${budget <= 307200 ? 'within' : 'OVER'}`);

// ---- servers: the app's page and the bare page, each from its own orchestratai-server (same static file serving)
async function startServer(webRoot) {
  const port = await freePort();
  const child = spawn(SERVER, ['--port', String(port), '--db', ':memory:', '--web-root', webRoot],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RATE_LIMIT: '0' } });
  let log = '';
  child.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${log}`);
    try { if ((await fetch(`${base}/api/health`)).ok) break; } catch { /* not yet */ }
    await sleep(50);
  }
  return { base, stop: () => child.kill('SIGTERM') };
}

const app = await startServer(DIST);
const bare = await startServer(BARE);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
});
const viewport = { width: 1440, height: 900 };

async function loadTimes(url, firstFrameVar, interactiveVar) {
  const context = await browser.newContext({ viewport });  // a fresh profile: nothing cached
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction((v) => typeof window[v] === 'number', firstFrameVar, { timeout: 60_000 });
  if (interactiveVar) await page.waitForFunction((v) => typeof window[v] === 'number', interactiveVar, { timeout: 60_000 });
  const t = await page.evaluate(([a, b]) => ({
    first: window[a],
    interactive: b ? window[b] : null,
    // Where the time went (User Timing marks: shell/web/main.cpp, tests/bench/web/main.cpp).
    marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
    // when the wasm (app.wasm or bare.wasm) had downloaded
    wasm: Math.max(0, ...performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm'))
      .map((e) => e.responseEnd)),
  }), [firstFrameVar, interactiveVar]);
  return { page, context, ...t };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const runs = SMOKE ? 1 : 11;  // loads alternate app / bare; medians, since single loads vary by ±20% here
const appFirst = [];
const appInteractive = [];
const bareFirst = [];
const phases = [];
const barePhases = [];
// Where a load's time went, from the User Timing marks both pages set (shell/web/main.cpp, tests/bench/web/main.cpp).
function phasesOf(t) {
  const m = t.marks;
  if (m['oai-main'] === undefined || m['oai-frame-end'] === undefined) return null;
  return {
    wasm_downloaded: t.wasm,
    until_main: m['oai-main'],
    context: m['oai-window'] - m['oai-main'],
    renderer_setup: m['oai-device'] - m['oai-window'],
    // the bare page builds its atlas (Dear ImGui's default font) inside its first frame
    font_atlas: m['oai-atlas-start'] !== undefined ? m['oai-atlas-end'] - m['oai-atlas-start'] : 0,
    first_update_and_draw: m['oai-drawn'] - m['oai-frame-start'],
    first_gl_render: m['oai-frame-end'] - m['oai-drawn'],
  };
}
for (let i = 0; i < runs; i++) {
  const b = await loadTimes(`${bare.base}/`, 'benchFirstFrameAt', null);
  bareFirst.push(b.first);
  const bp = phasesOf(b);
  if (bp) barePhases.push(bp);
  await b.context.close();
  const a = await loadTimes(`${app.base}/`, 'orchestrataiFirstFrameAt', 'orchestrataiInteractiveAt');
  appFirst.push(a.first);
  appInteractive.push(a.interactive);
  const ap = phasesOf(a);
  if (ap) phases.push(ap);
  await a.context.close();
}
const load = {
  runs,
  bare_first_frame_ms: median(bareFirst),
  app_first_frame_ms: median(appFirst),
  app_interactive_ms: median(appInteractive),
  samples: { bare: bareFirst, app: appFirst, interactive: appInteractive },
};
load.ratio = load.app_first_frame_ms / load.bare_first_frame_ms;
console.log(`  first frame: app ${load.app_first_frame_ms.toFixed(0)} ms, bare Dear ImGui ${load.bare_first_frame_ms.toFixed(0)} ms` +
  ` (x${load.ratio.toFixed(2)}); interactive ${load.app_interactive_ms.toFixed(0)} ms (medians of ${runs})`);
const medianPhases = (list) => Object.fromEntries(Object.keys(list[0]).map((k) => [k, median(list.map((p) => p[k]))]));
if (phases.length) {
  load.phases_ms = medianPhases(phases);
  if (barePhases.length) load.bare_phases_ms = medianPhases(barePhases);
  console.log('  the way to the first frame (medians, ms, app / bare): ' +
    Object.entries(load.phases_ms).map(([k, v]) => `${k.replaceAll('_', ' ')} ${v.toFixed(0)}` +
      (load.bare_phases_ms ? ` / ${load.bare_phases_ms[k].toFixed(0)}` : '')).join(', '));
}

// ---- a long conversation: real answers from the server, repeated to 2,000 messages and 10,000 log entries
const MESSAGES = SMOKE ? 40 : 2000;
const LOGS = SMOKE ? 200 : 10000;
const questions = ['How much does the Pro plan cost per month?', 'Can I get a refund on my annual plan?',
  'How do I verify webhook signatures?', 'Hello!', 'Which Go version does the Go SDK require?',
  'Is my data encrypted at rest?', 'When is an invoice issued?', 'How many requests per minute does the Pro plan allow?'];
const seed = randomUUID();
for (const q of questions) {
  const r = await fetch(`${app.base}/api/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: q, session_id: seed }) });
  if (!r.ok) throw new Error(`POST /api/chat: ${r.status}`);
}
const template = await (await fetch(`${app.base}/api/session/${seed}`)).json();
const turns = MESSAGES / 2;
const logsPerTurn = LOGS / turns;
const history = { session: { ...template.session, message_count: MESSAGES }, messages: [], logs: [] };
for (let t = 0; t < turns; t++) {
  const k = t % questions.length;
  const user = { ...template.messages[2 * k], id: randomUUID() };
  const answer = { ...template.messages[2 * k + 1], id: randomUUID(), log_ids: [] };
  const own = template.logs.filter((l) => template.messages[2 * k + 1].log_ids.includes(l.id));
  for (let j = 0; j < logsPerTurn; j++) {
    const log = { ...own[j % own.length], id: randomUUID() };
    answer.log_ids.push(log.id);
    history.logs.push(log);
  }
  history.messages.push(user, answer);
}

const { page, context } = await loadTimes(`${app.base}/`, 'orchestrataiFirstFrameAt', 'orchestrataiInteractiveAt');
const loaded = await page.evaluate((json) => {
  // Megabytes: into malloc'd memory, not ccall's 1 MB stack.
  const bytes = new TextEncoder().encode(json);
  const ptr = Module._malloc(bytes.length + 1);
  Module.HEAPU8.set(bytes, ptr);
  Module.HEAPU8[ptr + bytes.length] = 0;
  const ok = Module._orchestratai_debug_load_history(ptr);
  Module._free(ptr);
  return ok;
}, JSON.stringify(history));
if (loaded !== 1) throw new Error('the page refused the benchmark history');
await page.waitForFunction((n) => JSON.parse(Module.ccall('orchestratai_debug_state', 'string', [], [])).messages.length >= n,
  MESSAGES, { timeout: 60_000 });
const stats = () => page.evaluate(() => JSON.parse(Module.ccall('orchestratai_frame_stats', 'string', [], [])));
const reset = () => page.evaluate(() => Module.ccall('orchestratai_frame_stats_reset', null, [], []));

// Real input for ~3 s: wheel over the chat, then over the retrieval log, moving the mouse between the panels.
await sleep(300);
await reset();
// BENCH_PAGE_PROFILE=1: Chromium's sampling profiler over the scrolling, written to page.cpuprofile (open it in the
// DevTools Performance panel) with the functions that took most time printed; names need a wasm linked with
// --profiling-funcs.
const cdp = process.env.BENCH_PAGE_PROFILE ? await context.newCDPSession(page) : null;
if (cdp) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
}
// Three rounds of 3 s, the round with the median p95 reported: a single round's p95 (its 3 slowest of ~60 frames)
// moved between 2.4 and 5.4 ms from round to round on this shared 2-core machine, with the median frame at 1.2 ms.
const rounds = [];
for (let round = 0; round < (SMOKE ? 1 : 3); round++) {
  if (round > 0) await reset();
  const start = Date.now();
  for (let i = 0; Date.now() - start < (SMOKE ? 500 : 3000); i++) {
    const overChat = Math.floor(i / 20) % 2 === 0;
    await page.mouse.move(overChat ? 720 : 1290, 300 + (i % 7) * 40);
    await page.mouse.wheel(0, (Math.floor(i / 10) % 2 === 0 ? -1 : 1) * 240);
    await sleep(16);
  }
  rounds.push(await stats());
}
const busy = [...rounds].sort((a, b) => (a.app_ms.p95 ?? 0) - (b.app_ms.p95 ?? 0))[Math.floor((rounds.length - 1) / 2)];
busy.rounds_p95_ms = rounds.map((r) => r.app_ms.p95);
if (cdp) {
  const { profile } = await cdp.send('Profiler.stop');
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'page.cpuprofile'), JSON.stringify(profile));
  const self = new Map();
  const dt = new Map(profile.nodes.map((n) => [n.id, 0]));
  profile.samples.forEach((id, i) => dt.set(id, dt.get(id) + (profile.timeDeltas[i] || 0)));
  let total = 0;
  for (const n of profile.nodes) {
    const name = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop() || 'program'})`;
    self.set(name, (self.get(name) || 0) + dt.get(n.id));
    total += dt.get(n.id);
  }
  console.log(`  profile (${(total / 1000).toFixed(0)} ms sampled), most self time:`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`    ${(100 * us / total).toFixed(1).padStart(5)}%  ${name.slice(0, 110)}`);
  }
}
console.log(`  ${MESSAGES} messages / ${LOGS} logs, scrolling: ${busy.drawn} frames, app CPU mean ` +
  `${busy.app_ms.mean?.toFixed(2)} ms, p95 ${busy.app_ms.p95?.toFixed(2)} ms, max ${busy.app_ms.max?.toFixed(2)} ms; ` +
  `renderer mean ${busy.render_ms.mean?.toFixed(2)} ms` +
  (rounds.length > 1 ? ` (the median of ${rounds.length} rounds by p95: ${busy.rounds_p95_ms.map((x) => x?.toFixed(2)).join(', ')} ms)` : ''));

// Idle: no input, nothing arriving. Let the last activity settle, then count frames drawn for 3 s.
await page.mouse.move(5, 895);
await sleep(1000);
await reset();
await sleep(SMOKE ? 1000 : 3000);
const idle = await stats();
console.log(`  idle ${SMOKE ? 1 : 3} s: ${idle.drawn} frames drawn, ${idle.skipped} loop iterations skipped`);
await context.close();
await browser.close();
app.stop();
bare.stop();

fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, 'page.json'), JSON.stringify({
  sizes, load, frames: { messages: MESSAGES, logs: LOGS, busy, idle, idle_seconds: SMOKE ? 1 : 3 },
  chromium: browser.version ? browser.version() : null, host: os.cpus().length + ' cores',
}, null, 2));
