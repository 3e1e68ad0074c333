// The canvas behaves like a web page: the chat input is a real DOM text field (keys, input methods, paste, the
// phone's keyboard), every character survives to the server and onto the screen, answers can be copied, a finger
// scrolls and long-presses, screen readers get a mirror of the transcript, times are the user's own, and a normal
// session prints no console error. Real Chromium, real events (keyboard, CDP composition and touch, clipboard).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  ARTIFACTS, appState, decodePng, fieldBox, findColour, launchBrowser, pixelChange, startServer, waitFor,
  waitForFirstFrame, watchConsole,
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
  if (server) await server.stop();
});

const BILLING_GREEN = [0x10, 0xB9, 0x81];

async function open(options = {}) {
  const context = await chrome.browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  const page = await context.newPage();
  const errors = watchConsole(page);
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(server.base + '/');
  await waitForFirstFrame(page);
  await waitFor(page, (s) => s.session_id && s.connection === 'online', { what: 'session and health' });
  return { context, page, errors, requested };
}

async function stored(sessionId) {
  const r = await fetch(`${server.base}/api/session/${sessionId}`);
  assert.equal(r.status, 200);
  return r.json();
}

async function missingGlyphs(page, text) {
  return JSON.parse(await page.evaluate(
    (t) => window.Module.ccall('orchestratai_debug_missing_glyphs', 'string', ['string'], [t]), text));
}

// The last answer bubble: its accent bar is the agent's colour, at the left edge of the chat column.
async function answerBubble(page, colour = BILLING_GREEN) {
  const field = await fieldBox(page);
  const shot = decodePng(await page.screenshot());
  const scale = shot.width / page.viewportSize().width;
  const box = findColour(shot, colour, {
    x0: (field.left - 4) * scale, x1: (field.left + 12) * scale, y0: 40 * scale, y1: (field.top - 8) * scale,
  });
  assert.ok(box, 'an answer bubble with the agent colour is drawn');
  return { x: field.left + 40, y: (box.y0 + box.y1) / 2 / scale, top: box.y0 / scale, bottom: box.y1 / scale };
}

