// The optional generative step: an OpenAI-compatible chat-completions client behind an interface, so the engine has
// no network code. The server provides an HTTP implementation (server/openai_client.*); tests provide fakes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace oai::engine {

struct LlmMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
};

struct LlmRequest {
  std::string model;
  std::vector<LlmMessage> messages;
  int maxTokens = 512;
  double temperature = 0.2;
};

struct LlmResult {
  bool ok = false;
  std::string text;   // the whole answer (also streamed through onToken)
  std::string error;  // one line, when !ok
  bool usageReported = false;
  std::int64_t promptTokens = 0;
  std::int64_t completionTokens = 0;
};

class LlmClient {
 public:
  virtual ~LlmClient() = default;
  virtual std::string Model() const = 0;
  virtual std::string Endpoint() const = 0;
  // Streams the answer's text pieces through onToken as they arrive. Never throws.
  virtual LlmResult Complete(const LlmRequest& request, const std::function<void(const std::string&)>& onToken) = 0;
};

}  // namespace oai::engine
