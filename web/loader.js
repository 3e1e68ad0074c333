// Boots the WebAssembly app: loading screen with progress, the UI font, then app.js.
(function () {
  'use strict';
  var loading = document.getElementById('loading');
  var progress = document.getElementById('progress');
  var text = document.getElementById('loading-text');
  var totalDeps = 0;

  function setProgress(fraction, label) {
    progress.style.width = Math.round(Math.max(0, Math.min(1, fraction)) * 100) + '%';
    if (label) text.textContent = label;
  }
  function fail(message) {
    loading.classList.add('error');
    loading.classList.remove('done');
    text.textContent = message;
  }

  // The UI font downloads while app.js and the wasm download and compile (preRun only runs once the wasm is
  // instantiated); main() waits for it through a run dependency and takes the bytes from Module.oaiFontData
  // (shell/web/library_oai.js). Without it the app draws with Dear ImGui's built-in font.
  var font = fetch('fonts/ui.ttf').then(function (r) {
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.arrayBuffer();
  }).then(function (buf) {
    return new Uint8Array(buf);
  }).catch(function (e) {
    console.warn('UI font not loaded, using the built-in font:', e);
    return null;
  });

  var Module = {
    canvas: document.getElementById('canvas'),
    preRun: [function () {
      Module.addRunDependency('ui-font');
      font.then(function (bytes) {
        Module.oaiFontData = bytes;
        Module.removeRunDependency('ui-font');
      });
    }],
    // No setStatus: with it Emscripten runs main() one timer later, behind whatever else the page queued.
    monitorRunDependencies: function (left) {
      totalDeps = Math.max(totalDeps, left);
      setProgress(totalDeps ? (totalDeps - left) / totalDeps : 1, left ? 'Preparing…' : 'Starting…');
    },
    onFirstFrame: function () {
      setProgress(1, '');
      loading.classList.add('done');
      window.orchestrataiFirstFrameAt = performance.now();
      Module.canvas.focus();
      // The icon is decoded on the main thread: after the first frame, not on the way to it.
      var icon = document.getElementById('icon');
      if (icon) {
        icon.type = 'image/svg+xml';
        icon.href = 'favicon.svg';
      }
    },
    // The first frame drawn once the backend answered and a restored conversation is on screen.
    onInteractive: function () { window.orchestrataiInteractiveAt = performance.now(); },
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); },
    onAbort: function (what) { fail('The app stopped: ' + what + '. Reload the page to try again.'); }
  };
  window.Module = Module;

  if (typeof WebAssembly !== 'object') {
    fail('This browser does not support WebAssembly.');
    return;
  }
  window.addEventListener('contextmenu', function (e) { if (e.target === Module.canvas) e.preventDefault(); });
  setProgress(0.05, 'Downloading…');
  var script = document.createElement('script');
  script.src = 'app.js';
  script.async = true;
  script.onerror = function () { fail('Could not load app.js. Is the server running?'); };
  document.body.appendChild(script);
})();
