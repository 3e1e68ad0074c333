// Shared helpers for the browser end-to-end tests: start the server the way the README does, launch Debian's
// Chromium through playwright-core, read the app's state, and check screenshots.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

export const ROOT = process.env.ORCHESTRATAI_ROOT || path.resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'build', 'e2e');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts `scripts/run.sh --port PORT` (the README's command) and waits until /api/health answers.
export async function startServer(extraArgs = []) {
  const port = await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oai-e2e-'));
  const args = ['--port', String(port), '--db', path.join(tmp, 'sessions.db'), ...extraArgs];
  const child = spawn(path.join(ROOT, 'scripts', 'run.sh'), args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 600_000;  // run.sh may have to build on a fresh checkout
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${log}`);
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    await sleep(200);
  }
  return {
    base,
    port,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && child.exitCode === null; i++) await sleep(100);
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(tmp, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

export async function launchBrowser() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oai-chromium-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// The app's state as JSON, read through the exported C function (see shell/web/main.cpp).
export async function appState(page) {
  const text = await page.evaluate(() =>
    window.Module && window.Module.calledRun ? window.Module.ccall('orchestratai_debug_state', 'string', [], []) : '{}');
  return JSON.parse(text);
}

export async function waitFor(page, predicate, { timeout = 30_000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await appState(page);
    if (predicate(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last)}`);
}

export async function waitForFirstFrame(page) {
  await page.waitForFunction(() => typeof window.orchestrataiFirstFrameAt === 'number', null, { timeout: 60_000 });
}

// --- PNG decoding (8-bit RGB/RGBA, as Chromium writes them) to judge whether a screenshot shows anything -------------

export function decodePng(buf) {
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  if (!buf.subarray(0, 8).equals(sig)) throw new Error('not a PNG');
  let pos = 8;
  let width = 0, height = 0, colorType = 0, bitDepth = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4); bitDepth = data[8]; colorType = data[9];
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + len;
  }
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6)) throw new Error(`unsupported PNG ${bitDepth}/${colorType}`);
  const bpp = colorType === 6 ? 4 : 3;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(width * height * bpp);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = v & 0xff;
    }
  }
  return { width, height, bpp, pixels: out };
}

// How many distinct colours (quantized) a screenshot has, and the share of its most common colour.
export function colourStats(png) {
  const counts = new Map();
  const { pixels, bpp } = png;
  for (let i = 0; i < pixels.length; i += bpp) {
    const key = ((pixels[i] >> 3) << 10) | ((pixels[i + 1] >> 3) << 5) | (pixels[i + 2] >> 3);
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const total = pixels.length / bpp;
  const top = Math.max(...counts.values());
  return { distinct: counts.size, dominantShare: top / total };
}

// Whether any pixel is close to an RGB colour (e.g. an agent's brand colour).
export function hasColour(png, [r, g, b], tolerance = 12) {
  const { pixels, bpp } = png;
  for (let i = 0; i < pixels.length; i += bpp) {
    if (Math.abs(pixels[i] - r) <= tolerance && Math.abs(pixels[i + 1] - g) <= tolerance &&
        Math.abs(pixels[i + 2] - b) <= tolerance) return true;
  }
  return false;
}

// The bounding box {x0, y0, x1, y1} (PNG pixels) of the pixels close to an RGB colour inside `region`, or null.
export function findColour(png, [r, g, b], region = {}, tolerance = 12) {
  const { pixels, bpp, width, height } = png;
  const x0 = Math.max(0, Math.floor(region.x0 ?? 0)), x1 = Math.min(width, Math.ceil(region.x1 ?? width));
  const y0 = Math.max(0, Math.floor(region.y0 ?? 0)), y1 = Math.min(height, Math.ceil(region.y1 ?? height));
  let box = null;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * width + x) * bpp;
      if (Math.abs(pixels[i] - r) <= tolerance && Math.abs(pixels[i + 1] - g) <= tolerance &&
          Math.abs(pixels[i + 2] - b) <= tolerance) {
        if (!box) box = { x0: x, y0: y, x1: x, y1: y };
        box.x0 = Math.min(box.x0, x); box.x1 = Math.max(box.x1, x);
        box.y0 = Math.min(box.y0, y); box.y1 = Math.max(box.y1, y);
      }
    }
  }
  return box;
}

// Share of pixels that differ between two screenshots of the same size inside `region`.
export function pixelChange(a, b, region = {}) {
  const x0 = region.x0 ?? 0, x1 = region.x1 ?? a.width, y0 = region.y0 ?? 0, y1 = region.y1 ?? a.height;
  let changed = 0, total = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * a.width + x) * a.bpp;
      total++;
      if (Math.abs(a.pixels[i] - b.pixels[i]) + Math.abs(a.pixels[i + 1] - b.pixels[i + 1]) +
          Math.abs(a.pixels[i + 2] - b.pixels[i + 2]) > 30) changed++;
    }
  }
  return total ? changed / total : 0;
}

// Collects what a normal session must never print: console errors and uncaught page errors.
export function watchConsole(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

// The chat input's DOM field, in CSS pixels.
export async function fieldBox(page) {
  return page.evaluate(() => {
    const r = document.getElementById('chat-input').getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
  });
}
