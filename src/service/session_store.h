// Where conversations live: sessions with their running totals, messages and retrieval logs. One interface, used by
// the server (memory, SQLite, Redis) and by the page in static mode (browser storage).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/model.h"
#include "service/insights.h"

namespace oai::service {

// Thrown by a store that cannot reach its backend; the routes answer 503 with a retryable error.
class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What became of a vote (SessionStore::SetFeedback).
enum class FeedbackOutcome { Stored, NoSession, NoMessage, NotAnAnswer };

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual std::string Kind() const = 0;  // "memory", "sqlite", "redis"
  virtual bool Healthy() = 0;
  // Creates the session when it does not exist; returns it either way. `id` is a lower-case UUID.
  virtual ChatSession Ensure(const std::string& id, const std::string& now) = 0;
  virtual std::optional<ChatSession> Get(const std::string& id) = 0;
  virtual std::optional<SessionHistory> History(const std::string& id) = 0;
  // The last `count` messages, oldest first; empty for an unknown session. What a chat turn reads: stores override it
  // so that a turn does not load the whole conversation.
  virtual std::vector<Message> RecentMessages(const std::string& id, std::size_t count);
  // Stores one question and its answer atomically, updating the session's totals and last activity. The answer's
  // log_ids name `logs` in order (as the chat service sets them): a store may find a turn's logs again through them.
  virtual void AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                          const std::vector<RetrievalLog>& logs) = 0;
  // The same, with each log's JSON text (ToJsonText, in order) already made for the answer and the stream: stores
  // that keep JSON write these bytes instead of serializing the logs a second time. By default they are not needed.
  virtual void AppendTurnWithLogText(const std::string& id, const Message& user, const Message& assistant,
                                     const std::vector<RetrievalLog>& logs, const std::vector<std::string>& logTexts) {
    (void)logTexts;
    AppendTurn(id, user, assistant, logs);
  }
  // Records a customer's vote on one of the session's answers, replacing an earlier vote on it; History() returns it
  // on the message. Nothing is written unless the outcome is Stored.
  virtual FeedbackOutcome SetFeedback(const std::string& sessionId, const std::string& messageId,
                                      const Feedback& feedback) = 0;
  // What the insights report needs for a range of days: the per-day counters every turn adds to (AppendTurn), the
  // votes by the day of their answer, and the gap candidates (declined questions, thumbs-down answers) of sessions
  // that still exist. Read with indexed queries: the cost follows the days and the gaps, not the messages.
  virtual InsightsData Insights(const InsightsRange& range) = 0;
  // True when the session existed. Its turns stay in the counters (numbers only); its questions leave the insights.
  virtual bool Delete(const std::string& id) = 0;
  // The connection pool, for stores that have one (PostgreSQL); reported by /api/health.
  virtual std::optional<StorePool> Pool() const { return std::nullopt; }
};

// Each log's JSON text (ToJsonText), in order.
std::vector<std::string> LogTexts(const std::vector<RetrievalLog>& logs);

class MemorySessionStore final : public SessionStore {
 public:
  std::string Kind() const override { return "memory"; }
  bool Healthy() override { return true; }
  ChatSession Ensure(const std::string& id, const std::string& now) override;
  std::optional<ChatSession> Get(const std::string& id) override;
  std::optional<SessionHistory> History(const std::string& id) override;
  std::vector<Message> RecentMessages(const std::string& id, std::size_t count) override;
  void AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                  const std::vector<RetrievalLog>& logs) override;
  FeedbackOutcome SetFeedback(const std::string& sessionId, const std::string& messageId,
                              const Feedback& feedback) override;
  InsightsData Insights(const InsightsRange& range) override;
  bool Delete(const std::string& id) override;

 private:
  std::mutex m_mutex;
  std::map<std::string, SessionHistory> m_sessions;
  InsightsLedger m_insights;
};

// Sets the vote on the answer `messageId` among `messages` (a session's, in memory): NoMessage or NotAnAnswer when it
// cannot.
FeedbackOutcome ApplyFeedback(std::vector<Message>& messages, const std::string& messageId, const Feedback& feedback);
// Puts each stored vote (by message id) on its message.
void AttachFeedback(std::vector<Message>& messages, const std::map<std::string, Feedback>& votes);

// Adds one turn to a session record: totals, message count, last activity. Shared by every store.
void ApplyTurnToSession(ChatSession& session, const Message& assistant);

}  // namespace oai::service
