// One turn in progress, shared by its steps (routing.cpp, retrieval.cpp, compose_*.cpp): the response being built,
// the observer that sees each step as it finishes, and the accounting of tokens and cost against the pricing table.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "model/model.h"

namespace oai::engine {

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t0);

// Tokens are estimated as one per 4 bytes of text, rounded up: the usual rule of thumb for English with BPE
// tokenizers. A provider's reported usage replaces the estimate when an LLM answers.
std::int64_t EstimateTokens(std::string_view text);
inline constexpr const char* kTokenEstimator = "ceil(bytes / 4)";

// US dollars for one step of `model`; nullopt when the model is missing from the pricing table (never a silent $0).
std::optional<double> PriceOf(const std::string& model, std::int64_t promptTokens, std::int64_t completionTokens);

struct Turn {
  const TurnInput& input;
  const TurnObserver* observer;
  ChatResponse response;
  std::int64_t tokens = 0;
  double cost = 0.0;
  std::optional<std::vector<std::string>> questionTerms;  // QuestionTerms(), once asked for

  // The question's content words (ContentTerms), read once for the steps that need them.
  const std::vector<std::string>& QuestionTerms();

  void Status(AgentId id, AgentStatus s);
  // Stamps the log's id and time, reports it and adds it to the response. chunksText: the chunks as JSON text
  // already (ChunksJsonText), passed on to the observer; null when there is none.
  void Log(std::string title, LogData data, LogStatus status = LogStatus::Success,
           std::optional<std::vector<DocumentChunk>> chunks = std::nullopt, const std::string* chunksText = nullptr);
  void Chunk(const std::string& text);
  // Someone receives the answer's chunks (a stream): splitting an answer into them is work only then.
  bool WantsChunks() const { return observer && observer->onMessageChunk; }
  // Prices one step and adds it to the turn. An unpriced model adds its tokens and no cost, and says so in `warnings`.
  double Account(const std::string& model, std::int64_t promptTokens, std::int64_t completionTokens,
                 std::vector<std::string>* warnings);
};

}  // namespace oai::engine
