// The engine module's reply to the page (shell/web/engine_module.cpp): handed to the callback the page gave when it
// created the module (Module.oaiReply, see oai_engine_send in library_oai.js).
mergeInto(LibraryManager.library, {
  oai_engine_reply: function(id, status, bodyPtr, errorPtr, headersPtr) {
    Module.oaiReply(id, status, UTF8ToString(bodyPtr), UTF8ToString(errorPtr), UTF8ToString(headersPtr));
  },
});
