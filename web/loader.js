// Boots the WebAssembly app: loading screen with progress, the UI font, app.js and app.wasm; plain messages when
// the browser cannot run it; the keys of the chat input's DOM field kept away from the canvas's key handlers.
(function () {
  'use strict';
  var loading = document.getElementById('loading');
  var progress = document.getElementById('progress');
  var text = document.getElementById('loading-text');
  var help = document.getElementById('loading-help');
  var field = document.getElementById('chat-input');
  var canvas = document.getElementById('canvas');
  var totalDeps = 0;
  var failed = false;

  function setProgress(fraction, label) {
    progress.style.width = Math.round(Math.max(0, Math.min(1, fraction)) * 100) + '%';
    if (label !== undefined) text.textContent = label;
  }
  // A plain message on the loading screen instead of the app. `helpNode` (optional) goes under it.
  function fail(message, helpNode) {
    failed = true;
    loading.classList.add('error');
    loading.classList.remove('done');
    loading.hidden = false;
    text.textContent = message;
    help.textContent = '';
    if (helpNode) {
      help.appendChild(helpNode);
      help.hidden = false;
    }
  }
  function reloadHint() {
    var p = document.createDocumentFragment();
    p.appendChild(document.createTextNode('Reload the page to try again. '));
    var a = document.createElement('a');
    a.href = location.href;
    a.textContent = 'Reload';
    p.appendChild(a);
    return p;
  }
  // The conversation this browser has with the server, as JSON, for when the app itself cannot run.
  function exportHint() {
    var p = document.createDocumentFragment();
    p.appendChild(document.createTextNode('Use a browser with WebGL2 enabled (a current Chrome, Edge, Firefox or Safari; ' +
      'check that hardware acceleration is on). '));
    var id = null;
    try { id = window.localStorage.getItem('orchestratai.session_id'); } catch (e) { id = null; }
    if (id && /^[0-9a-fA-F-]{36}$/.test(id)) {
      var a = document.createElement('a');
      a.href = 'api/session/' + id;
      a.download = 'orchestratai-' + id + '.json';
      a.textContent = 'Download this session\'s conversation';
      p.appendChild(a);
    }
    return p;
  }

  // Keys typed into the chat input's DOM field belong to the browser's text input: Emscripten's GLFW listens on the
  // window in the capture phase (and cancels Backspace and Tab), so this listener, added first, stops the event
  // there. Enter sends (Shift+Enter and, on touch devices, Return make a new line); Esc clears the field. With the
  // focus elsewhere, printable keys and paste go to the field, and Ctrl/Cmd+A never selects the page's hidden text.
  var touchPrimary = false;
  try { touchPrimary = window.matchMedia('(pointer: coarse)').matches; } catch (e) { touchPrimary = false; }
  function keyGuard(e) {
    var mod = e.ctrlKey || e.metaKey;
    var key = (e.key || '').toLowerCase();
    if (e.target === field) {
      e.stopImmediatePropagation();
      if (e.type !== 'keydown' || e.isComposing || e.keyCode === 229) return;
      if (key === 'enter' && !e.shiftKey && !e.altKey && !mod && !touchPrimary) {
        e.preventDefault();
        if (Module.oaiFieldSubmit) Module.oaiFieldSubmit();
      } else if (key === 'enter' && mod) {
        e.preventDefault();
        if (Module.oaiFieldSubmit) Module.oaiFieldSubmit();
      } else if (key === 'escape' && field.value) {
        // The app clears the field (or, when it holds a comment on an answer, puts back the question being typed).
        e.preventDefault();
        if (Module['_orchestratai_shortcut']) Module['_orchestratai_shortcut'](8);
      } else {
        // The app's shortcuts, which Emscripten's GLFW does not see from here (App::HandleShortcuts has the list).
        var code = key === 'escape' ? 6
                 : mod && key === 'l' ? 4
                 : mod && key === '/' ? 5
                 : (mod || e.altKey) && e.code === 'Digit1' ? 1
                 : (mod || e.altKey) && e.code === 'Digit2' ? 2
                 : (mod || e.altKey) && e.code === 'Digit3' ? 3
                 : (mod || e.altKey) && e.code === 'Digit4' ? 7 : 0;
        if (code && Module['_orchestratai_shortcut']) {
          e.preventDefault();
          Module['_orchestratai_shortcut'](code);
        }
      }
      return;
    }
    // The screen-reader mirror's buttons (web/a11y.js) are the browser's: Tab, Enter and Space move and press there.
    if (e.target && e.target.closest && e.target.closest('#a11y')) {
      e.stopImmediatePropagation();
      return;
    }
    // Keys the browser would take for itself (the address bar, its own menus) go to the app instead.
    if (e.type === 'keydown' && ((mod && (key === 'l' || key === '/')) || (e.altKey && /^Digit[1234]$/.test(e.code)))) {
      e.preventDefault();
    }
    if (e.type !== 'keydown' || field.hidden) return;
    var printable = key.length > 0 && [...e.key].length === 1 && key !== ' ' && !mod && !e.altKey;
    if (mod && key === 'a') {
      e.preventDefault();
    } else if (printable || (mod && (key === 'v' || key === 'k'))) {
      // The character (or the paste) lands in the newly focused field: the browser inserts it after keydown.
      if (mod && key === 'k') e.preventDefault();
      e.stopImmediatePropagation();
      field.focus({preventScroll: true});
    }
  }
  ['keydown', 'keypress', 'keyup'].forEach(function (t) { window.addEventListener(t, keyGuard, true); });

  // The UI fonts (regular and semibold) download while app.js and the wasm download and compile (preRun only runs
  // once the wasm is instantiated); main() waits for them through a run dependency and takes the bytes from
  // Module.oaiFonts (shell/web/library_oai.js). Without the regular cut the app draws with Dear ImGui's built-in font;
  // without the semibold one, its strong text with the regular cut.
  function fetchFont(file) {
    return fetch(file).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.arrayBuffer();
    }).then(function (buf) {
      return new Uint8Array(buf);
    }).catch(function (e) {
      console.warn('UI font ' + file + ' not loaded:', e);
      return null;
    });
  }
  var fonts = Promise.all([fetchFont('fonts/ui.otf'), fetchFont('fonts/ui-semibold.otf')]);

  var Module = {
    canvas: canvas,
    preRun: [function () {
      Module.addRunDependency('ui-font');
      fonts.then(function (bytes) {
        Module.oaiFonts = bytes;
        Module.removeRunDependency('ui-font');
      });
    }],
    // The wasm is fetched here, not by Emscripten, so a missing or damaged file gives a plain message with the HTTP
    // status instead of the runtime's internals.
    // It was compiled while app.js downloaded (compiledWasm below): here it is only instantiated.
    instantiateWasm: function (imports, done) {
      compiledWasm.then(function (module) {
        return WebAssembly.instantiate(module, imports).then(function (instance) { done(instance, module); });
      }).catch(function (e) {
        fail('Could not load the app (app.wasm: ' + e.message + ').', reloadHint());
      });
      return {};
    },
    // No setStatus: with it Emscripten runs main() one timer later, behind whatever else the page queued.
    monitorRunDependencies: function (left) {
      if (failed) return;
      totalDeps = Math.max(totalDeps, left);
      setProgress(totalDeps ? (totalDeps - left) / totalDeps : 1, left ? 'Preparing…' : 'Starting…');
    },
    onFirstFrame: function () {
      setProgress(1, '');
      loading.classList.add('done');
      document.getElementById('a11y').hidden = false;
      window.orchestrataiFirstFrameAt = performance.now();
      // The loading screen (and its live region) leaves the page once it has faded: screen readers read the app's
      // own mirror (web/a11y.js) from here on.
      setTimeout(function () { if (!failed) loading.hidden = true; }, 250);
      loading.removeAttribute('aria-live');
      loading.removeAttribute('role');
      // The icon is decoded on the main thread: after the first frame, not on the way to it.
      var icon = document.getElementById('icon');
      if (icon) {
        icon.type = 'image/svg+xml';
        icon.href = 'favicon.svg';
      }
    },
    // The first frame drawn once the backend answered and a restored conversation is on screen.
    onInteractive: function () { window.orchestrataiInteractiveAt = performance.now(); },
    oaiMirror: window.oaiMirrorUpdate,
    oaiAnnounce: window.oaiAnnounce,
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); },
    onAbort: function (what) {
      console.warn('The app stopped:', what);
      if (!failed) fail('The app stopped unexpectedly.', reloadHint());
    }
  };
  window.Module = Module;
  var compiledWasm = null;


  if (typeof WebAssembly !== 'object') {
    fail('This browser cannot run the app: it does not support WebAssembly.', exportHint());
    return;
  }
  // The wasm compiles as it downloads (compileStreaming when the server says application/wasm), from the start, not
  // once app.js has run and asks for it.
  compiledWasm = fetch('app.wasm', {credentials: 'same-origin'}).then(function (r) {
    if (!r.ok) throw new Error('HTTP ' + r.status + (r.statusText ? ' ' + r.statusText : ''));
    var streaming = WebAssembly.compileStreaming &&
      (r.headers.get('Content-Type') || '').indexOf('application/wasm') === 0;
    var compiled = streaming ? WebAssembly.compileStreaming(r)
                             : r.arrayBuffer().then(function (bytes) { return WebAssembly.compile(bytes); });
    return compiled.catch(function (e) {
      console.warn('app.wasm did not compile:', e);
      throw new Error('the file is damaged');
    });
  });
  compiledWasm.catch(function () { /* reported by instantiateWasm */ });
  // WebGL2 is checked without making a context: a probe context cost ~50 ms of main thread on the way to the first
  // frame (and makes the app's own context slower to create). The app's context is made by main(); when the browser
  // refuses it, main() calls Module.oaiWebglUnavailable and this message replaces the loading screen.
  function unavailable() { fail('This browser cannot draw the app: WebGL2 is not available.', exportHint()); }
  Module.oaiWebglUnavailable = unavailable;
  if (typeof WebGL2RenderingContext === 'undefined') {
    unavailable();
    return;
  }
  window.addEventListener('contextmenu', function (e) { if (e.target === canvas) e.preventDefault(); });
  setProgress(0.05, 'Downloading…');
  setTimeout(function () { loading.classList.add('slow'); }, 700);  // the name and the progress in words, if it takes long
  var script = document.createElement('script');
  script.src = 'app.js';
  script.async = true;
  script.onerror = function () {
    fetch('app.js', {method: 'HEAD'}).then(function (r) {
      fail('Could not load the app (app.js: HTTP ' + r.status + ').', reloadHint());
    }).catch(function () {
      fail('Could not load the app: the server did not answer.', reloadHint());
    });
  };
  document.body.appendChild(script);
})();
