// A catalog of malformed and hostile requests sent as raw bytes over a real socket: each gets the right 4xx (with the
// error envelope when the request got far enough to have a route), and the server stays healthy afterwards. Plus a
// slowloris client that the server drops without starving anyone else.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "test_server.h"

namespace oai::server {
namespace {

using testing::TestServer;

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Sends raw bytes and returns the status code of the answer (0 when the server closed without one). No half-close:
// cpp-httplib does not answer a client that already shut down its side.
int RawStatus(int port, const std::string& bytes, std::string* response = nullptr) {
  const int fd = Connect(port);
  if (fd < 0) return -1;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(fd);
  if (response) *response = out;
  if (out.rfind("HTTP/1.", 0) != 0 || out.size() < 12) return 0;
  return std::stoi(out.substr(9, 3));
}

std::string Post(const std::string& path, const std::string& body, const std::string& type = "application/json") {
  return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type + "\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}
std::string Get(const std::string& path, const std::string& extraHeaders = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "Connection: close\r\n\r\n";
}

struct Hostile {
  const char* name;
  std::string bytes;
  std::vector<int> expected;  // acceptable statuses (0 = the server closes without answering)
  bool envelope;              // the answer must be the JSON error envelope
};

std::vector<Hostile> Catalog() {
  const std::string sid = R"("session_id":"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b")";
  std::vector<Hostile> c = {
      // Bodies that are not the contract.
      {"empty body", Post("/api/chat", ""), {400}, true},
      {"not json", Post("/api/chat", "hello there"), {400}, true},
      {"truncated json", Post("/api/chat", R"({"message":"hi",)"), {400}, true},
      {"json array", Post("/api/chat", "[1,2,3]"), {400}, true},
      {"json null", Post("/api/chat", "null"), {400}, true},
      {"deeply nested", Post("/api/chat", std::string(5000, '[') + std::string(5000, ']')), {400}, true},
      {"nested garbage field", Post("/api/chat", R"({"message":"hi",)" + sid + R"(,"x":{"y":[{"z":{}}]}})"), {400}, true},
      {"duplicate keys", Post("/api/chat", R"({"message":"a","message":"b",)" + sid + "}"), {400, 200}, false},
      {"message number", Post("/api/chat", R"({"message":42,)" + sid + "}"), {400}, true},
      {"message object", Post("/api/chat", R"({"message":{"$gt":""},)" + sid + "}"), {400}, true},
      {"message empty", Post("/api/chat", R"({"message":"",)" + sid + "}"), {400}, true},
      {"message 2001 chars", Post("/api/chat", R"({"message":")" + std::string(2001, 'x') + "\"," + sid + "}"), {400}, true},
      {"session id sql", Post("/api/chat", R"({"message":"hi","session_id":"1' OR '1'='1"})"), {400}, true},
      {"session id array", Post("/api/chat", R"({"message":"hi","session_id":["a"]})"), {400}, true},
      {"session id too long", Post("/api/chat", R"({"message":"hi","session_id":")" + std::string(500, 'a') + "\"}"), {400}, true},
      // Text that is not UTF-8.
      {"invalid utf8 byte", Post("/api/chat", "{\"message\":\"caf\xC3\"," + sid + "}"), {400}, true},
      {"overlong encoding", Post("/api/chat", "{\"message\":\"\xC0\xAF\"," + sid + "}"), {400}, true},
      {"utf16 surrogate", Post("/api/chat", "{\"message\":\"\xED\xA0\x80\"," + sid + "}"), {400}, true},
      {"nul escape", Post("/api/chat", R"({"message":"a\u0000b",)" + sid + "}"), {400, 200}, false},
      {"latin1 body", Post("/api/chat", "{\"message\":\"\xE9t\xE9\"," + sid + "}"), {400}, true},
      // Sizes.
      {"body over 64 KiB", Post("/api/chat", R"({"message":")" + std::string(70000, 'x') + "\"," + sid + "}"), {413}, true},
      {"huge header", Get("/api/health", "X-Junk: " + std::string(20000, 'a') + "\r\n"), {400, 431, 0}, false},
      {"many headers", [] {
         std::string h;
         for (int i = 0; i < 200; ++i) h += "X-H" + std::to_string(i) + ": v\r\n";
         return Get("/api/health", h);
       }(), {200, 400, 431, 0}, false},
      {"huge url", Get("/api/session/" + std::string(10000, 'a')), {400, 414, 0}, false},
      // Content types.
      {"text/plain", Post("/api/chat", R"({"message":"hi",)" + sid + "}", "text/plain"), {415}, true},
      {"form", Post("/api/chat", "message=hi", "application/x-www-form-urlencoded"), {415}, true},
      {"json lookalike type", Post("/api/chat", R"({"message":"hi",)" + sid + "}", "application/jsonp"), {415}, true},
      {"no content type", "POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", {415}, true},
      // Paths and methods.
      {"unknown api route", Get("/api/admin"), {404}, true},
      {"unknown nested route", Get("/api/session/x/y/z"), {404, 400}, true},
      {"wrong method chat", Get("/api/chat"), {405}, true},
      {"put health", "PUT /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", {405}, true},
      {"delete chat", "DELETE /api/chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", {405}, true},
      {"patch session", "PATCH /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", {400, 405}, false},
      {"unknown method", "BREW /api/chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", {400, 405}, false},
      {"malformed session id", Get("/api/session/not-a-uuid"), {400}, true},
      {"session id with nul", Get("/api/session/%00"), {400, 404}, true},
      {"traversal", Get("/../../etc/passwd"), {400, 404}, false},
      {"encoded traversal", Get("/%2e%2e/%2e%2e/etc/passwd"), {400, 404}, false},
      {"double encoded traversal", Get("/%252e%252e/etc/passwd"), {404}, false},
      {"backslash traversal", Get("/..%5c..%5cetc/passwd"), {400, 404}, false},
      {"api traversal", Get("/api/../../etc/passwd"), {400, 404}, false},
      {"hidden file", Get("/.git/config"), {404}, false},
      {"absolute uri", "GET http://evil.example/api/health HTTP/1.1\r\nHost: evil\r\nConnection: close\r\n\r\n", {200, 400, 404}, false},
      // The protocol itself.
      {"garbage request line", "GARBAGE\r\n\r\n", {400, 0}, false},
      {"no version", "GET /api/health\r\n\r\n", {400, 0}, false},
      {"http 9.9", "GET /api/health HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n", {200, 400, 505, 0}, false},
      {"header without colon", "GET /api/health HTTP/1.1\r\nHost x\r\nBroken\r\n\r\n", {200, 400, 0}, false},
      {"short body", "POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}", {400, 0}, false},
      {"negative length", "POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\nConnection: close\r\n\r\n", {400, 413, 0}, false},
      {"bad chunk size", "POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n", {400, 0}, false},
      {"binary noise", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), {400, 0}, false},
      {"bad last event id", Get("/api/chat/stream/00000000-0000-4000-8000-000000000000", "Last-Event-ID: ../../x\r\n"), {404}, true},
      {"bad export format", Get("/api/session/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/export?format=exe"), {400}, true},
  };
  return c;
}

