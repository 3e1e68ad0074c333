// The transport the page uses for the API: the server when its /api/health answers, otherwise (static hosting, or
// `?engine=local`) the in-page engine. Kept apart from the engine so the page's first download does not carry it
// (the browser host loads the engine as its own module only when it is needed).
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <utility>

#include "app/ports/backend.h"
#include "app/ports/transport.h"

namespace oai::local {

// Routes API calls to the server when its /api/health answers, otherwise (or when forced, e.g. `?engine=local`) to
// the in-page backend. Calls made before the first health check has decided wait for it.
class FallbackTransport final : public app::Transport {
 public:
  FallbackTransport(app::Transport* network, app::Transport* local, bool forceLocal);
  void Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) override;
  // Streams from whichever answers the API (a stream asked for before the first health check waits for it).
  void Stream(const app::HttpRequest& request, std::function<void(SseEvent)> onEvent,
              std::function<void(app::HttpResponse)> onEnd) override;
  bool UsingLocal() const;
  app::BackendKind Kind() const;  // Unknown until the first health check has decided

 private:
  enum class Mode { Undecided, Checking, Server, Local };
  void Decide(Mode mode);
  app::Transport* m_network;
  app::Transport* m_local;
  mutable std::mutex m_mutex;
  Mode m_mode;
  std::deque<std::pair<app::HttpRequest, std::function<void(app::HttpResponse)>>> m_waiting;
  struct WaitingStream {
    app::HttpRequest request;
    std::function<void(SseEvent)> onEvent;
    std::function<void(app::HttpResponse)> onEnd;
  };
  std::deque<WaitingStream> m_waitingStreams;
};

}  // namespace oai::local
