// The in-memory session store and the bookkeeping every store shares.
#include "service/session_store.h"

#include "model/json_text.h"

namespace oai::service {

std::vector<std::string> LogTexts(const std::vector<RetrievalLog>& logs) {
  std::vector<std::string> texts;
  texts.reserve(logs.size());
  for (const RetrievalLog& log : logs) texts.push_back(ToJsonText(log));
  return texts;
}

void ApplyTurnToSession(ChatSession& session, const Message& assistant) {
  session.message_count += 2;
  if (assistant.metrics) {
    session.total_tokens += assistant.metrics->tokensUsed;
    session.total_cost += assistant.metrics->cost;
  }
  session.last_activity = assistant.timestamp;
}

namespace {
std::vector<Message> LastMessages(const std::vector<Message>& all, std::size_t count) {
  const std::size_t from = all.size() > count ? all.size() - count : 0;
  return std::vector<Message>(all.begin() + static_cast<std::ptrdiff_t>(from), all.end());
}
}  // namespace

std::vector<Message> SessionStore::RecentMessages(const std::string& id, std::size_t count) {
  auto h = History(id);
  return h ? LastMessages(h->messages, count) : std::vector<Message>{};
}

std::vector<Message> MemorySessionStore::RecentMessages(const std::string& id, std::size_t count) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_sessions.find(id);
  return it == m_sessions.end() ? std::vector<Message>{} : LastMessages(it->second.messages, count);
}

ChatSession MemorySessionStore::Ensure(const std::string& id, const std::string& now) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_sessions.find(id);
  if (it == m_sessions.end()) {
    SessionHistory h;
    h.session.id = id;
    h.session.start_time = now;
    h.session.last_activity = now;
    it = m_sessions.emplace(id, std::move(h)).first;
  }
  return it->second.session;
}

std::optional<ChatSession> MemorySessionStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_sessions.find(id);
  if (it == m_sessions.end()) return std::nullopt;
  return it->second.session;
}

std::optional<SessionHistory> MemorySessionStore::History(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_sessions.find(id);
  if (it == m_sessions.end()) return std::nullopt;
  return it->second;
}

void MemorySessionStore::AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                                    const std::vector<RetrievalLog>& logs) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_sessions.find(id);
  if (it == m_sessions.end()) {
    SessionHistory h;
    h.session.id = id;
    h.session.start_time = user.timestamp;
    it = m_sessions.emplace(id, std::move(h)).first;
  }
  SessionHistory& h = it->second;
  m_insights.Record(FactsOfTurn(id, user, assistant, logs));
  h.messages.push_back(user);
  h.messages.push_back(assistant);
  h.logs.insert(h.logs.end(), logs.begin(), logs.end());
  ApplyTurnToSession(h.session, assistant);
}

FeedbackOutcome ApplyFeedback(std::vector<Message>& messages, const std::string& messageId, const Feedback& feedback) {
  for (Message& m : messages) {
    if (m.id != messageId) continue;
    if (m.role != MessageRole::Assistant) return FeedbackOutcome::NotAnAnswer;
    m.feedback = feedback;
    return FeedbackOutcome::Stored;
  }
  return FeedbackOutcome::NoMessage;
}

void AttachFeedback(std::vector<Message>& messages, const std::map<std::string, Feedback>& votes) {
  if (votes.empty()) return;
  for (Message& m : messages) {
    if (auto it = votes.find(m.id); it != votes.end()) m.feedback = it->second;
  }
}

FeedbackOutcome MemorySessionStore::SetFeedback(const std::string& sessionId, const std::string& messageId,
                                                const Feedback& feedback) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_sessions.find(sessionId);
  if (it == m_sessions.end()) return FeedbackOutcome::NoSession;
  const FeedbackOutcome outcome = ApplyFeedback(it->second.messages, messageId, feedback);
  if (outcome == FeedbackOutcome::Stored) m_insights.Vote(messageId, feedback.rating, feedback.reason.value_or(""));
  return outcome;
}

InsightsData MemorySessionStore::Insights(const InsightsRange& range) {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_insights.Read(range);
}

bool MemorySessionStore::Delete(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_insights.ForgetSession(id);
  return m_sessions.erase(id) > 0;
}

}  // namespace oai::service
