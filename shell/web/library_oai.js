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

  // The user asked their system for less motion (prefers-reduced-motion: reduce): the app draws no animation.
  oai_reduced_motion: function() {
    try { return window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 1 : 0; } catch (e) { return 0; }
  },

  oai_webgl_unavailable: function() {
    if (Module.oaiWebglUnavailable) Module.oaiWebglUnavailable();
  },
  oai_notify_first_frame: function() {
    if (typeof Module.onFirstFrame === 'function') Module.onFirstFrame();
  },
  // The UI font the page fetched (web/loader.js): copied into a malloc'd buffer the caller frees; 0 when there is none.
  oai_take_font__deps: ['malloc'],
  // The UI font's bytes, once: `which` 0 is the regular cut, 1 the semibold one (web/loader.js fetched them).
  oai_take_font: function(which, sizePtr) {
    var data = Module.oaiFonts ? Module.oaiFonts[which] : null;
    if (Module.oaiFonts) Module.oaiFonts[which] = null;
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

  // --- The chat input: a DOM <textarea> over the input the app draws (see shell/web/main.cpp DomTextField) --------
  // The browser does the text input (keys, input methods, dictation, autocorrect, paste, its context menu); every
  // change goes to the app as text + selection + composition in UTF-8 byte offsets, deduplicated.
  oai_field_install__deps: ['malloc', 'free'],
  oai_field_install: function() {
    var field = document.getElementById('chat-input');
    if (!field) return;
    Module.oaiField = field;
    var composing = false, compositionText = '', last = '';
    var bytes = function(text, index) { return index < 0 ? -1 : lengthBytesUTF8(text.slice(0, index)); };
    var report = function() {
      var v = field.value, s = field.selectionStart || 0, e = field.selectionEnd || 0, cs = -1, ce = -1;
      if (composing && compositionText) {
        ce = Math.min(v.length, Math.max(s, e));
        cs = Math.max(0, ce - compositionText.length);
      }
      var key = v + '\u0000' + s + ',' + e + ',' + cs + ',' + ce;
      if (key === last) return;
      last = key;
      var size = lengthBytesUTF8(v) + 1;
      var ptr = _malloc(size);
      stringToUTF8(v, ptr, size);
      Module['_orchestratai_field_changed'](ptr, bytes(v, s), bytes(v, e), bytes(v, cs), bytes(v, ce));
      _free(ptr);
    };
    Module.oaiFieldReport = function() { last = ''; report(); };
    field.addEventListener('compositionstart', function() { composing = true; compositionText = ''; });
    field.addEventListener('compositionupdate', function(e) { compositionText = e.data || ''; report(); });
    field.addEventListener('compositionend', function() { composing = false; compositionText = ''; report(); });
    ['input', 'select', 'keyup', 'mouseup', 'pointerup', 'cut', 'paste'].forEach(function(t) {
      field.addEventListener(t, function() { setTimeout(report, 0); report(); });
    });
    document.addEventListener('selectionchange', function() { if (document.activeElement === field) report(); });
    field.addEventListener('focus', function() { Module['_orchestratai_field_focus'](1); report(); });
    field.addEventListener('blur', function() { Module['_orchestratai_field_focus'](0); });
    field.addEventListener('scroll', function() { Module['_orchestratai_field_scroll'](field.scrollTop); });
    // Enter (see web/loader.js, which sees the key before Emscripten's GLFW does) sends.
    Module.oaiFieldSubmit = function() { report(); Module['_orchestratai_field_submit'](); };
  },
  oai_field_place: function(x, y, width, height, padX, padY, fontSize) {
    var field = Module.oaiField;
    if (!field) return;
    var r = Module['canvas'].getBoundingClientRect();
    var st = field.style;
    st.left = (r.left + x) + 'px';
    st.top = (r.top + y) + 'px';
    st.width = width + 'px';
    st.height = height + 'px';
    st.padding = padY + 'px ' + padX + 'px';
    st.fontSize = fontSize + 'px';
    st.lineHeight = fontSize + 'px';
    if (field.hidden) field.hidden = false;
  },
  oai_field_hide: function() {
    var field = Module.oaiField;
    if (!field) return;
    if (document.activeElement === field) field.blur();
    field.hidden = true;
  },
  oai_field_set_text: function(textPtr) {
    var field = Module.oaiField;
    if (!field) return;
    var text = UTF8ToString(textPtr);
    if (field.value !== text) {
      field.value = text;
      field.setSelectionRange(text.length, text.length);
      field.scrollTop = 0;
    }
    if (Module.oaiFieldReport) Module.oaiFieldReport();
  },
  oai_field_focus: function() {
    var field = Module.oaiField;
    if (!field || field.hidden || document.activeElement === field) return;
    field.focus({preventScroll: true});
  },
  oai_field_blur: function() {
    var field = Module.oaiField;
    if (field && document.activeElement === field) {
      field.blur();
      Module['canvas'].focus({preventScroll: true});
    }
  },
  // 1 when the primary pointer is a finger: Return then starts a new line and the Send button sends.
  oai_field_touch_primary: function() {
    try { return window.matchMedia('(pointer: coarse)').matches ? 1 : 0; } catch (e) { return 0; }
  },

  // An ISO 8601 timestamp as the user's clock reads it, in their zone and locale (malloc'd; the caller frees it).
  oai_local_time__deps: ['malloc'],
  oai_local_time: function(isoPtr) {
    var out = '';
    try {
      var d = new Date(UTF8ToString(isoPtr));
      if (!isNaN(d.getTime())) out = d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
    } catch (e) { out = ''; }
    var size = lengthBytesUTF8(out) + 1;
    var ptr = _malloc(size);
    stringToUTF8(out, ptr, size);
    return ptr;
  },

  // Copy to the browser's clipboard: the async Clipboard API, or a selected off-screen textarea and the copy command
  // where that API is not allowed.
  oai_clipboard_write: function(textPtr) {
    var text = UTF8ToString(textPtr);
    var fallback = function() {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.left = '-10000px';
      document.body.appendChild(area);
      var active = document.activeElement;
      area.select();
      try { document.execCommand('copy'); } catch (e) {}
      document.body.removeChild(area);
      if (active && active.focus) active.focus({preventScroll: true});
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(fallback);
    else fallback();
    if (Module.oaiAnnounce) Module.oaiAnnounce('Copied to the clipboard');
  },

  // The screen-reader mirror (web/a11y.js draws it): the app's content as JSON, whenever it changed.
  oai_mirror_update: function(jsonPtr) {
    if (typeof Module.oaiMirror !== 'function') return;
    try { Module.oaiMirror(JSON.parse(UTF8ToString(jsonPtr))); } catch (e) { console.warn('a11y mirror:', e); }
  },

  // A fallback glyph page (fonts/fallback/<page>.ttf, listed in its index.json) for characters beyond the UI font,
  // handed to the app as malloc'd bytes it frees. Pages the index does not list are never fetched.
  oai_font_request_page__deps: ['malloc'],
  oai_font_request_page: function(page) {
    if (!Module.oaiFallbackIndex) {
      Module.oaiFallbackIndex = fetch('fonts/fallback/index.json').then(function(r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      }).then(function(j) { return j.pages || {}; }).catch(function(e) {
        console.warn('fallback glyphs unavailable:', e);
        return {};
      });
    }
    var name = page.toString(16);
    Module.oaiFallbackIndex.then(function(pages) {
      if (!pages[name]) return null;
      return fetch('fonts/fallback/' + name + '.ttf').then(function(r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.arrayBuffer();
      });
    }).then(function(buf) {
      if (!buf) return;
      var bytes = new Uint8Array(buf);
      var ptr = _malloc(bytes.length);
      HEAPU8.set(bytes, ptr);
      Module['_orchestratai_font_page'](page, ptr, bytes.length);
    }).catch(function(e) { console.warn('fallback glyph page ' + name + ':', e); });
  },

  // The in-page engine (static hosting, ?engine=local): engine.js + engine.wasm, a module of its own that the page
  // downloads on the first request it has to answer. Each reply is handed to orchestratai_engine_reply.
  oai_engine_send__deps: ['malloc', 'free'],
  oai_engine_send: function(id, methodPtr, urlPtr, bodyPtr, headersPtr) {
    var args = [id, UTF8ToString(methodPtr), UTF8ToString(urlPtr), UTF8ToString(bodyPtr), UTF8ToString(headersPtr)];
    var deliver = function(replyId, status, body, error, headers) {
      var ptrs = [body, error, headers].map(function(text) {
        var size = lengthBytesUTF8(text) + 1;
        var ptr = _malloc(size);
        stringToUTF8(text, ptr, size);
        return ptr;
      });
      Module['_orchestratai_engine_reply'](replyId, status, ptrs[0], ptrs[1], ptrs[2]);
      ptrs.forEach(function(ptr) { _free(ptr); });
    };
    if (!Module.oaiEngine) {
      Module.oaiEngine = new Promise(function(resolve, reject) {
        var script = document.createElement('script');
        script.src = 'engine.js';
        script.onload = function() {
          if (typeof OaiEngine !== 'function') { reject(new Error('engine.js did not define the engine')); return; }
          OaiEngine({oaiReply: deliver, printErr: function(t) { console.warn(t); }}).then(resolve, reject);
        };
        script.onerror = function() { reject(new Error('engine.js could not be loaded')); };
        document.head.appendChild(script);
      });
    }
    Module.oaiEngine.then(function(engine) {
      engine.ccall('oai_engine_send', null, ['number', 'string', 'string', 'string', 'string'], args);
    }).catch(function(e) {
      console.warn('in-page engine:', e);
      deliver(id, 0, '', 'The in-page engine could not be loaded: ' + (e && e.message ? e.message : e), '[]');
    });
  },

  // An answer that streams (shell/web/event_stream.cpp): POST {url}/initiate with the question, then an EventSource
  // on {url}/{stream_id}. The browser reconnects a dropped EventSource by itself and sends Last-Event-ID, so the
  // server replays what was missed. Each event goes to orchestratai_stream_event; the end (done, stream_error, a
  // refusal of the initiate, or a stream that stays broken) to orchestratai_stream_end, once.
  oai_stream_open__deps: ['malloc', 'free'],
  oai_stream_open: function(handle, urlPtr, bodyPtr) {
    var url = UTF8ToString(urlPtr), body = UTF8ToString(bodyPtr);
    var withStrings = function(texts, fn) {
      var ptrs = texts.map(function(text) {
        var size = lengthBytesUTF8(text) + 1;
        var ptr = _malloc(size);
        stringToUTF8(text, ptr, size);
        return ptr;
      });
      try { fn(ptrs); } finally { ptrs.forEach(function(ptr) { _free(ptr); }); }
    };
    var ended = false;
    var end = function(status, text, error) {
      if (ended) return;
      ended = true;
      withStrings([text, error], function(p) { Module['_orchestratai_stream_end'](handle, status, p[0], p[1]); });
    };
    fetch(url + '/initiate', {method: 'POST', headers: {'Content-Type': 'application/json', 'Accept': 'application/json'}, body: body})
      .then(function(r) { return r.text().then(function(t) { return {status: r.status, text: t}; }); })
      .then(function(r) {
        if (r.status < 200 || r.status >= 300) { end(r.status, r.text, ''); return; }
        var id = null;
        try { id = JSON.parse(r.text).stream_id; } catch (e) {}
        if (typeof id !== 'string') { end(0, '', 'the server did not start a stream'); return; }
        var source = new EventSource(url + '/' + encodeURIComponent(id));
        var failures = 0;
        var finish = function(status, error) { source.close(); end(status, '', error); };
        ['agent_status', 'retrieval_log', 'message_chunk', 'done', 'stream_error'].forEach(function(name) {
          source.addEventListener(name, function(e) {
            if (ended) return;
            failures = 0;
            withStrings([name, e.data, e.lastEventId || ''], function(p) {
              Module['_orchestratai_stream_event'](handle, p[0], p[1], p[2]);
            });
            if (name === 'done' || name === 'stream_error') finish(200, '');
          });
        });
        source.onerror = function() {
          // CONNECTING: the browser is reconnecting with Last-Event-ID. CLOSED (the stream is gone: 404) or a
          // connection that keeps failing ends it.
          if (source.readyState === EventSource.CLOSED || ++failures > 3) finish(0, 'the event stream broke');
        };
      })
      .catch(function(e) { end(0, '', String(e && e.message ? e.message : e)); });
  },

  // A download (an exported conversation): the bytes as a Blob, saved by the browser under `name`.
  oai_save_file: function(namePtr, mimePtr, contentPtr, length) {
    var bytes = HEAPU8.slice(contentPtr, contentPtr + length);
    var url = URL.createObjectURL(new Blob([bytes], {type: UTF8ToString(mimePtr) + ';charset=utf-8'}));
    var a = document.createElement('a');
    a.href = url;
    a.download = UTF8ToString(namePtr);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function() { URL.revokeObjectURL(url); }, 10000);
  },
});
