#include "local/fallback_transport.h"

#include "model/validation.h"

namespace oai::local {

FallbackTransport::FallbackTransport(app::Transport* network, app::Transport* local, bool forceLocal)
    : m_network(network), m_local(local), m_mode(forceLocal ? Mode::Local : Mode::Undecided) {}

bool FallbackTransport::UsingLocal() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_mode == Mode::Local;
}

app::BackendKind FallbackTransport::Kind() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  switch (m_mode) {
    case Mode::Server: return app::BackendKind::Server;
    case Mode::Local: return app::BackendKind::InPage;
    default: return app::BackendKind::Unknown;
  }
}

void FallbackTransport::Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) {
  std::unique_lock<std::mutex> lock(m_mutex);
  const bool isApi = request.url.find("/api/") != std::string::npos;
  if (!isApi || m_mode == Mode::Server) {
    lock.unlock();
    m_network->Send(request, std::move(onDone));
    return;
  }
  if (m_mode == Mode::Local) {
    lock.unlock();
    m_local->Send(request, std::move(onDone));
    return;
  }
  if (m_mode == Mode::Checking || request.url.find("/api/health") == std::string::npos) {
    m_waiting.emplace_back(request, std::move(onDone));
    return;
  }
  // The first health check decides: a server that answers with a health report (healthy or degraded) keeps the page
  // on the server; no answer, or a static file server's 404 page, moves it to the in-page engine.
  m_mode = Mode::Checking;
  lock.unlock();
  m_network->Send(request, [this, request, onDone = std::move(onDone)](app::HttpResponse r) mutable {
    // A server answered when the body is a health report, or when it is an HTTP error other than "not found": that
    // server is failing, and the user is told so (with Retry) rather than silently moved to the in-page engine. No
    // answer at all, a 404/405 or a page that is not a health report (a static file server) means static hosting.
    const Json j = r.status != 0 ? ParseJsonOrDiscarded(r.body) : Json();
    const bool report = j.is_object() && j.contains("status") && j.contains("store");
    const bool failing = r.status >= 400 && r.status != 404 && r.status != 405;
    const bool server = report || failing;
    Decide(server ? Mode::Server : Mode::Local);
    if (server) onDone(std::move(r));
    else m_local->Send(request, std::move(onDone));
  });
}

void FallbackTransport::Stream(const app::HttpRequest& request, std::function<void(SseEvent)> onEvent,
                               std::function<void(app::HttpResponse)> onEnd) {
  std::unique_lock<std::mutex> lock(m_mutex);
  const Mode mode = m_mode;
  if (mode != Mode::Server && mode != Mode::Local) {
    // Not decided yet: the stream waits for the first health check, then goes to whichever answers (as a stream).
    m_waitingStreams.push_back({request, std::move(onEvent), std::move(onEnd)});
    return;
  }
  lock.unlock();
  if (mode == Mode::Server) return m_network->Stream(request, std::move(onEvent), std::move(onEnd));
  m_local->Stream(request, std::move(onEvent), std::move(onEnd));
}

void FallbackTransport::Decide(Mode mode) {
  std::deque<std::pair<app::HttpRequest, std::function<void(app::HttpResponse)>>> waiting;
  std::deque<WaitingStream> streams;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_mode = mode;
    waiting.swap(m_waiting);
    streams.swap(m_waitingStreams);
  }
  app::Transport* to = mode == Mode::Server ? m_network : m_local;
  for (auto& [request, onDone] : waiting) to->Send(request, std::move(onDone));
  for (auto& s : streams) to->Stream(s.request, std::move(s.onEvent), std::move(s.onEnd));
}

}  // namespace oai::local
