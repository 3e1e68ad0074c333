// emscripten_fetch transport. The request owns copies of everything emscripten_fetch points at until it completes.
#include "fetch_transport.h"

#include <emscripten/fetch.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace oai::shell {
namespace {

struct PendingFetch {
  std::string method;
  std::string body;
  std::vector<std::string> headerStore;
  std::vector<const char*> headerPointers;
  std::function<void(app::HttpResponse)> onDone;
};

std::vector<std::pair<std::string, std::string>> ResponseHeaders(emscripten_fetch_t* fetch) {
  std::vector<std::pair<std::string, std::string>> out;
  const size_t len = emscripten_fetch_get_response_headers_length(fetch);
  if (len == 0) return out;
  std::string raw(len + 1, '\0');
  emscripten_fetch_get_response_headers(fetch, raw.data(), raw.size());
  raw.resize(std::strlen(raw.c_str()));
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t end = raw.find("\r\n", pos);
    if (end == std::string::npos) end = raw.size();
    const std::string line = raw.substr(pos, end - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      out.emplace_back(line.substr(0, colon), value);
    }
    pos = end + 2;
  }
  return out;
}

void Complete(emscripten_fetch_t* fetch) {
  std::unique_ptr<PendingFetch> pending(static_cast<PendingFetch*>(fetch->userData));
  app::HttpResponse response;
  response.status = fetch->status;
  if (fetch->data && fetch->numBytes > 0) response.body.assign(fetch->data, static_cast<size_t>(fetch->numBytes));
  if (response.status != 0) {
    response.headers = ResponseHeaders(fetch);
  } else {
    response.error = fetch->statusText[0] ? fetch->statusText : "network error or timeout";
  }
  emscripten_fetch_close(fetch);
  if (pending->onDone) pending->onDone(std::move(response));
}

}  // namespace

void FetchTransport::Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) {
  auto pending = std::make_unique<PendingFetch>();
  pending->method = request.method;
  pending->body = request.body;
  pending->onDone = std::move(onDone);
  for (const auto& [name, value] : request.headers) {
    pending->headerStore.push_back(name);
    pending->headerStore.push_back(value);
  }
  for (const auto& s : pending->headerStore) pending->headerPointers.push_back(s.c_str());
  pending->headerPointers.push_back(nullptr);

  emscripten_fetch_attr_t attr;
  emscripten_fetch_attr_init(&attr);
  std::strncpy(attr.requestMethod, pending->method.c_str(), sizeof(attr.requestMethod) - 1);
  attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
  attr.timeoutMSecs = request.timeoutMs > 0 ? static_cast<unsigned long>(request.timeoutMs) : 0;
  attr.requestHeaders = pending->headerPointers.data();
  if (!pending->body.empty()) {
    attr.requestData = pending->body.data();
    attr.requestDataSize = pending->body.size();
  }
  attr.onsuccess = Complete;
  attr.onerror = Complete;
  attr.userData = pending.release();
  emscripten_fetch(&attr, request.url.c_str());
}

}  // namespace oai::shell
