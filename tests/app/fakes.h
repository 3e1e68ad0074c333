// Test doubles for the app: a transport that replays recorded responses (fixtures in tests/app/data) and an in-memory
// key-value store standing in for localStorage.
#pragma once

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "app/ports/text_field.h"
#include "app/ports/transport.h"
#include "model/model.h"

namespace oai::app::testing {

inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(OAI_APP_TEST_DATA) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline HttpResponse JsonResponse(int status, std::string body,
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

inline HttpResponse NetworkError(std::string error = "connection refused") {
  HttpResponse r;
  r.status = 0;
  r.error = std::move(error);
  return r;
}

// Answers "METHOD url" with a recorded response (the last one registered wins; a queue when several are registered
// with Then). Unknown routes get a 404 envelope. In deferred mode the answers wait for Complete().
class FakeTransport : public Transport {
 public:
  void On(const std::string& methodAndUrl, HttpResponse response) { m_routes[methodAndUrl] = {std::move(response)}; }
  void Then(const std::string& methodAndUrl, HttpResponse response) {
    m_routes[methodAndUrl].push_back(std::move(response));
  }
  void SetDeferred(bool deferred) { m_deferred = deferred; }

  void Send(const HttpRequest& req, std::function<void(HttpResponse)> onDone) override {
    requests.push_back(req);
    HttpResponse response = Respond(req);
    if (m_deferred) {
      m_pending.emplace_back(std::move(response), std::move(onDone));
      return;
    }
    onDone(std::move(response));
  }

  // Delivers the deferred answers in order.
  void CompleteAll() {
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto& [response, onDone] : pending) onDone(std::move(response));
  }
  std::size_t PendingCount() const { return m_pending.size(); }

  std::vector<HttpRequest> RequestsTo(const std::string& method, const std::string& url) const {
    std::vector<HttpRequest> out;
    for (const auto& r : requests)
      if (r.method == method && r.url == url) out.push_back(r);
    return out;
  }
  // The "message" field of every POST /api/chat body, in order.
  std::vector<std::string> ChatMessagesSent() const {
    std::vector<std::string> out;
    for (const auto& r : RequestsTo("POST", "/api/chat")) out.push_back(Json::parse(r.body).at("message"));
    return out;
  }

  std::vector<HttpRequest> requests;

 private:
  HttpResponse Respond(const HttpRequest& req) {
    auto it = m_routes.find(req.method + " " + req.url);
    if (it == m_routes.end() || it->second.empty())
      return JsonResponse(404, R"({"error":{"code":"NOT_FOUND","message":"no such route","timestamp":)"
                               R"("2026-11-24T10:00:00.000Z","requestId":"r"}})");
    HttpResponse r = it->second.front();
    if (it->second.size() > 1) it->second.erase(it->second.begin());  // the last answer repeats
    return r;
  }

  std::map<std::string, std::vector<HttpResponse>> m_routes;
  bool m_deferred = false;
  std::vector<std::pair<HttpResponse, std::function<void(HttpResponse)>>> m_pending;
};

class MemoryStore : public KeyValueStore {
 public:
  std::optional<std::string> Get(const std::string& key) override {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  void Set(const std::string& key, const std::string& value) override { values[key] = value; }
  std::map<std::string, std::string> values;
};

// A stand-in for the page's DOM field: records what the App and the panel ask of it.
class RecordingField final : public TextField {
 public:
  void Place(const TextFieldPlacement& p) override { placements.push_back(p); }
  void FrameDone() override { ++frames; }
  void SetText(const std::string& text) override { texts.push_back(text); }
  void Focus() override { ++focusCalls; }
  void Blur() override { ++blurCalls; }
  std::string Hint() const override { return "Enter to send"; }
  std::vector<TextFieldPlacement> placements;
  std::vector<std::string> texts;
  int frames = 0;
  int focusCalls = 0;
  int blurCalls = 0;
};

}  // namespace oai::app::testing
