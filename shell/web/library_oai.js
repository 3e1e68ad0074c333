// Browser bridges for the web host: localStorage, wake-up on input, device pixel ratio, page notifications.
// Linked with --js-library; every function is called from shell/web/main.cpp only.
mergeInto(LibraryManager.library, {
  // Returns a malloc'd UTF-8 copy (the caller frees it) or 0 when the key is absent or storage is blocked.
  oai_storage_get__deps: ['malloc'],
  oai_storage_get: function(keyPtr) {
    var value = null;
    try { value = window.localStorage.getItem(UTF8ToString(keyPtr)); } catch (e) { value = null; }
    if (value === null) return 0;
    var size = lengthBytesUTF8(value) + 1;
    var ptr = _malloc(size);
    stringToUTF8(value, ptr, size);
    return ptr;
  },
  oai_storage_set: function(keyPtr, valuePtr) {
    try { window.localStorage.setItem(UTF8ToString(keyPtr), UTF8ToString(valuePtr)); } catch (e) {}
  },

  // Input wakes the frame loop: every event that can change what ImGui shows sets a flag the loop takes.
  oai_install_wake_listeners: function() {
    var wake = function() { Module.oaiWake = true; };
    ['keydown', 'keyup', 'keypress', 'blur', 'focus', 'resize', 'visibilitychange', 'paste'].forEach(function(t) {
      window.addEventListener(t, wake, true);
    });
    var canvas = Module['canvas'];
    ['mousemove', 'mousedown', 'mouseup', 'wheel', 'touchstart', 'touchmove', 'touchend', 'mouseleave',
     'mouseenter'].forEach(function(t) { canvas.addEventListener(t, wake, {capture: true, passive: true}); });
    if (window.matchMedia) {
      try { window.matchMedia('(resolution: ' + window.devicePixelRatio + 'dppx)').addEventListener('change', wake); }
      catch (e) {}
    }
    Module.oaiWake = true;
  },
  oai_take_wake: function() {
    var w = Module.oaiWake ? 1 : 0;
    Module.oaiWake = false;
    return w;
  },
  oai_wake: function() { Module.oaiWake = true; },

  oai_device_pixel_ratio: function() { return window.devicePixelRatio || 1.0; },
  // CSS size of the canvas (what the page layout gives it), in CSS pixels.
  oai_canvas_css_width: function() { return Module['canvas'].getBoundingClientRect().width; },
  oai_canvas_css_height: function() { return Module['canvas'].getBoundingClientRect().height; },

  // Sets the canvas backing store size directly. (glfwSetWindowSize would do it too, but Emscripten's GLFW asks for
  // fullscreen and pointer lock whenever the size equals the screen's, which a maximized page's canvas often does.)
  oai_canvas_set_size: function(width, height) {
    var canvas = Module['canvas'];
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
  },

  // ?engine=local in the page's URL: use the in-page engine even when a server answers.
  oai_force_local_engine: function() {
    try { return new URLSearchParams(window.location.search).get('engine') === 'local' ? 1 : 0; } catch (e) { return 0; }
  },

  oai_notify_first_frame: function() {
    if (typeof Module.onFirstFrame === 'function') Module.onFirstFrame();
  },
  // The UI font the page fetched (web/loader.js): copied into a malloc'd buffer the caller frees; 0 when there is none.
  oai_take_font__deps: ['malloc'],
  oai_take_font: function(sizePtr) {
    var data = Module.oaiFontData;
    Module.oaiFontData = null;
    if (!data || !data.length) return 0;
    var ptr = _malloc(data.length);
    HEAPU8.set(data, ptr);
    HEAP32[sizePtr >> 2] = data.length;
    return ptr;
  },
  oai_notify_interactive: function() {
    if (typeof Module.onInteractive === 'function') Module.onInteractive();
  },
  oai_notify_frame: function() { Module.oaiFrames = (Module.oaiFrames || 0) + 1; },
});