test('the input is a labelled DOM text field with the focus; every script, composition and emoji arrives intact',
  async () => {
    const { context, page, errors } = await open();
    const focused = await page.evaluate(() => ({
      id: document.activeElement.id, label: document.activeElement.getAttribute('aria-label'),
    }));
    assert.deepEqual(focused, { id: 'chat-input', label: 'Message to the assistant' });

    // Real key events (accented and Cyrillic letters), a composition from an input method (CDP's IME events: the
    // underlined text is in the draft while composing, the committed text replaces it), then pasted-like insertion
    // of Chinese, Korean, emoji, right-to-left and combining marks.
    await page.keyboard.type('Ça coûte combien? Привет ', { delay: 10 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
    const composing = await waitFor(page, (s) => s.draft.endsWith('にほん'), { what: 'composition in the draft' });
    assert.ok(composing.draft.startsWith('Ça coûte combien? Привет '));
    await cdp.send('Input.insertText', { text: '日本' });
    const rest = ' 你好 안녕하세요 😀👍🏽 שלום مرحبا e\u0301';
    await page.keyboard.insertText(rest);
    const expected = 'Ça coûte combien? Привет 日本' + rest;
    await waitFor(page, (s) => s.draft === expected, { what: 'every character in the draft' });

    // The glyphs are drawn from the fallback pages, not as '?': the atlas has every character (after the pages load).
    const deadline = Date.now() + 15_000;
    let missing = await missingGlyphs(page, expected);
    while (missing.length && Date.now() < deadline) {
      await page.waitForTimeout(200);
      missing = await missingGlyphs(page, expected);
    }
    assert.deepEqual(missing, [], 'characters drawn as "?"');
    await page.screenshot({ path: path.join(ARTIFACTS, 'scripts.png') });

    await page.keyboard.press('Enter');
    const sent = await waitFor(page, (s) => !s.sending && s.messages.length === 2, { what: 'the answer' });
    assert.equal(sent.messages[0].content, expected);
    assert.equal(sent.draft, '');
    assert.equal(await page.evaluate(() => document.getElementById('chat-input').value), '', 'the field is emptied');
    const history = await stored(sent.session_id);
    assert.equal(history.messages[0].content, expected, 'stored byte for byte');
    assert.deepEqual(errors, []);
    await context.close();
  });

test('paste, Ctrl+K, typing during a reply, Enter and Shift+Enter, Esc, and Ctrl+A never selecting the page', async () => {
  const { context, page, errors } = await open();
  // 2,000 characters through the browser's clipboard, pasted with Ctrl+V while the canvas had the focus.
  const long = ('Refund question ' + 'x'.repeat(84) + '. ').repeat(20).slice(0, 2000);
  await page.evaluate((t) => navigator.clipboard.writeText(t), long);
  await page.mouse.click(700, 300);  // the chat area: the canvas takes the focus
  assert.notEqual(await page.evaluate(() => document.activeElement.id), 'chat-input');
  await page.keyboard.press('Control+a');
  assert.equal(await page.evaluate(() => String(window.getSelection())), '', 'Ctrl+A selected the page text');
  await page.keyboard.press('Control+v');
  await waitFor(page, (s) => s.draft === long, { what: 'the pasted text' });
  await page.keyboard.press('Escape');
  await waitFor(page, (s) => s.draft === '', { what: 'Esc clears the input' });
  await page.mouse.click(700, 300);
  await page.keyboard.press('Control+k');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'chat-input', 'Ctrl+K focuses the input');

  await page.keyboard.type('first line', { delay: 10 });
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line', { delay: 10 });
  await waitFor(page, (s) => s.draft === 'first line\nsecond line', { what: 'a two-line draft' });
  await page.keyboard.press('Enter');
  // Typed while the reply is pending: every key stays in the field; only sending waits.
  await page.keyboard.type('second question', { delay: 5 });
  const answered = await waitFor(page, (s) => !s.sending && s.messages.length === 2, { what: 'the answer' });
  assert.equal(answered.messages[0].content, 'first line\nsecond line');
  assert.equal(answered.draft, 'second question');
  await page.keyboard.press('Enter');
  const second = await waitFor(page, (s) => !s.sending && s.messages.length === 4, { what: 'the second answer' });
  assert.equal(second.messages[2].content, 'second question');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an answer is copied through the browser clipboard: its menu (with sources) and a dragged selection', async () => {
  const { context, page, errors } = await open();
  await page.keyboard.type('How much does the Pro plan cost per user?', { delay: 5 });
  await page.keyboard.press('Enter');
  const s = await waitFor(page, (st) => !st.sending && st.messages.length === 2, { what: 'the answer' });
  assert.equal(s.messages[1].agent, 'billing');
  await page.waitForTimeout(300);
  const bubble = await answerBubble(page);
  await page.mouse.click(bubble.x, bubble.y, { button: 'right' });
  await page.waitForTimeout(200);
  await page.mouse.click(bubble.x + 30, bubble.y + 12);  // the menu's first item, "Copy answer"
  let copied = '';
  for (let i = 0; i < 20 && !copied.includes('Sources:'); i++) {
    await page.waitForTimeout(100);
    copied = await page.evaluate(() => navigator.clipboard.readText());
  }
  assert.ok(copied.startsWith(s.messages[1].content), `clipboard: ${copied.slice(0, 120)}`);
  assert.match(copied, /\n\nSources:\n\[1\] /);

  // Dragging across the answer's text selects it; Ctrl+C copies just the selection.
  await page.keyboard.press('Escape');
  const field = await fieldBox(page);
  await page.mouse.move(field.left + 14, bubble.top + 36);
  await page.mouse.down();
  await page.mouse.move(field.left + 150, bubble.top + 40, { steps: 5 });
  await page.mouse.move(field.left + 300, bubble.top + 56, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.press('Control+c');
  let selected = copied;
  for (let i = 0; i < 20 && selected === copied; i++) {
    await page.waitForTimeout(100);
    selected = await page.evaluate(() => navigator.clipboard.readText());
  }
  assert.ok(selected.length >= 10 && s.messages[1].content.includes(selected), `selection copied: ${selected}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a phone: tap to type, tap Send, drag to scroll with momentum, long press to copy', async () => {
  const { context, page, errors } = await open({
    viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true,
  });
  await page.tap('#chat-input');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'chat-input', 'a tap focuses the field');
  const questions = ['How do I rotate my API key?', 'What is your refund policy?', 'How much does the Pro plan cost?',
    'How do I verify a webhook signature?'];
  for (let i = 0; i < questions.length; i++) {
    await page.keyboard.type(questions[i], { delay: 5 });
    await page.keyboard.press('Enter');  // on a touch device Return is a new line ...
    await waitFor(page, (st) => st.draft === questions[i] + '\n', { what: 'Return adds a line' });
    await page.keyboard.press('Backspace');
    const field = await fieldBox(page);
    await page.touchscreen.tap(field.right + 20, (field.top + field.bottom) / 2);  // ... and Send sends
    await waitFor(page, (st) => !st.sending && st.messages.length === 2 * (i + 1), { what: `answer ${i + 1}` });
  }
  await page.waitForTimeout(300);
  const field = await fieldBox(page);
  const region = { x0: 0, x1: 375, y0: 100, y1: Math.floor(field.top) - 10 };
  const before = decodePng(await page.screenshot());
  const bottom = (await appState(page)).chat_scroll;
  assert.ok(bottom > 200, `a long conversation at its newest (scrolled ${bottom} px)`);
  // A drag down the chat, released while moving: the list scrolls up and keeps gliding.
  const cdp = await context.newCDPSession(page);
  const x = 180;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y: 300 }] });
  for (let y = 320; y <= 400; y += 20) {  // a flick: 20 px a frame
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
    await page.waitForTimeout(16);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  const released = (await appState(page)).chat_scroll;
  await page.waitForTimeout(1500);
  const settled = (await appState(page)).chat_scroll;
  assert.ok(released < bottom - 30, `the drag scrolled the chat (${bottom} -> ${released})`);
  assert.ok(settled < released - 10, `the chat kept gliding after the finger lifted (${released} -> ${settled})`);
  const after = decodePng(await page.screenshot());
  assert.ok(pixelChange(before, after, region) > 0.05, 'what is on screen moved');
  await page.screenshot({ path: path.join(ARTIFACTS, 'phone.png') });

  // A long press on an answer offers Copy; a tap on it copies. (The browser's clipboard outlives a test: empty it.)
  await page.evaluate(() => navigator.clipboard.writeText(''));
  const shot = decodePng(await page.screenshot());
  let bar = null;  // an answer's accent bar (its agent's colour) at the chat's left edge
  for (const colour of [BILLING_GREEN, [0x3B, 0x82, 0xF6], [0xA8, 0x55, 0xF7]]) {
    bar = bar || findColour(shot, colour, { x0: 6, x1: 16, y0: 90, y1: field.top - 10 });
  }
  assert.ok(bar, 'an answer is on screen');
  const press = { x: 80, y: Math.round((bar.y0 + bar.y1) / 2) };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [press] });
  await page.waitForTimeout(700);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(ARTIFACTS, 'phone-menu.png') });
  await page.touchscreen.tap(press.x + 30, press.y + 12);
  let copied = '';
  for (let i = 0; i < 20 && !copied; i++) {
    await page.waitForTimeout(100);
    copied = await page.evaluate(() => navigator.clipboard.readText());
  }
  const st = await appState(page);
  assert.ok(st.messages.some((m) => m.role === 'assistant' && copied.startsWith(m.content) && copied.includes('Sources:')),
    `long press copied an answer: ${copied.slice(0, 80)}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('screen readers get the transcript, each answer announced, and the user\'s own clock', async () => {
  const { context, page, errors } = await open({ timezoneId: 'America/Los_Angeles', locale: 'en-US' });
  await page.keyboard.type('What is your refund policy?', { delay: 5 });
  const sentAt = new Date();
  await page.keyboard.press('Enter');
  const s = await waitFor(page, (st) => !st.sending && st.messages.length === 2, { what: 'the answer' });
  await page.waitForFunction(() => document.getElementById('a11y-live').textContent.includes('answered'));
  const tree = await page.locator('body').ariaSnapshot();
  assert.match(tree, /textbox "Message to the assistant"/);
  assert.ok(tree.includes('What is your refund policy?'), tree);
  assert.ok(tree.includes('Policy Agent'), 'the answering agent is named');
  assert.ok(tree.includes('Sources:'), 'the answer\'s sources are listed');
  assert.ok(!tree.includes('Starting'), 'the loading screen left the accessibility tree');
  const live = await page.evaluate(() => document.getElementById('a11y-live').textContent);
  assert.ok(live.includes(s.messages[1].content.slice(0, 40)), live);

  // Times on the user's clock, in their locale: the question's time as Los Angeles reads it (sent here, stored in UTC
  // by the server a moment later: either minute when the send crosses one).
  const history = await stored(s.session_id);
  const losAngeles = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hour: '2-digit', minute: '2-digit' });
  const expected = [sentAt, new Date(history.messages[0].timestamp)].map((d) => `You, ${losAngeles.format(d)}`);
  const shown = await page.evaluate(() => document.querySelector('#a11y-transcript li .who').textContent);
  assert.ok(expected.includes(shown), `${shown} is not one of ${expected.join(', ')}`);
  assert.deepEqual(errors, []);
  await context.close();
});

// What a sighted user presses on the canvas, a screen reader presses in the mirror: real keyboard focus and Enter on
// the mirror's buttons (it shows itself as a panel while a button in it has the focus).
test('screen readers vote, comment, ask next and read the insights through the mirror\'s buttons', async () => {
  const { context, page, errors } = await open();
  await page.keyboard.type('What is your refund policy?', { delay: 5 });
  await page.keyboard.press('Enter');
  await waitFor(page, (s) => !s.sending && s.messages.length === 2 && s.messages[1].server_id, { what: 'the answer' });
  const mirror = page.locator('#a11y');
  const pressButton = async (name, scope = mirror) => {
    const b = scope.getByRole('button', { name, exact: true });
    await b.focus();
    await page.keyboard.press('Enter');
  };
  await pressButton('Not helpful');
  await waitFor(page, (s) => s.messages[1].feedback?.rating === 'down' && !s.messages[1].feedback_saving,
    { what: 'the thumbs down from the mirror' });
  await page.waitForFunction(() => document.querySelector('#a11y-transcript button[aria-pressed="true"]')?.textContent === 'Not helpful');
  // The focus stays on the pressed button when the answer is redrawn, and Tab moves on to the reasons.
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Not helpful');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Wrong');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Not helpful');
  await pressButton('Wrong');
  await waitFor(page, (s) => s.messages[1].feedback?.reason === 'wrong' && !s.messages[1].feedback_saving,
    { what: 'the reason from the mirror' });
  await pressButton('Add a comment');
  await page.waitForFunction(() => document.activeElement?.id === 'chat-input');
  assert.match(await page.locator('#a11y-status').textContent(), /holds your comment/);
  await page.keyboard.type('The answer cites the wrong plan.', { delay: 5 });
  await page.keyboard.press('Enter');
  const saved = await waitFor(page, (s) => s.messages[1].feedback?.comment === 'The answer cites the wrong plan.' &&
    !s.messages[1].feedback_saving, { what: 'the comment from the field' });
  assert.equal(saved.messages.length, 2);
  await page.waitForFunction(() => document.getElementById('a11y-transcript').textContent.includes('Your comment: The answer cites the wrong plan.'));
  const tree = await mirror.ariaSnapshot();
  assert.match(tree, /group "Was this answer helpful\?"/);
  assert.match(tree, /group "Ask next"/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'mirror-focused.png') });

  // A next question from the mirror is asked and answered.
  const next = mirror.getByRole('group', { name: 'Ask next' }).getByRole('button').first();
  const question = await next.textContent();
  await next.focus();
  await page.keyboard.press('Enter');
  const asked = await waitFor(page, (s) => !s.sending && s.messages.length === 4, { what: 'the next question answered' });
  assert.equal(asked.messages[2].content, question);

  // The insights, read as text; a gap's document opens from its button (the thumbs down above is a gap).
  await pressButton('Show insights');
  await waitFor(page, (s) => s.tab === 'insights' && s.insights.questions !== undefined, { what: 'the insights' });
  await page.waitForFunction(() => document.getElementById('a11y-insights').textContent.includes('Resolution rate'));
  const insights = await page.locator('#a11y-insights').textContent();
  assert.match(insights, /\d+ questions, \d+ answered, \d+ declined/);
  assert.match(insights, /Policy Agent: \d+% of the questions, latency p50 [\d.]+ m?s, p95/);
  assert.match(insights, /Content gaps: [1-9]/);
  assert.ok(insights.includes('What is your refund policy?'), 'the thumbs-down question is listed as a gap');
  const opener = page.locator('#a11y-insights').getByRole('button', { name: /^Open / }).first();
  const doc = (await opener.textContent()).slice('Open '.length);
  await opener.focus();
  await page.keyboard.press('Enter');
  const viewer = await waitFor(page, (s) => s.document && s.document.loaded, { what: 'the gap\'s document' });
  assert.equal(viewer.document.id, doc);
  await page.keyboard.press('Escape');
  await pressButton('Back to the chat');
  await waitFor(page, (s) => s.tab === 'chat', { what: 'the chat again' });
  await page.waitForFunction(() => document.querySelector('#a11y-insights button')?.textContent === 'Show insights');
  assert.ok(!(await page.locator('#a11y-insights').textContent()).includes('Resolution rate'), 'the mirror left the insights');
  assert.deepEqual(errors, []);
  await context.close();
});

