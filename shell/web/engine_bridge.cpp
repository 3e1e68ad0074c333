#include "engine_bridge.h"

#include <string>
#include <utility>
#include <vector>

#include "model/model.h"

extern "C" void oai_engine_send(int id, const char* method, const char* url, const char* body, const char* headers);

namespace oai::shell {

void EngineModuleTransport::Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) {
  const int id = m_next++;
  m_pending.emplace(id, std::move(onDone));
  Json headers = Json::array();
  for (const auto& [name, value] : request.headers) headers.push_back({name, value});
  oai_engine_send(id, request.method.c_str(), request.url.c_str(), request.body.c_str(), headers.dump().c_str());
}

void EngineModuleTransport::Stream(const app::HttpRequest& request, std::function<void(SseEvent)> onEvent,
                                   std::function<void(app::HttpResponse)> onEnd) {
  Send(request, [this, onEvent = std::move(onEvent), onEnd = std::move(onEnd)](app::HttpResponse r) mutable {
    std::vector<SseEvent> events;
    if (r.status >= 200 && r.status < 300) {
      events = local::SplitEvents(r.body);
      r.body.clear();
    }
    m_paced.Add(std::move(events), std::move(r), std::move(onEvent), std::move(onEnd));
  });
}

void EngineModuleTransport::Reply(int id, int status, const char* body, const char* error, const char* headersJson) {
  const auto it = m_pending.find(id);
  if (it == m_pending.end()) return;
  auto onDone = std::move(it->second);
  m_pending.erase(it);
  app::HttpResponse r;
  r.status = status;
  r.body = body ? body : "";
  r.error = error ? error : "";
  const Json headers = Json::parse(headersJson ? headersJson : "[]", nullptr, false);
  if (headers.is_array())
    for (const Json& h : headers)
      if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string())
        r.headers.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
  onDone(std::move(r));
}

}  // namespace oai::shell
