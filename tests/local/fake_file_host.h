// Fakes for the in-page backend: browser storage in memory, and a file host that serves kb/ the way the web build lays
// it out, from the shipped data folder. Shared by the backend's tests and the contract samples.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/ports/transport.h"
#include "model/model.h"
#include "server/knowledge.h"

namespace oai::local {

namespace fs = std::filesystem;

class MemoryKeyValueStore : public app::KeyValueStore {
 public:
  std::optional<std::string> Get(const std::string& key) override {
    auto it = values.find(key);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }
  void Set(const std::string& key, const std::string& value) override { values[key] = value; }
  std::map<std::string, std::string> values;
};

// Serves kb/ the way the web build lays it out (kb/manifest.json, kb/knowledge/..., kb/router_examples.tsv) from the
// shipped data folder. Answers are held until Flush(), like a network that answers later.
class FakeFileHost : public app::Transport {
 public:
  explicit FakeFileHost(bool withManifest = true) : m_withManifest(withManifest) {}
  void Send(const app::HttpRequest& req, std::function<void(app::HttpResponse)> onDone) override {
    requests.push_back(req.url);
    m_pending.emplace_back(req, std::move(onDone));
  }
  void Flush() {
    while (!m_pending.empty()) {
      auto [req, onDone] = std::move(m_pending.front());
      m_pending.erase(m_pending.begin());
      onDone(Serve(req.url));
    }
  }
  std::vector<std::string> requests;

 private:
  app::HttpResponse Serve(const std::string& url) {
    app::HttpResponse r;
    const std::string data = OAI_DATA_DIR;
    if (url == "kb/manifest.json" && m_withManifest) {
      Json docs = Json::array();
      for (const auto& e : fs::recursive_directory_iterator(data + "/knowledge")) {
        if (e.path().extension() == ".md") docs.push_back(fs::relative(e.path(), data + "/knowledge").generic_string());
      }
      r.status = 200;
      r.body = Json{{"documents", docs}, {"router_examples", "router_examples.tsv"}, {"synonyms", "knowledge/synonyms.tsv"}}.dump();
    } else if (url.rfind("kb/", 0) == 0 && url != "kb/manifest.json") {
      r.status = 200;
      r.body = server::ReadTextFile(data + "/" + url.substr(3));
    } else {
      r.status = 404;
      r.body = "<html>Not Found</html>";
    }
    return r;
  }
  bool m_withManifest;
  std::vector<std::pair<app::HttpRequest, std::function<void(app::HttpResponse)>>> m_pending;
};

// One request through a transport, answered synchronously (the file host is flushed until the answer arrives).
inline app::HttpResponse Call(app::Transport& t, FakeFileHost* host, const std::string& method, const std::string& url,
                       const std::string& body = "") {
  app::HttpResponse out;
  bool done = false;
  // As the app's API client sends it: JSON bodies say so.
  std::vector<std::pair<std::string, std::string>> headers;
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  t.Send({method, url, body, headers, 30000}, [&](app::HttpResponse r) {
    out = std::move(r);
    done = true;
  });
  if (host) host->Flush();
  if (!done) out.error = "no answer to " + method + " " + url;
  return out;
}

}  // namespace oai::local