test('desktop at 2x: the field sits over the drawn input and the page draws crisply', async () => {
  const { context, page, errors } = await open({ deviceScaleFactor: 2 });
  const field = await fieldBox(page);
  assert.ok(field.width > 300 && field.height > 40, JSON.stringify(field));
  assert.ok(field.bottom < 900 && field.top > 600, 'the input is at the bottom of the chat');
  await page.mouse.move(700, 400);
  await page.mouse.wheel(0, 300);  // the wheel over the canvas: no console error per event
  await page.mouse.wheel(0, -300);
  await page.keyboard.type('Crisp at 2x', { delay: 5 });
  await waitFor(page, (s) => s.draft === 'Crisp at 2x', { what: 'typed text' });
  await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-2x.png') });
  assert.deepEqual(errors, []);
  await context.close();
  const desktop = await open();
  await desktop.page.keyboard.type('How much does the Pro plan cost?', { delay: 5 });
  await desktop.page.keyboard.press('Enter');
  await waitFor(desktop.page, (s) => !s.sending && s.messages.length === 2, { what: 'the answer' });
  await desktop.page.screenshot({ path: path.join(ARTIFACTS, 'desktop.png') });
  // With a server answering, the in-page engine module is never downloaded.
  assert.ok(!desktop.requested.some((p) => p.startsWith('/engine.')), desktop.requested.join(', '));
  assert.deepEqual(desktop.errors, []);
  await desktop.context.close();
});

