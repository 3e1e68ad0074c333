// Touch on the canvas, the way a page behaves under a finger: a one-finger drag scrolls what is under it (the chat,
// the log, the agent list) and keeps gliding after the finger lifts; a tap is a click; a long press is a right click
// (an answer offers Copy). Two fingers are left to the browser, so pinch-zoom works. These listeners sit on the
// window in the capture phase, ahead of Emscripten's GLFW, which would turn a drag into a mouse drag.
(function () {
  'use strict';
  var canvas = document.getElementById('canvas');
  var SLOP = 8;          // CSS pixels a finger may move and still tap
  var LONG_PRESS = 500;  // ms
  var reduceMotion = false;
  try { reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches; } catch (e) { reduceMotion = false; }
  var t = null;  // the touch in progress: {id, x0, y0, x, y, mode: 'pending'|'scroll'|'long', time, timer, samples}
  var glide = 0;

  function exports(name) {
    var M = window.Module;
    return M && M.calledRun && M['_' + name] ? M['_' + name] : null;
  }
  function local(touch) {
    var r = canvas.getBoundingClientRect();
    return {x: touch.clientX - r.left, y: touch.clientY - r.top};
  }
  function pointer(x, y, button, down) {
    var f = exports('orchestratai_touch_pointer');
    if (f) f(x, y, button, down ? 1 : 0);
  }
  function scroll(x, y, dx, dy) {
    var f = exports('orchestratai_touch_scroll');
    if (f) f(x, y, dx, dy);
  }
  function stopGlide() {
    if (glide) cancelAnimationFrame(glide);
    glide = 0;
  }

  function onStart(e) {
    if (e.target !== canvas) return;
    e.stopImmediatePropagation();
    stopGlide();
    if (e.touches.length !== 1) {  // a second finger: the browser's pinch-zoom, nothing for the app
      if (t && t.timer) clearTimeout(t.timer);
      t = null;
      return;
    }
    var p = local(e.touches[0]);
    var now = e.timeStamp;
    t = {id: e.touches[0].identifier, x0: p.x, y0: p.y, x: p.x, y: p.y, mode: 'pending', time: now, timer: 0,
         samples: [{x: p.x, y: p.y, time: now}]};
    pointer(p.x, p.y, -1, false);  // hover first, so the press lands on what is under the finger
    t.timer = setTimeout(function () {
      if (t && t.mode === 'pending') {
        t.mode = 'long';
        pointer(t.x, t.y, 1, true);
        pointer(t.x, t.y, 1, false);
      }
    }, LONG_PRESS);
  }

  function onMove(e) {
    if (e.target !== canvas) return;
    e.stopImmediatePropagation();
    if (!t || e.touches.length !== 1) return;
    var p = local(e.touches[0]);
    var now = e.timeStamp;  // when the finger moved, not when this busy page got to the event
    if (t.mode === 'pending' && Math.hypot(p.x - t.x0, p.y - t.y0) > SLOP) {
      t.mode = 'scroll';
      clearTimeout(t.timer);
    }
    if (t.mode === 'scroll') {
      scroll(p.x, p.y, p.x - t.x, p.y - t.y);
      // The release speed is the finger's over its last 100 ms (single events come coalesced and unevenly spaced).
      t.samples.push({x: p.x, y: p.y, time: now});
      while (t.samples.length > 2 && now - t.samples[0].time > 100) t.samples.shift();
      e.preventDefault();
    }
    t.x = p.x;
    t.y = p.y;
    t.time = now;
  }

  function onEnd(e) {
    if (e.target !== canvas) return;
    e.stopImmediatePropagation();
    if (!t) return;
    clearTimeout(t.timer);
    var done = t;
    t = null;
    if (e.type === 'touchcancel') return;
    e.preventDefault();  // no emulated mouse events after the touch: the app had it already
    if (done.mode === 'pending') {
      pointer(done.x, done.y, 0, true);
      pointer(done.x, done.y, 0, false);
    } else if (done.mode === 'scroll' && !reduceMotion && e.timeStamp - done.time < 150) {  // lifted while moving
      var first = done.samples[0];
      var span = Math.max(1, done.time - first.time);
      var vx = (done.x - first.x) / span, vy = (done.y - first.y) / span, last = performance.now();
      var step = function (now) {
        var dt = Math.min(50, now - last);
        last = now;
        scroll(done.x, done.y, vx * dt, vy * dt);
        var decay = Math.pow(0.997, dt);  // friction: about 10% of the speed left after 770 ms
        vx *= decay;
        vy *= decay;
        glide = Math.hypot(vx, vy) > 0.02 ? requestAnimationFrame(step) : 0;
      };
      glide = requestAnimationFrame(step);
    }
  }

  var opts = {capture: true, passive: false};
  window.addEventListener('touchstart', onStart, opts);
  window.addEventListener('touchmove', onMove, opts);
  window.addEventListener('touchend', onEnd, opts);
  window.addEventListener('touchcancel', onEnd, opts);
})();
