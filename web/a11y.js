// The screen-reader mirror: an offscreen DOM copy of what the canvas shows, drawn from the app's own state
// (App::AccessibleJson, pushed through Module.oaiMirror whenever the content changes). The transcript is a list
// (who, when, text, sources); each new answer and each error is announced through a polite live region; the agents'
// statuses and the retrieval log are text (the log collapsed). What can be pressed under an answer (the vote, the next
// questions) and the insights view are buttons that act as the canvas's do.
(function () {
  'use strict';
  var transcript = document.getElementById('a11y-transcript');
  var agents = document.getElementById('a11y-agents');
  var log = document.getElementById('a11y-log');
  var logCount = document.getElementById('a11y-log-count');
  var status = document.getElementById('a11y-status');
  var live = document.getElementById('a11y-live');
  var insightsBox = document.getElementById('a11y-insights');
  var seen = null;  // ids of the messages already in the transcript (null until the first update)
  var lastError = null;
  var rendered = {};  // id → the key its <li> was drawn for

  function announce(text) {
    // Replacing the text of an atomic live region makes it speak; the same text twice needs a change in between.
    live.textContent = '';
    setTimeout(function () { live.textContent = text; }, 30);
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  // The app acts on the mirror's buttons as on the canvas's (shell/web/main.cpp, orchestratai_mirror_action).
  function act(kind, a, b) {
    if (window.Module && Module.ccall) Module.ccall('orchestratai_mirror_action', null, ['string', 'string', 'string'], [kind, a, b || '']);
  }

  function button(text, kind, a, b, pressed) {
    var e = el('button', text);
    e.type = 'button';
    e.dataset.key = kind === 'insights' ? kind : kind + '|' + a + '|' + (b || '');  // to keep the focus on a redraw
    if (pressed !== undefined) e.setAttribute('aria-pressed', pressed ? 'true' : 'false');
    e.addEventListener('click', function () { act(kind, a, b); });
    return e;
  }

  var REASONS = [['wrong', 'Wrong'], ['incomplete', 'Incomplete'], ['not_what_i_asked', 'Not what I asked']];

  function messageItem(m) {
    var li = el('li');
    li.dataset.id = m.id;
    var head = el('p', m.who + (m.time ? ', ' + m.time : '') + (m.pending ? ', sending' : ''), 'who');
    li.appendChild(head);
    li.appendChild(el('p', m.text, 'text'));
    if (m.sources && m.sources.length) {
      li.appendChild(el('p', 'Sources:'));
      var ul = el('ul');
      m.sources.forEach(function (s) { ul.appendChild(el('li', s)); });
      li.appendChild(ul);
    }
    if (m.votable) {
      // The vote, as on the canvas: Helpful / Not helpful, then why and a comment (typed in the message field).
      var vote = el('div');
      vote.setAttribute('role', 'group');
      vote.setAttribute('aria-label', 'Was this answer helpful?');
      vote.appendChild(button('Helpful', 'vote', m.id, 'up', m.vote === 'up'));
      vote.appendChild(button('Not helpful', 'vote', m.id, 'down', m.vote === 'down'));
      if (m.vote === 'down') {
        REASONS.forEach(function (r) { vote.appendChild(button(r[1], 'reason', m.id, r[0], m.reason === r[0])); });
        if (m.comment) vote.appendChild(el('p', 'Your comment: ' + m.comment));
        vote.appendChild(button(m.comment ? 'Edit comment' : 'Add a comment', 'comment', m.id));
      }
      if (m.vote_error) vote.appendChild(el('p', m.vote_error));
      li.appendChild(vote);
    }
    if (m.next && m.next.length) {
      var next = el('div');
      next.setAttribute('role', 'group');
      next.setAttribute('aria-label', 'Ask next');
      m.next.forEach(function (q) { next.appendChild(button(q, 'ask', q)); });
      li.appendChild(next);
    }
    return li;
  }

  function pct(v) { return Math.round(v * 100) + '%'; }
  function ms(v) { return v >= 1000 ? (v / 1000).toFixed(2) + ' s' : v >= 10 ? Math.round(v) + ' ms' : v.toFixed(1) + ' ms'; }

  var insightsKey = null;
  // The insights view as text and buttons: the figures, each chart's values, the content gaps with their documents.
  function drawInsights(state) {
    var r = state.insights || {};
    var key = JSON.stringify([state.insights_open, r]);
    if (key === insightsKey) return;
    insightsKey = key;
    insightsBox.textContent = '';
    insightsBox.appendChild(button(state.insights_open ? 'Back to the chat' : 'Show insights', 'insights',
                                   state.insights_open ? '0' : '1'));
    if (!state.insights_open) return;
    if (r.loading) insightsBox.appendChild(el('p', 'Loading the insights'));
    if (r.error) insightsBox.appendChild(el('p', r.error));
    if (r.questions === undefined) return;
    var lines = el('ul');
    [r.from + ' to ' + r.to + ': ' + r.questions + ' questions, ' + r.answered + ' answered, ' + r.declined +
       ' declined, ' + r.small_talk + ' small talk.',
     'Resolution rate ' + pct(r.resolution_rate) + ' (' + r.definition + '). Thumbs down ' + pct(r.thumbs_down_rate) +
       ', cache hits ' + pct(r.cache_hit_rate) + ', latency p95 ' + ms(r.p95_ms) + '.'
    ].concat(r.agents.map(function (a) {
      return a.name + ': ' + pct(a.share) + ' of the questions, latency p50 ' + ms(a.p50_ms) + ', p95 ' + ms(a.p95_ms) + '.';
    }), r.days.map(function (d) {
      return d.day + ': ' + d.questions + ' questions, ' + d.declined + ' declined, ' + d.thumbs_down + ' thumbs down.';
    })).forEach(function (t) { lines.appendChild(el('li', t)); });
    insightsBox.appendChild(lines);
    insightsBox.appendChild(el('h3', 'Content gaps: ' + r.gaps.length));
    var gaps = el('ol');
    r.gaps.forEach(function (g) {
      var li = el('li', g.count + (g.count === 1 ? ' question' : ' questions') + ', last asked ' + g.last_asked +
                        (g.heading ? '. Nearest section: ' + g.heading : '. No document is near: a new one may be needed.'));
      var ex = el('ul');
      g.examples.forEach(function (q) { ex.appendChild(el('li', q)); });
      li.appendChild(ex);
      if (g.document) li.appendChild(button('Open ' + g.document, 'open', g.document, String(g.chunk)));
      gaps.appendChild(li);
    });
    insightsBox.appendChild(gaps);
  }

  function update(state) {
    // A pressed button is redrawn with what it changed: the focus stays on its new copy.
    var active = document.activeElement;
    var focusedKey = active && active.closest && active.closest('#a11y') && active.dataset ? active.dataset.key : null;
    updateContent(state);
    if (focusedKey && !document.getElementById('a11y').contains(document.activeElement)) {
      var again = document.querySelector('#a11y button[data-key="' + CSS.escape(focusedKey) + '"]');
      if (again) again.focus();
    }
  }

  function updateContent(state) {
    // Transcript: keyed by message id; only changed items are redrawn.
    var keep = {};
    var first = seen === null;
    if (first) seen = {};
    var fresh = [];
    state.messages.forEach(function (m, i) {
      var key = JSON.stringify(m);
      keep[m.id] = true;
      var existing = transcript.children[i];
      if (!existing || existing.dataset.id !== m.id || rendered[m.id] !== key) {
        var item = messageItem(m);
        if (existing) transcript.replaceChild(item, existing); else transcript.appendChild(item);
        rendered[m.id] = key;
      }
      if (!seen[m.id]) {
        seen[m.id] = true;
        if (!first && m.role === 'assistant') fresh.push(m);
      }
    });
    while (transcript.children.length > state.messages.length) transcript.removeChild(transcript.lastChild);
    Object.keys(rendered).forEach(function (id) { if (!keep[id]) delete rendered[id]; });
    if (first && state.messages.length) announce('Conversation restored: ' + state.messages.length + ' messages.');

    status.textContent = state.status || '';
    agents.textContent = '';
    state.agents.forEach(function (a) {
      agents.appendChild(el('li', a.name + ': ' + a.status + (a.model ? ', ' + a.model : '') + ', ' + a.detail));
    });
    log.textContent = '';
    var entries = 0;
    state.logs.slice().reverse().forEach(function (t) {
      var li = el('li', 'Turn ' + t.turn + ': ' + t.question);
      var ul = el('ul');
      t.entries.forEach(function (e) { ul.appendChild(el('li', e)); entries++; });
      li.appendChild(ul);
      log.appendChild(li);
    });
    logCount.textContent = entries + ' entries';

    drawInsights(state);
    status.textContent = state.commenting ? 'The message field holds your comment on the answer: Enter sends it, Escape leaves it.'
                                          : status.textContent;

    if (fresh.length) {
      var m = fresh[fresh.length - 1];
      announce(m.who + ' answered: ' + m.text + (m.sources.length ? ' Sources: ' + m.sources.join('; ') : ''));
    }
    if (state.error && state.error !== lastError) announce('Error: ' + state.error);
    lastError = state.error;
  }

  window.oaiMirrorUpdate = update;
  window.oaiAnnounce = announce;
})();