test('shortcuts: Ctrl+/ lists them, Esc closes, Ctrl+L clears after a confirmation, Alt+1/2/3 show the panels', async () => {
  const { context, page, errors } = await open();
  await page.keyboard.type('How much does the Pro plan cost?', { delay: 5 });
  await page.keyboard.press('Enter');
  const answered = await waitFor(page, (s) => !s.sending && s.messages.length === 2, { what: 'the answer' });

  await page.keyboard.press('Control+/');  // from the text field
  await waitFor(page, (s) => s.overlay === 'shortcuts', { what: 'the shortcut list' });
  await page.screenshot({ path: path.join(ARTIFACTS, 'shortcuts.png') });
  await page.keyboard.press('Escape');
  await waitFor(page, (s) => s.overlay === 'none', { what: 'Esc closes the list' });

  await page.keyboard.press('Control+l');
  await waitFor(page, (s) => s.overlay === 'confirm_clear', { what: 'the confirmation' });
  assert.equal((await appState(page)).messages.length, 2, 'nothing is cleared before the confirmation');
  await page.waitForFunction(() => document.activeElement.id !== 'chat-input');  // the dialog has the keyboard
  await page.keyboard.press('Enter');
  const cleared = await waitFor(page, (s) => s.messages.length === 0 && s.overlay === 'none', { what: 'a clear chat' });
  assert.notEqual(cleared.session_id, answered.session_id);
  for (let i = 0; i < 30; i++) {
    if ((await fetch(`${server.base}/api/session/${answered.session_id}`)).status === 404) break;
    await page.waitForTimeout(100);
  }
  assert.equal((await fetch(`${server.base}/api/session/${answered.session_id}`)).status, 404, 'deleted on the server');

  await page.keyboard.press('Alt+3');
  await waitFor(page, (s) => s.tab === 'logs' && !s.logs_collapsed, { what: 'the log shown' });
  await page.keyboard.press('Alt+1');
  await waitFor(page, (s) => s.tab === 'agents' && !s.agents_collapsed, { what: 'the agents shown' });
  await page.keyboard.press('Alt+2');
  await waitFor(page, (s) => s.tab === 'chat', { what: 'the chat' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'chat-input', 'the chat means the input');
  assert.deepEqual(errors, []);
  await context.close();
});

// Sources you can open: the chip after an answer opens the document viewer at the cited section; Esc closes it.
test('a source chip opens the whole document at the cited section, and Esc closes it', async () => {
  const { context, page, errors, requested } = await open();
  await page.keyboard.type('What is your refund policy?', { delay: 5 });
  await page.keyboard.press('Enter');
  const answered = await waitFor(page, (s) => !s.sending && s.messages.length === 2, { what: 'the answer' });
  assert.equal(answered.messages[1].agent, 'policy');
  const stored = await (await fetch(`${server.base}/api/session/${answered.session_id}`)).json();
  const citations = stored.logs.find((l) => l.type === 'documents').data.citations;
  assert.ok(citations.length >= 1, 'the answer cites a source');

  // The chips are the cyan text inside the answer's bubble (its accent bar is the policy agent's purple).
  const bubble = await answerBubble(page, [0xA8, 0x55, 0xF7]);
  const field = await fieldBox(page);
  const shot = decodePng(await page.screenshot());
  const scale = shot.width / page.viewportSize().width;
  const chips = findColour(shot, [0x06, 0xB6, 0xD4], {
    x0: (field.left + 4) * scale, x1: (field.left + field.width) * scale, y0: bubble.top * scale, y1: bubble.bottom * scale,
  });
  assert.ok(chips, 'source chips are drawn in the answer');
  await page.mouse.click(chips.x0 / scale + 12, chips.y0 / scale + 4);
  const opened = await waitFor(page, (s) => s.overlay === 'document' && s.document.loaded, { what: 'the viewer' });
  assert.equal(opened.document.id, citations[0].source);
  assert.equal(opened.document.chunk_id, citations[0].chunk_id);
  assert.ok(requested.includes(`/api/documents/${citations[0].source}`), requested.join(', '));
  await page.screenshot({ path: path.join(ARTIFACTS, 'document-viewer.png') });

  await page.keyboard.press('Escape');
  await waitFor(page, (s) => s.overlay === 'none', { what: 'Esc closes the viewer' });
  assert.deepEqual(errors, []);
  await context.close();
});

// Where the page drew a control this frame (the app's own record of its layout), to click it with a real mouse or tap
// it with a real finger.
async function target(page, name) {
  const st = await waitFor(page, (s) => s.targets && s.targets[name], { what: `the control "${name}"` });
  const [x, y, w, h] = st.targets[name];
  return { x: x + w / 2, y: y + h / 2 };
}

async function ask(page, question, n, { touch = false } = {}) {
  await page.locator('#chat-input').focus();
  await page.keyboard.type(question, { delay: 5 });
  if (touch) {
    const field = await fieldBox(page);
    await page.touchscreen.tap(field.right + 20, (field.top + field.bottom) / 2);
  } else {
    await page.keyboard.press('Enter');
  }
  return waitFor(page, (s) => !s.sending && s.messages.length === n, { what: `the answer to "${question}"` });
}

// The page in a layout (a 1440 px desktop with a mouse, or a 375 px phone with touch), and `press`: a click or a tap
// on a control where the app drew it.
async function openLayout(layout, options = {}) {
  const phone = layout === 'phone';
  const opened = await open(phone ? { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, ...options }
                                  : options);
  opened.phone = phone;
  opened.press = async (name) => {
    const at = await target(opened.page, name);
    if (phone) await opened.page.touchscreen.tap(at.x, at.y);
    else await opened.page.mouse.click(at.x, at.y);
  };
  return opened;
}

test('export downloads Markdown and JSON, and a past conversation reopens from the list (desktop and phone)', async () => {
  for (const layout of ['desktop', 'phone']) {
    const { context, page, errors, phone, press } = await openLayout(layout, { acceptDownloads: true });
    // On a phone the header's buttons are one menu.
    const header = async (name) => {
      if (phone) await press('Menu');
      await press(name);
    };
    const first = await ask(page, 'What is your refund policy?', 2, { touch: phone });
    const firstSession = first.session_id;

    // Export: both files download, named after the conversation, holding its question and its answer.
    for (const [item, extension] of [['Download as Markdown', '.md'], ['Download as JSON', '.json']]) {
      await header('Export');
      const download = page.waitForEvent('download');
      await press(item);
      const file = await download;
      assert.ok(file.suggestedFilename().endsWith(extension), file.suggestedFilename());
      const body = fs.readFileSync(await file.path(), 'utf8');
      if (extension === '.json') {
        const parsed = JSON.parse(body);
        assert.ok(JSON.stringify(parsed.session).includes(firstSession), JSON.stringify(parsed.session));
        assert.equal(parsed.messages[1].content, first.messages[1].content);
      } else {
        assert.ok(body.includes('What is your refund policy?'), body.slice(0, 200));
        assert.ok(body.includes(first.messages[1].content.slice(0, 40)), body.slice(0, 400));
      }
    }

    // A new chat, another question; then the first conversation from the list, its history loaded from the server.
    await header('New chat');
    await waitFor(page, (s) => s.messages.length === 0 && s.session_id !== firstSession, { what: 'a new chat' });
    const second = await ask(page, 'How do I rotate my API key?', 2, { touch: phone });
    await header('Conversations');
    await press(`conversation:${firstSession}`);
    const back = await waitFor(page, (s) => s.session_id === firstSession && s.messages.length === 2,
      { what: 'the first conversation reopened' });
    assert.equal(back.messages[0].content, 'What is your refund policy?');
    assert.equal(back.messages[1].content, first.messages[1].content);
    assert.deepEqual(back.conversations.map((c) => c.id).sort(), [firstSession, second.session_id].sort());
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, `conversation-reopened-${layout}.png`) });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a vote on an answer: thumbs down with a reason, kept by the server, shown again after a reload (desktop and phone)', async () => {
  for (const layout of ['desktop', 'phone']) {
    const { context, page, errors, phone, press } = await openLayout(layout);
    const answered = await ask(page, 'What is your refund policy?', 2, { touch: phone });
    const answer = answered.messages[1];
    assert.match(answer.server_id, /^[0-9a-f-]{36}$/, 'the page knows the id the server stored the answer under');
    assert.equal(answer.feedback, null);

    await press(`not-helpful:${answer.id}`);
    await waitFor(page, (s) => s.messages[1].feedback?.rating === 'down' && !s.messages[1].feedback_saving,
      { what: 'the thumbs down saved' });
    await press(`reason:incomplete:${answer.id}`);
    const saved = await waitFor(page,
      (s) => s.messages[1].feedback?.reason === 'incomplete' && !s.messages[1].feedback_saving,
      { what: 'the reason saved' });
    assert.ok(saved.messages[1].feedback.updated_at, 'the server stamped the vote');
    let history = await stored(answered.session_id);
    assert.equal(history.messages[1].id, answer.server_id);
    assert.deepEqual([history.messages[1].feedback.rating, history.messages[1].feedback.reason], ['down', 'incomplete']);

    // A comment in the customer's words goes through the page's own text field (the phone's keyboard, paste, IME):
    // what was being typed waits aside and comes back.
    await page.locator('#chat-input').focus();
    await page.keyboard.type('And for annual plans?', { delay: 5 });
    await press(`comment:${answer.id}`);
    await waitFor(page, (s) => s.draft === '', { what: 'the input given to the comment' });
    if (!phone) {
      // Esc leaves a comment unsent: the question comes back.
      await page.keyboard.type('Never mind', { delay: 5 });
      await page.keyboard.press('Escape');
      await waitFor(page, (s) => s.draft === 'And for annual plans?', { what: 'the question back after Esc' });
      await press(`comment:${answer.id}`);
      await waitFor(page, (s) => s.draft === '', { what: 'the input given to the comment again' });
    }
    const comment = 'It does not say how long a refund takes — ça prend combien de jours ?';
    await page.keyboard.type(comment, { delay: 5 });
    await waitFor(page, (s) => s.draft === comment, { what: 'the comment typed' });
    if (phone) {
      const field = await fieldBox(page);
      await page.touchscreen.tap(field.right + 20, (field.top + field.bottom) / 2);  // Send
    } else {
      await page.keyboard.press('Enter');
    }
    const commented = await waitFor(page,
      (s) => s.messages[1].feedback?.comment === comment && !s.messages[1].feedback_saving && s.draft === 'And for annual plans?',
      { what: 'the comment saved and the question back in the input' });
    assert.equal(commented.messages.length, 2, 'the comment was not sent as a question');
    history = await stored(answered.session_id);
    assert.deepEqual([history.messages[1].feedback.reason, history.messages[1].feedback.comment], ['incomplete', comment]);
    await page.mouse.move(1, 1);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, `feedback-${layout}.png`) });

    // A reload restores the conversation from the server with the vote on its answer; a thumbs up replaces it.
    await page.reload();
    await waitForFirstFrame(page);
    const restored = await waitFor(page,
      (s) => s.session_id === answered.session_id && s.messages.length === 2 && s.messages[1].feedback,
      { what: 'the conversation restored with its vote' });
    assert.equal(restored.messages[1].feedback.reason, 'incomplete');
    assert.equal(restored.messages[1].feedback.comment, comment);
    await press(`helpful:${restored.messages[1].id}`);
    await waitFor(page, (s) => s.messages[1].feedback?.rating === 'up' && !s.messages[1].feedback_saving,
      { what: 'the thumbs up saved' });
    history = await stored(answered.session_id);
    assert.equal(history.messages[1].feedback.rating, 'up');
    assert.equal(history.messages[1].feedback.reason, undefined);
    // The answer suggests what to ask next: a chip sends it, and the documents answer it.
    await press('suggestion:0');
    const next = await waitFor(page, (s) => !s.sending && s.messages.length === 4, { what: 'the suggested question answered' });
    assert.ok(next.messages[2].content.length > 5, next.messages[2].content);
    assert.doesNotMatch(next.messages[3].content, /couldn't find/, next.messages[3].content);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

// 200 questions through the API in 20 conversations (answered, declined, small talk) with votes on some answers:
// what the insights view then shows for people who run the assistant.
async function seedInsights() {
  const answered = ['What is your refund policy?', 'How do I rotate my API key?', 'How much does the Pro plan cost?',
    'What are the API rate limits?', 'Can I export my invoices?', 'How do I verify a webhook signature?',
    'Do you have a mobile app?', 'What payment methods do you accept?'];
  const offTopic = ['Will it rain in Paris tomorrow?', 'What is the weather in Paris?', 'Who won the football match yesterday?',
    'Can you book me a flight to Berlin?', 'Recommend a good pizza place nearby'];
  const sessions = Array.from({ length: 20 }, () => crypto.randomUUID());
  for (let i = 0; i < 200; i++) {
    const message = i % 10 === 9 ? 'hello!' : i % 7 === 3 ? offTopic[i % offTopic.length] : answered[i % answered.length];
    const r = await fetch(`${server.base}/api/chat`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ message, session_id: sessions[i % 20] }),
    });
    assert.equal(r.status, 200);
    if (i % 10 < 9 && i % 7 !== 3 && i % 4 === 0) {
      const vote = { session_id: sessions[i % 20], message_id: r.headers.get('x-message-id'),
        ...(i % 8 === 0 ? { rating: 'down', reason: 'incomplete' } : { rating: 'up' }) };
      const v = await fetch(`${server.base}/api/feedback`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(vote) });
      assert.equal(v.status, 200, await v.text());
    }
  }
}

