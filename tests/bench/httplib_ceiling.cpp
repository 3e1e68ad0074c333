// The ceiling for scripts/bench.sh: cpp-httplib serving one constant 3 KB JSON answer for POST /api/chat, with the
// same server settings as orchestratai-server (thread pool, TCP_NODELAY, keep-alive, payload limit), so the chat
// figures can be read as a share of what the HTTP layer alone serves on this machine in the same run.
// Usage: oai_httplib_ceiling --port N [--threads N]
#include <httplib.h>

#include <csignal>
#include <cstring>
#include <iostream>
#include <string>

namespace {
httplib::Server* g_server = nullptr;
void OnSignal(int) {
  if (g_server) g_server->stop();
}
}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int threads = 64;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else {
      std::cerr << "usage: oai_httplib_ceiling --port N [--threads N]\n";
      return 2;
    }
  }
  if (port <= 0 || threads <= 0) {
    std::cerr << "usage: oai_httplib_ceiling --port N [--threads N]\n";
    return 2;
  }
  // A chat answer's shape and size: ~3 KB of JSON.
  std::string body = R"({"message":")";
  while (body.size() < 3000) body += "Annual plans can be refunded in full within 30 days of the first payment [1]. ";
  body += R"(","agent":"policy","confidence":0.93,"sources":[],"logs":[],"metrics":{"tokens":412,"cost":0.0004}})";

  httplib::Server server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  server.set_keep_alive_max_count(1000);
  server.set_read_timeout(10);
  server.set_write_timeout(10);
  server.set_tcp_nodelay(true);
  server.set_payload_max_length(64 * 1024);
  server.Post("/api/chat", [&body](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  });
  if (!server.bind_to_port("127.0.0.1", port)) {
    std::cerr << "oai_httplib_ceiling: cannot listen on 127.0.0.1:" << port << "\n";
    return 2;
  }
  g_server = &server;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::cout << "httplib ceiling listening on http://127.0.0.1:" << port << " (" << body.size() << " bytes)" << std::endl;
  server.listen_after_bind();
  return 0;
}
