// A session store that reports how long each of its operations takes (Metrics::RecordStore, by backend and operation:
// /metrics' orchestratai_store_duration_seconds), whatever the backend. The routes use the store through it.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "server/metrics.h"
#include "service/session_store.h"

namespace oai::server {

class MeasuredSessionStore final : public service::SessionStore {
 public:
  MeasuredSessionStore(service::SessionStore& inner, std::shared_ptr<Metrics> metrics)
      : m_inner(inner), m_metrics(std::move(metrics)), m_kind(inner.Kind()) {}

  std::string Kind() const override { return m_kind; }
  bool Healthy() override { return Timed("health", [&] { return m_inner.Healthy(); }); }
  ChatSession Ensure(const std::string& id, const std::string& now) override {
    return Timed("ensure", [&] { return m_inner.Ensure(id, now); });
  }
  std::optional<ChatSession> Get(const std::string& id) override {
    return Timed("get", [&] { return m_inner.Get(id); });
  }
  std::optional<SessionHistory> History(const std::string& id) override {
    return Timed("history", [&] { return m_inner.History(id); });
  }
  std::vector<Message> RecentMessages(const std::string& id, std::size_t count) override {
    return Timed("recent_messages", [&] { return m_inner.RecentMessages(id, count); });
  }
  void AppendTurn(const std::string& id, const Message& user, const Message& assistant,
                  const std::vector<RetrievalLog>& logs) override {
    Timed("append_turn", [&] {
      m_inner.AppendTurn(id, user, assistant, logs);
      return true;
    });
  }
  void AppendTurnWithLogText(const std::string& id, const Message& user, const Message& assistant,
                             const std::vector<RetrievalLog>& logs, const std::vector<std::string>& logTexts) override {
    Timed("append_turn", [&] {
      m_inner.AppendTurnWithLogText(id, user, assistant, logs, logTexts);
      return true;
    });
  }
  service::FeedbackOutcome SetFeedback(const std::string& sessionId, const std::string& messageId,
                                       const Feedback& feedback) override {
    return Timed("feedback", [&] { return m_inner.SetFeedback(sessionId, messageId, feedback); });
  }
  service::InsightsData Insights(const service::InsightsRange& range) override {
    return Timed("insights", [&] { return m_inner.Insights(range); });
  }
  bool Delete(const std::string& id) override {
    return Timed("delete", [&] { return m_inner.Delete(id); });
  }
  std::optional<StorePool> Pool() const override { return m_inner.Pool(); }

 private:
  // Failed operations count too: a store timing out is what this is for.
  template <class F>
  std::invoke_result_t<F> Timed(const char* operation, F&& run) {
    const auto start = std::chrono::steady_clock::now();
    struct Record {
      const MeasuredSessionStore& self;
      const char* operation;
      std::chrono::steady_clock::time_point start;
      ~Record() {
        self.m_metrics->RecordStore(
            self.m_kind, operation,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
    } record{*this, operation, start};
    return run();
  }

  service::SessionStore& m_inner;
  std::shared_ptr<Metrics> m_metrics;
  std::string m_kind;
};

}  // namespace oai::server
