// An OpenAI-compatible chat-completions client (llama.cpp server, Ollama, vLLM, OpenAI) for the engine's optional
// generative step: streams the answer over server-sent events and reports the provider's token usage.
#pragma once

#include <string>

#include "engine/llm.h"

namespace oai::server {

struct OpenAiConfig {
  std::string baseUrl;  // "http://127.0.0.1:11434/v1": {baseUrl}/chat/completions is called
  std::string model;
  std::string apiKey;   // sent as a bearer token when set
  int connectTimeoutSeconds = 5;
  int readTimeoutSeconds = 30;
};

class OpenAiClient final : public engine::LlmClient {
 public:
  // Throws std::invalid_argument with one clear line for a base URL it cannot use.
  explicit OpenAiClient(OpenAiConfig config);
  std::string Model() const override { return m_config.model; }
  std::string Endpoint() const override { return m_config.baseUrl; }
  engine::LlmResult Complete(const engine::LlmRequest& request,
                             const std::function<void(const std::string&)>& onToken) override;

 private:
  OpenAiConfig m_config;
  std::string m_origin;  // scheme://host:port
  std::string m_path;    // /v1/chat/completions
};

}  // namespace oai::server
