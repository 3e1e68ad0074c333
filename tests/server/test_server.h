// Starts the real routes on a free loopback port for one test suite and stops them in the destructor.
#pragma once

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/routes.h"
#include "service/session_store.h"

namespace oai::server::testing {

// An httplib::Server on a free loopback port, served on its own thread from Start() until destroyed: the tests' API
// server and the fakes of the services it calls (an OpenAI-compatible LLM). Declare it after whatever its handlers
// use, so it stops first.
class LoopbackServer {
 public:
  LoopbackServer() = default;
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  ~LoopbackServer() {
    if (!m_thread.joinable()) return;
    m_server.stop();
    m_thread.join();
  }
  httplib::Server& Http() { return m_server; }
  // Listens once the routes are registered; returns when the server accepts connections.
  void Start() {
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    while (!m_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  int Port() const { return m_port; }

 private:
  httplib::Server m_server;
  std::thread m_thread;
  int m_port = 0;
};

// GET /api/insights as the operator set it (--no-insights, INSIGHTS_TOKEN).
struct InsightsSettings {
  bool on = true;
  std::string token;
};

class TestServer {
 public:
  explicit TestServer(std::string webRoot = "", std::string llmBaseUrl = "", std::string llmModel = "",
                      std::vector<std::string> corsOrigins = {}, int rateLimit = 0, std::size_t maxStreams = 32,
                      InsightsSettings insights = {}) {
    m_services.maxStreams = maxStreams;
    m_services.config.insights = insights.on;
    m_services.config.insightsToken = std::move(insights.token);
    m_services.config.corsOrigins = std::move(corsOrigins);
    m_services.config.rateLimit = rateLimit;
    m_services.config.docsDir = std::string(OAI_DATA_DIR) + "/knowledge";
    m_services.config.routerExamples = std::string(OAI_DATA_DIR) + "/router_examples.tsv";
    m_services.config.webRoot = std::move(webRoot);
    m_services.config.llmBaseUrl = std::move(llmBaseUrl);
    m_services.config.llmModel = std::move(llmModel);
    m_engine = CreateEngine(m_services.config, nullptr);
    m_services.engine = m_engine.get();
    m_services.store = &m_store;
    m_services.accessLog = &m_log;
    RegisterRoutes(m_http.Http(), m_services);
    m_http.Http().set_read_timeout(5, 0);  // as slow clients meet in production (main.cpp sets 10 s)
    m_http.Start();
  }
  // A replica: the given store and response cache (e.g. both in one Redis shared with other TestServers).
  TestServer(service::SessionStore* store, std::shared_ptr<engine::ResponseCache> cache,
             std::shared_ptr<StreamStore> streams = nullptr) {
    m_services.streams = std::move(streams);
    m_services.config.docsDir = std::string(OAI_DATA_DIR) + "/knowledge";
    m_services.config.routerExamples = std::string(OAI_DATA_DIR) + "/router_examples.tsv";
    m_engine = CreateEngine(m_services.config, nullptr, std::move(cache));
    m_services.engine = m_engine.get();
    m_services.store = store;
    RegisterRoutes(m_http.Http(), m_services);
    m_http.Start();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", m_http.Port());
    c.set_read_timeout(10, 0);
    return c;
  }
  int Port() const { return m_http.Port(); }
  std::string AccessLog() const { return m_log.str(); }

 private:
  Services m_services;
  service::MemorySessionStore m_store;
  std::unique_ptr<engine::Engine> m_engine;
  std::ostringstream m_log;
  LoopbackServer m_http;  // last: stops before the engine and the stores go
};

// The (id, event name) pairs of a server-sent event stream's text, in order.
inline std::vector<std::pair<int, std::string>> EventIdsAndNames(const std::string& body) {
  std::vector<std::pair<int, std::string>> out;
  std::istringstream in(body);
  std::string line;
  int id = 0;
  while (std::getline(in, line)) {
    if (line.rfind("id: ", 0) == 0) id = std::stoi(line.substr(4));
    if (line.rfind("event: ", 0) == 0) out.emplace_back(id, line.substr(7));
  }
  return out;
}

}  // namespace oai::server::testing