TEST(Hostile, EveryRequestOfTheCatalogGetsAClearAnswerAndTheServerStaysHealthy) {
  const auto root = std::filesystem::temp_directory_path() / ("oai-hostile-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  std::ofstream(root / "index.html") << "<!doctype html>";
  TestServer server(root.string());
  const auto catalog = Catalog();
  ASSERT_GE(catalog.size(), 50u);
  int answered = 0;
  for (const Hostile& h : catalog) {
    std::string response;
    const int status = RawStatus(server.Port(), h.bytes, &response);
    EXPECT_NE(std::find(h.expected.begin(), h.expected.end(), status), h.expected.end())
        << h.name << ": got " << status << "\n" << response.substr(0, 400);
    EXPECT_EQ(response.find("std::"), std::string::npos) << h.name << ": leaked internals";
    EXPECT_EQ(response.find("<html"), std::string::npos) << h.name << ": HTML error page";
    if (h.envelope && status >= 400) {
      const std::size_t body = response.find("\r\n\r\n");
      const Json j = Json::parse(response.substr(body + 4), nullptr, false);
      EXPECT_TRUE(j.is_object() && j.contains("error") && j["error"].contains("requestId")) << h.name << ": " << response;
    }
    answered += status > 0;
    // Still healthy after each one.
    EXPECT_EQ(RawStatus(server.Port(), Get("/api/health")), 200) << "after " << h.name;
  }
  std::printf("[hostile] %zu hostile requests, %d answered with a status, server healthy after each\n", catalog.size(), answered);
  std::filesystem::remove_all(root);
}

TEST(Hostile, ASlowlorisClientIsDroppedWhileOthersAreServed) {
  TestServer server;
  const int slow = Connect(server.Port());
  ASSERT_GE(slow, 0);
  const char* partial = "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  send(slow, partial, std::strlen(partial), MSG_NOSIGNAL);
  // Others are served meanwhile.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(RawStatus(server.Port(), Get("/api/health")), 200);
  // The server gives up on the slow client after its read timeout (5 s in tests) and closes the connection.
  const auto start = std::chrono::steady_clock::now();
  char buf[256];
  timeval tv{15, 0};
  setsockopt(slow, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const ssize_t n = recv(slow, buf, sizeof buf, 0);
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LE(n, 0 + 256);  // closed (0) or an error answer
  EXPECT_LT(waited, 14.0) << "the slow connection was never closed";
  close(slow);
}

}  // namespace
}  // namespace oai::server
