// Browser transport: HTTP through emscripten_fetch (XMLHttpRequest), callbacks on the browser's event loop.
#pragma once

#include "app/ports/transport.h"

namespace oai::shell {

class FetchTransport : public app::Transport {
 public:
  void Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) override;
};

}  // namespace oai::shell
