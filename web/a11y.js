// The screen-reader mirror: an offscreen DOM copy of what the canvas shows, drawn from the app's own state
// (App::AccessibleJson, pushed through Module.oaiMirror whenever the content changes). The transcript is a list
// (who, when, text, sources); each new answer and each error is announced through a polite live region; the agents'
// statuses and the retrieval log are text (the log collapsed).
(function () {
  'use strict';
  var transcript = document.getElementById('a11y-transcript');
  var agents = document.getElementById('a11y-agents');
  var log = document.getElementById('a11y-log');
  var logCount = document.getElementById('a11y-log-count');
  var status = document.getElementById('a11y-status');
  var live = document.getElementById('a11y-live');
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
    return li;
  }

  function update(state) {
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
