// The page's side of the in-page engine: a transport whose requests go to the engine module (engine.js + engine.wasm,
// see engine_module.cpp), which the page downloads only when the API is answered in the page (static hosting or
// `?engine=local`). Replies come back through orchestratai_engine_reply (main.cpp).
#pragma once

#include <functional>
#include <map>

#include "app/ports/transport.h"
#include "local/paced_streams.h"

namespace oai::shell {

class EngineModuleTransport final : public app::Transport {
 public:
  void Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) override;
  // The engine answers a stream whole; its events go to the app one per frame (local/paced_streams.h).
  void Stream(const app::HttpRequest& request, std::function<void(SseEvent)> onEvent,
              std::function<void(app::HttpResponse)> onEnd) override;
  // Once per frame, from the host's loop: true when an event or an end was handed out (draw another frame).
  bool Pump() { return m_paced.Pump(); }
  // The engine module answered request `id` (headers: a JSON array of [name, value] pairs).
  void Reply(int id, int status, const char* body, const char* error, const char* headersJson);

 private:
  int m_next = 1;
  std::map<int, std::function<void(app::HttpResponse)>> m_pending;
  local::PacedStreams m_paced;
};

}  // namespace oai::shell