test('insights: a vote and a declined question are counted, a gap opens its document; the phone has an Insights tab', async () => {
  await seedInsights();
  for (const layout of ['desktop', 'phone']) {
    const { context, page, errors, phone, press } = await openLayout(layout, { acceptDownloads: true });
    const before = await (await fetch(`${server.base}/api/insights`)).json();
    // A thumbs down on an answer and a question the documents do not cover, from the page.
    const answered = await ask(page, 'How do I rotate my API key?', 2, { touch: phone });
    await press(`not-helpful:${answered.messages[1].id}`);
    await waitFor(page, (s) => s.messages[1].feedback?.rating === 'down' && !s.messages[1].feedback_saving,
      { what: 'the thumbs down saved' });
    await ask(page, 'Can you book me a train to Lyon?', 4, { touch: phone });

    await press(phone ? 'tab:Insights' : 'Insights');
    const shown = await waitFor(page, (s) => s.tab === 'insights' && s.insights.questions !== undefined,
      { what: 'the insights view with its report' });
    assert.equal(shown.insights.questions, before.totals.questions + 2);
    assert.equal(shown.insights.thumbs_down, before.totals.thumbs_down + 1, 'the vote is counted');
    assert.equal(shown.insights.declined, before.totals.declined + 1, 'the declined question is counted');
    assert.ok(shown.insights.gaps.length >= 1, 'content gaps are listed');
    await page.mouse.move(1, 1);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, `insights-${layout}.png`), fullPage: false });

    // The gaps download as a CSV file a spreadsheet opens: a header, then one row per group with its examples.
    const download = page.waitForEvent('download');
    await press('Download gaps (CSV)');
    const file = await download;
    assert.match(file.suggestedFilename(), /\.csv$/);
    const csv = fs.readFileSync(await file.path(), 'utf8').split('\r\n').filter((l) => l);
    assert.match(csv[0], /^count,/);
    assert.equal(csv.length - 1, shown.insights.gaps.length, csv.join('\n'));
    assert.ok(csv.some((l) => l.includes('Can you book me a train to Lyon?')), 'the declined question is in the file');

    // The first gap with a nearest document opens it in the viewer.
    const index = shown.insights.gaps.findIndex((g) => g.document);
    assert.ok(index >= 0, JSON.stringify(shown.insights));
    if (phone) {
      // Scrolled into view by a finger: drag the list up until the gap's button is on the screen.
      for (let i = 0; i < 12; i++) {
        const st = await appState(page);
        const t = st.targets[`open-gap:${index}`];
        if (t && t[1] + t[3] < 760) break;
        const cdp = await context.newCDPSession(page);
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: 180, y: 600 }] });
        for (let y = 600; y >= 300; y -= 50) {
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: 180, y }] });
        }
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
        await page.waitForTimeout(400);
      }
    } else {
      for (let i = 0; i < 20; i++) {
        const t = (await appState(page)).targets[`open-gap:${index}`];
        if (t && t[1] + t[3] < 850) break;
        await page.mouse.move(700, 500);
        await page.mouse.wheel(0, 400);
        await page.waitForTimeout(150);
      }
    }
    // A finger's scroll glides on: tap once the button has stopped moving.
    let last = '';
    for (let i = 0; i < 40; i++) {
      const now = JSON.stringify((await appState(page)).targets[`open-gap:${index}`]);
      if (now === last) break;
      last = now;
      await page.waitForTimeout(250);
    }
    await press(`open-gap:${index}`);
    const viewer = await waitFor(page, (s) => s.document && s.document.loaded, { what: 'the gap\'s document' });
    assert.equal(viewer.document.id, shown.insights.gaps[index].document);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
