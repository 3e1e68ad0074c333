// Turn bookkeeping and the pricing table (see turn.h).
#include "engine/turn.h"

#include <map>

#include "engine/text.h"
#include "model/agents.h"
#include "model/ids.h"

namespace oai::engine {

namespace {

// US dollars per 1,000 tokens (prompt, completion). The router and the extractive composer run locally and cost
// nothing; local LLM servers (llama.cpp, Ollama) neither.
struct Price {
  double promptPer1k;
  double completionPer1k;
};
const std::map<std::string, Price, std::less<>>& PricingTable() {
  static const std::map<std::string, Price, std::less<>> table = {
      {kRouterModel, {0.0, 0.0}},         {kExtractiveModel, {0.0, 0.0}},
      {"gpt-4o-mini", {0.00015, 0.0006}}, {"gpt-4o", {0.0025, 0.01}},
      {"gpt-4.1-mini", {0.0004, 0.0016}}, {"gpt-3.5-turbo", {0.0005, 0.0015}},
      {"llama3.1:8b", {0.0, 0.0}},        {"qwen2.5:7b", {0.0, 0.0}},
  };
  return table;
}

}  // namespace

double MsSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::int64_t EstimateTokens(std::string_view text) { return static_cast<std::int64_t>((text.size() + 3) / 4); }

std::optional<double> PriceOf(const std::string& model, std::int64_t promptTokens, std::int64_t completionTokens) {
  auto price = PricingTable().find(model);
  if (price == PricingTable().end()) return std::nullopt;
  return (static_cast<double>(promptTokens) * price->second.promptPer1k +
          static_cast<double>(completionTokens) * price->second.completionPer1k) / 1000.0;
}

const std::vector<std::string>& Turn::QuestionTerms() {
  if (!questionTerms) questionTerms = ContentTerms(input.question);
  return *questionTerms;
}

void Turn::Status(AgentId id, AgentStatus s) {
  response.agent_status[id] = s;
  if (observer && observer->onAgentStatus) observer->onAgentStatus(id, s);
}

void Turn::Log(std::string title, LogData data, LogStatus status, std::optional<std::vector<DocumentChunk>> chunks,
               const std::string* chunksText) {
  RetrievalLog log;
  log.id = NewUuidV4();
  log.timestamp = NowIso8601();
  log.title = std::move(title);
  log.data = std::move(data);
  log.status = status;
  log.chunks = std::move(chunks);
  if (observer && observer->onLog) observer->onLog(log, log.chunks ? chunksText : nullptr);
  response.logs.push_back(std::move(log));
}

void Turn::Chunk(const std::string& text) {
  if (observer && observer->onMessageChunk) observer->onMessageChunk(text);
}

double Turn::Account(const std::string& model, std::int64_t promptTokens, std::int64_t completionTokens,
                     std::vector<std::string>* warnings) {
  tokens += promptTokens + completionTokens;
  const std::optional<double> c = PriceOf(model, promptTokens, completionTokens);
  if (!c) {
    if (warnings) warnings->push_back("no price for model " + model + ": its cost is not counted");
    return 0.0;
  }
  cost += *c;
  return *c;
}

}  // namespace oai::engine
