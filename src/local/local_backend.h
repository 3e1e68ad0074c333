// The page without a server (static hosting): the HTTP API answered inside the page by the same engine and chat
// service the server uses, with the knowledge base fetched as static files and sessions kept in browser storage; and
// the transport that decides whether the server or the in-page engine answers is in fallback_transport.h.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/ports/backend.h"
#include "app/ports/transport.h"
#include "engine/engine.h"
#include "service/api.h"
#include "service/session_store.h"
#include "local/fallback_transport.h"

namespace oai::local {

// Sessions as JSON in a key-value store (localStorage in the browser), so a reload continues the conversation.
class KeyValueSessionStore final : public service::SessionStore {
 public:
  explicit KeyValueSessionStore(app::KeyValueStore* storage) : m_storage(storage) {}
  std::string Kind() const override { return "browser"; }
  bool Healthy() override { return true; }
  ChatSession Ensure(const std::string& id, const std::string& now) override;
  std::optional<ChatSession> Get(const std::string& id) override;
  std::optional<SessionHistory> History(const std::string& id) override;
  void AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                  const std::vector<RetrievalLog>& logs) override;
  service::FeedbackOutcome SetFeedback(const std::string& sessionId, const std::string& messageId,
                                       const Feedback& feedback) override;
  service::InsightsData Insights(const service::InsightsRange& range) override;
  bool Delete(const std::string& id) override;

  static constexpr std::size_t kMaxStoredMessages = 200;  // older turns are dropped to stay within storage quotas
  static constexpr std::size_t kMaxInsightFacts = 500;    // the questions behind the insights: the last 500 turns

 private:
  void Save(const SessionHistory& h);
  service::InsightsLedger LoadInsights() const;
  void UpdateInsights(const std::function<void(service::InsightsLedger&)>& change);
  app::KeyValueStore* m_storage;
};

// Answers /api/* requests in-process. The knowledge base (kb/manifest.json, then each file it lists) is fetched
// through `files` on first use; requests that arrive meanwhile wait for it.
class LocalBackend final : public app::Transport {
 public:
  LocalBackend(app::Transport* files, app::KeyValueStore* storage, std::string kbBase = "kb/");
  void Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) override;
  bool Ready() const;

 private:
  enum class LoadState { NotStarted, Loading, Ready, Failed };
  void StartLoading();
  void FileArrived(std::size_t index, app::HttpResponse response);
  void Finish();
  app::HttpResponse Handle(const app::HttpRequest& request);

  app::Transport* m_files;
  std::string m_kbBase;
  KeyValueSessionStore m_store;
  std::unique_ptr<engine::Engine> m_engine;
  std::unique_ptr<service::Api> m_api;  // answers every request once the engine is ready
  mutable std::recursive_mutex m_mutex;
  LoadState m_state = LoadState::NotStarted;
  std::string m_loadError;
  std::vector<std::string> m_paths;  // knowledge files, then the router examples, then the synonyms (when listed)
  std::size_t m_documentCount = 0;
  std::vector<std::string> m_texts;
  std::size_t m_pending = 0;
  std::deque<std::pair<app::HttpRequest, std::function<void(app::HttpResponse)>>> m_waiting;
};

}  // namespace oai::local
