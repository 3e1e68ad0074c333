// The in-page backend and the transport that chooses between it and the server (see local_backend.h).
#include "local/local_backend.h"

#include <strings.h>

#include <cstring>
#include <set>

#include "model/ids.h"
#include "model/validation.h"
#include "service/chat_service.h"

namespace oai::local {

namespace {

constexpr const char* kSessionKeyPrefix = "orchestratai.local.session.";
constexpr const char* kInsightsKey = "orchestratai.local.insights";

app::HttpResponse ToHttpResponse(service::ApiResponse reply) {
  app::HttpResponse r;
  r.status = reply.status;
  r.body = std::move(reply.body);
  if (!reply.contentType.empty()) r.headers.emplace_back("Content-Type", reply.contentType);
  for (auto& h : reply.headers) r.headers.push_back(std::move(h));
  return r;
}

app::HttpResponse Unavailable(const std::string& why) {
  return ToHttpResponse(service::ErrorResponseFor(503, "ENGINE_UNAVAILABLE", why, NewUuidV4(), Json{{"retryable", false}}));
}

// "/api/chat", "http://host:8080/api/chat?x=1" → "/api/chat", "/api/chat?x=1".
std::string ApiTarget(const std::string& url) {
  const auto api = url.find("/api/");
  return api == std::string::npos ? url : url.substr(api);
}

std::string HeaderOf(const app::HttpRequest& request, const char* name) {
  for (const auto& [k, v] : request.headers) {
    if (k.size() == std::strlen(name) && strncasecmp(k.c_str(), name, k.size()) == 0) return v;
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------------
// KeyValueSessionStore
// ---------------------------------------------------------------------------------------------------------------------

std::optional<SessionHistory> KeyValueSessionStore::History(const std::string& id) {
  auto text = m_storage ? m_storage->Get(kSessionKeyPrefix + id) : std::nullopt;
  if (!text) return std::nullopt;
  const Json j = ParseJsonOrDiscarded(*text);
  if (j.is_discarded()) return std::nullopt;
  try {
    return j.get<SessionHistory>();
  } catch (const std::exception&) {
    return std::nullopt;  // written by another version: start over rather than fail every turn
  }
}

void KeyValueSessionStore::Save(const SessionHistory& h) {
  if (m_storage) m_storage->Set(kSessionKeyPrefix + h.session.id, Json(h).dump());
}

ChatSession KeyValueSessionStore::Ensure(const std::string& id, const std::string& now) {
  if (auto h = History(id)) return h->session;
  SessionHistory h;
  h.session.id = id;
  h.session.start_time = now;
  h.session.last_activity = now;
  Save(h);
  return h.session;
}

std::optional<ChatSession> KeyValueSessionStore::Get(const std::string& id) {
  auto h = History(id);
  if (!h) return std::nullopt;
  return h->session;
}

void KeyValueSessionStore::AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                                      const std::vector<RetrievalLog>& logs) {
  SessionHistory h = History(id).value_or(SessionHistory{});
  if (h.session.id.empty()) {
    h.session.id = id;
    h.session.start_time = user.timestamp;
  }
  h.messages.push_back(user);
  h.messages.push_back(assistant);
  h.logs.insert(h.logs.end(), logs.begin(), logs.end());
  service::ApplyTurnToSession(h.session, assistant);
  UpdateInsights([&](service::InsightsLedger& l) { l.Record(service::FactsOfTurn(id, user, assistant, logs)); });
  if (h.messages.size() > kMaxStoredMessages) {
    // Drop the oldest turns and the logs that belonged to them.
    const std::size_t drop = h.messages.size() - kMaxStoredMessages;
    std::set<std::string> dropped;
    for (std::size_t i = 0; i < drop; ++i) {
      for (const auto& logId : h.messages[i].log_ids) dropped.insert(logId);
    }
    h.messages.erase(h.messages.begin(), h.messages.begin() + static_cast<std::ptrdiff_t>(drop));
    std::erase_if(h.logs, [&](const RetrievalLog& l) { return dropped.count(l.id) > 0; });
  }
  Save(h);
}

service::FeedbackOutcome KeyValueSessionStore::SetFeedback(const std::string& sessionId, const std::string& messageId,
                                                           const Feedback& feedback) {
  auto h = History(sessionId);
  if (!h) return service::FeedbackOutcome::NoSession;
  const service::FeedbackOutcome outcome = service::ApplyFeedback(h->messages, messageId, feedback);
  if (outcome == service::FeedbackOutcome::Stored) {
    Save(*h);
    UpdateInsights([&](service::InsightsLedger& l) { l.Vote(messageId, feedback.rating, feedback.reason.value_or("")); });
  }
  return outcome;
}

service::InsightsLedger KeyValueSessionStore::LoadInsights() const {
  service::InsightsLedger ledger;
  if (auto text = m_storage ? m_storage->Get(kInsightsKey) : std::nullopt; text && !text->empty()) {
    const Json j = ParseJsonOrDiscarded(*text);
    try {
      if (!j.is_discarded()) ledger = service::InsightsLedger::FromJson(j);
    } catch (const std::exception&) {
      // written by another version: the insights start over
    }
  }
  ledger.LimitFacts(kMaxInsightFacts);
  return ledger;
}

void KeyValueSessionStore::UpdateInsights(const std::function<void(service::InsightsLedger&)>& change) {
  if (!m_storage) return;
  service::InsightsLedger ledger = LoadInsights();
  change(ledger);
  m_storage->Set(kInsightsKey, ledger.ToJson().dump());
}

service::InsightsData KeyValueSessionStore::Insights(const service::InsightsRange& range) {
  return LoadInsights().Read(range);
}

bool KeyValueSessionStore::Delete(const std::string& id) {
  if (!History(id)) return false;
  if (m_storage) m_storage->Set(kSessionKeyPrefix + id, "");
  UpdateInsights([&](service::InsightsLedger& l) { l.ForgetSession(id); });
  return true;
}

// ---------------------------------------------------------------------------------------------------------------------
// LocalBackend
// ---------------------------------------------------------------------------------------------------------------------

LocalBackend::LocalBackend(app::Transport* files, app::KeyValueStore* storage, std::string kbBase)
    : m_files(files), m_kbBase(std::move(kbBase)), m_store(storage) {}

bool LocalBackend::Ready() const {
  std::lock_guard<std::recursive_mutex> lock(m_mutex);
  return m_state == LoadState::Ready;
}

void LocalBackend::Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) {
  std::unique_lock<std::recursive_mutex> lock(m_mutex);
  if (m_state == LoadState::Ready || m_state == LoadState::Failed) {
    app::HttpResponse response = m_state == LoadState::Ready ? Handle(request) : Unavailable(m_loadError);
    lock.unlock();
    onDone(std::move(response));
    return;
  }
  m_waiting.emplace_back(request, std::move(onDone));
  if (m_state == LoadState::NotStarted) StartLoading();
}

void LocalBackend::StartLoading() {
  m_state = LoadState::Loading;
  app::HttpRequest manifest{"GET", m_kbBase + "manifest.json", "", {}, 30000};
  m_files->Send(manifest, [this](app::HttpResponse r) {
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    const Json j = r.status == 200 ? ParseJsonOrDiscarded(r.body) : Json();
    if (!j.is_object() || !j.contains("documents") || !j["documents"].is_array() || !j.contains("router_examples")) {
      m_loadError = "the in-page engine could not load its knowledge base (" + m_kbBase + "manifest.json: " +
                    (r.status ? "HTTP " + std::to_string(r.status) : r.error) + ")";
      m_state = LoadState::Failed;
      Finish();
      return;
    }
    for (const auto& d : j["documents"]) m_paths.push_back("knowledge/" + d.get<std::string>());
    m_documentCount = m_paths.size();
    m_paths.push_back(j["router_examples"].get<std::string>());
    if (j.contains("synonyms") && j["synonyms"].is_string()) m_paths.push_back(j["synonyms"].get<std::string>());
    m_texts.assign(m_paths.size(), "");
    m_pending = m_paths.size();
    for (std::size_t i = 0; i < m_paths.size(); ++i) {
      m_files->Send({"GET", m_kbBase + m_paths[i], "", {}, 30000},
                    [this, i](app::HttpResponse file) { FileArrived(i, std::move(file)); });
    }
  });
}

void LocalBackend::FileArrived(std::size_t index, app::HttpResponse response) {
  std::lock_guard<std::recursive_mutex> lock(m_mutex);
  if (response.status == 200) m_texts[index] = std::move(response.body);
  if (--m_pending > 0) return;
  engine::EngineConfig config;
  for (std::size_t i = 0; i < m_documentCount; ++i) {
    if (!m_texts[i].empty()) config.documents.push_back({m_paths[i].substr(std::string("knowledge/").size()), m_texts[i]});
  }
  config.routerExamplesTsv = m_texts[m_documentCount];
  if (m_paths.size() > m_documentCount + 1) config.synonymsTsv = m_texts[m_documentCount + 1];
  try {
    m_engine = engine::Engine::Create(std::move(config));
    m_api = std::make_unique<service::Api>(*m_engine, m_store);
    m_state = LoadState::Ready;
  } catch (const std::exception& e) {
    m_loadError = std::string("the in-page engine could not start: ") + e.what();
    m_state = LoadState::Failed;
  }
  m_texts.clear();
  Finish();
}

void LocalBackend::Finish() {
  auto waiting = std::move(m_waiting);
  m_waiting.clear();
  for (auto& [request, onDone] : waiting) {
    onDone(m_state == LoadState::Ready ? Handle(request) : Unavailable(m_loadError));
  }
}

app::HttpResponse LocalBackend::Handle(const app::HttpRequest& request) {
  service::ApiRequest api;
  api.method = request.method;
  api.target = ApiTarget(request.url);
  api.contentType = HeaderOf(request, "Content-Type");
  api.requestId = HeaderOf(request, "X-Request-Id");
  api.body = request.body;
  return ToHttpResponse(m_api->Handle(api));
}

}  // namespace oai::local
