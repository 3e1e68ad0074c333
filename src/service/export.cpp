// Session transcripts (see export.h).
#include "service/export.h"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace oai::service {

namespace {

// The citations of an answer: the documents log among the logs the answer lists.
std::vector<Citation> CitationsOf(const Message& m, const std::map<std::string, const RetrievalLog*>& logs) {
  for (const auto& id : m.log_ids) {
    auto it = logs.find(id);
    if (it == logs.end()) continue;
    if (const auto* docs = std::get_if<DocumentsData>(&it->second->data)) return docs->citations;
  }
  return {};
}

std::map<std::string, const RetrievalLog*> IndexLogs(const SessionHistory& h) {
  std::map<std::string, const RetrievalLog*> logs;
  for (const auto& l : h.logs) logs[l.id] = &l;
  return logs;
}

}  // namespace

std::string FeedbackLine(const Feedback& f) {
  std::string line = f.rating == "up" ? "Rated helpful" : "Rated not helpful";
  if (f.reason) {
    std::string reason = *f.reason;
    for (char& c : reason) c = c == '_' ? ' ' : c;
    line += ": " + reason;
  }
  if (f.comment) line += " — \"" + *f.comment + "\"";
  return line + " (" + f.updated_at + ")";
}

Json ExportJson(const SessionHistory& h) {
  const auto logs = IndexLogs(h);
  Json messages = Json::array();
  for (const auto& m : h.messages) {
    Json j = {{"role", ToString(m.role)}, {"content", m.content}, {"timestamp", m.timestamp}};
    if (m.role == MessageRole::Assistant) {
      if (m.agent) j["agent"] = ToString(*m.agent);
      if (m.confidence) j["confidence"] = *m.confidence;
      if (m.metrics) j["metrics"] = *m.metrics;
      j["citations"] = CitationsOf(m, logs);
      if (m.feedback) j["feedback"] = *m.feedback;
    }
    messages.push_back(std::move(j));
  }
  return {{"session", h.session}, {"messages", messages}};
}

std::string ExportMarkdown(const SessionHistory& h) {
  const auto logs = IndexLogs(h);
  const auto money = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "$%.4f", v);
    return std::string(buf);
  };
  std::string out = "# OrchestratAI conversation " + h.session.id + "\n\n";
  out += "Started " + h.session.start_time + ", last activity " + h.session.last_activity + ", " +
         std::to_string(h.session.message_count) + " messages, " + std::to_string(h.session.total_tokens) +
         " tokens, " + money(h.session.total_cost) + ".\n";
  for (const auto& m : h.messages) {
    if (m.role == MessageRole::User) {
      out += "\n## You (" + m.timestamp + ")\n\n" + m.content + "\n";
      continue;
    }
    out += "\n## " + std::string(m.agent ? DisplayName(*m.agent) : "Assistant") + " (" + m.timestamp + ")\n\n" +
           m.content + "\n";
    if (m.confidence || m.metrics) {
      out += "\n_";
      if (m.confidence) out += std::to_string(static_cast<int>(*m.confidence * 100 + 0.5)) + "% confident";
      if (m.metrics) {
        out += (m.confidence ? "; " : "") + std::to_string(m.metrics->tokensUsed) + " tokens, " +
               money(m.metrics->cost) + ", " + std::to_string(static_cast<long long>(m.metrics->latency + 0.5)) +
               " ms" + (m.metrics->cache_status == CacheStatus::Hit ? ", from the cache" : "");
      }
      out += "_\n";
    }
    const std::vector<Citation> citations = CitationsOf(m, logs);
    if (!citations.empty()) {
      out += "\nSources:\n";
      for (const Citation& c : citations) {
        out += "- [" + std::to_string(c.n) + "] " + c.source + " — " + c.heading + "\n";
      }
    }
    if (m.feedback) out += "\n" + FeedbackLine(*m.feedback) + "\n";
  }
  return out;
}

}  // namespace oai::service
