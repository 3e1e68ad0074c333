// Boots the bare reference page the way web/loader.js boots the app: Module with the canvas, then the script.
var Module = { canvas: document.getElementById('canvas') };
var script = document.createElement('script');
script.src = 'bare.js';
script.async = true;
document.body.appendChild(script);
