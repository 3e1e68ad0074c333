// The in-page engine as its own WebAssembly module (engine.js + engine.wasm): the same engine and API service the
// server runs, over the knowledge base fetched as static files, with sessions in localStorage. The page loads it only
// when the API is answered in the page (static hosting, `?engine=local`), so the app's first download stays small.
// The page calls oai_engine_send; each answer goes back through Module.oaiReply (library_engine.js).
#include <emscripten.h>

#include <string>
#include <utility>

#include "fetch_transport.h"
#include "local/local_backend.h"
#include "local_storage.h"
#include "model/model.h"

extern "C" void oai_engine_reply(int id, int status, const char* body, const char* error, const char* headers);

namespace {

struct EngineHost {
  oai::shell::FetchTransport files;
  oai::shell::LocalStorage storage;
  oai::local::LocalBackend backend{&files, &storage};
};

EngineHost& Host() {
  static EngineHost* host = new EngineHost();  // lives for the page's lifetime
  return *host;
}

}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void oai_engine_send(int id, const char* method, const char* url, const char* body,
                                                     const char* headers) {
  oai::app::HttpRequest request;
  request.method = method ? method : "GET";
  request.url = url ? url : "";
  request.body = body ? body : "";
  const oai::Json h = oai::Json::parse(headers ? headers : "[]", nullptr, false);
  if (h.is_array())
    for (const oai::Json& pair : h)
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
        request.headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  Host().backend.Send(request, [id](oai::app::HttpResponse r) {
    oai::Json out = oai::Json::array();
    for (const auto& [name, value] : r.headers) out.push_back({name, value});
    oai_engine_reply(id, r.status, r.body.c_str(), r.error.c_str(), out.dump().c_str());
  });
}
