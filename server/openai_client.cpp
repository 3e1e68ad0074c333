// OpenAI-compatible streaming client (see openai_client.h).
#include "server/openai_client.h"

#include <httplib.h>

#include <stdexcept>

#include "model/model.h"

namespace oai::server {

OpenAiClient::OpenAiClient(OpenAiConfig config) : m_config(std::move(config)) {
  const std::string& url = m_config.baseUrl;
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos || (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)) {
    throw std::invalid_argument("LLM_BASE_URL must start with http:// or https://");
  }
  const std::size_t slash = url.find('/', scheme + 3);
  m_origin = slash == std::string::npos ? url : url.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : url.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  m_path = prefix + "/chat/completions";
  if (m_config.model.empty()) throw std::invalid_argument("LLM_MODEL is required when LLM_BASE_URL is set");
}

engine::LlmResult OpenAiClient::Complete(const engine::LlmRequest& request,
                                         const std::function<void(const std::string&)>& onToken) {
  engine::LlmResult result;
  Json messages = Json::array();
  for (const auto& m : request.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
  const Json body = {{"model", request.model.empty() ? m_config.model : request.model},
                     {"messages", messages},
                     {"stream", true},
                     {"stream_options", {{"include_usage", true}}},
                     {"max_tokens", request.maxTokens},
                     {"temperature", request.temperature}};

  httplib::Client client(m_origin);
  client.set_connection_timeout(m_config.connectTimeoutSeconds, 0);
  client.set_read_timeout(m_config.readTimeoutSeconds, 0);
  client.set_write_timeout(m_config.readTimeoutSeconds, 0);

  httplib::Request req;
  req.method = "POST";
  req.path = m_path;
  req.body = body.dump();
  req.set_header("Content-Type", "application/json");
  req.set_header("Accept", "text/event-stream");
  if (!m_config.apiKey.empty()) req.set_header("Authorization", "Bearer " + m_config.apiKey);

  int status = 0;
  bool streaming = false;
  std::string pending;  // bytes of an event not yet terminated by a newline
  std::string raw;      // a non-streaming body (JSON answer or error), kept whole
  bool parseError = false;
  auto handleLine = [&](const std::string& line) {
    if (line.rfind("data:", 0) != 0) return;  // comments, event names, ids
    std::string data = line.substr(5);
    if (!data.empty() && data[0] == ' ') data.erase(0, 1);
    if (data == "[DONE]") return;
    const Json chunk = Json::parse(data, nullptr, false);
    if (chunk.is_discarded()) {
      parseError = true;
      return;
    }
    if (chunk.contains("choices") && chunk["choices"].is_array() && !chunk["choices"].empty()) {
      const Json& delta = chunk["choices"][0].value("delta", Json::object());
      if (delta.contains("content") && delta["content"].is_string()) {
        const std::string piece = delta["content"].get<std::string>();
        if (!piece.empty()) {
          result.text += piece;
          if (onToken) onToken(piece);
        }
      }
    }
    if (chunk.contains("usage") && chunk["usage"].is_object()) {
      result.usageReported = true;
      result.promptTokens = chunk["usage"].value("prompt_tokens", 0);
      result.completionTokens = chunk["usage"].value("completion_tokens", 0);
    }
  };
  req.response_handler = [&](const httplib::Response& res) {
    status = res.status;
    streaming = res.get_header_value("Content-Type").find("text/event-stream") != std::string::npos;
    return true;
  };
  req.content_receiver = [&](const char* data, std::size_t length, std::uint64_t, std::uint64_t) {
    if (!streaming || status != 200) {
      raw.append(data, length);
      return raw.size() < (1u << 20);
    }
    pending.append(data, length);
    for (std::size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
      std::string line = pending.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      pending.erase(0, nl + 1);
      handleLine(line);
    }
    return true;
  };

  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  const bool sent = client.send(req, res, error);
  if (!sent) {
    result.error = error == httplib::Error::Read ? "no answer within " + std::to_string(m_config.readTimeoutSeconds) + " s"
                                                 : "cannot reach " + m_config.baseUrl + " (" + httplib::to_string(error) + ")";
    return result;
  }
  if (status != 200) {
    const Json err = Json::parse(raw, nullptr, false);
    std::string detail;
    if (!err.is_discarded() && err.contains("error")) {
      detail = err["error"].is_object() ? err["error"].value("message", "") : err["error"].dump();
    }
    result.error = "HTTP " + std::to_string(status) + (detail.empty() ? "" : ": " + detail);
    return result;
  }
  if (!streaming) {
    // A server that ignores "stream": one JSON answer.
    const Json answer = Json::parse(raw, nullptr, false);
    if (answer.is_discarded() || !answer.contains("choices") || answer["choices"].empty()) {
      result.error = "the answer is not an OpenAI chat completion";
      return result;
    }
    result.text = answer["choices"][0].value("message", Json::object()).value("content", "");
    if (onToken && !result.text.empty()) onToken(result.text);
    if (answer.contains("usage")) {
      result.usageReported = true;
      result.promptTokens = answer["usage"].value("prompt_tokens", 0);
      result.completionTokens = answer["usage"].value("completion_tokens", 0);
    }
  } else if (!pending.empty()) {
    handleLine(pending);
  }
  if (parseError && result.text.empty()) {
    result.error = "the stream did not contain OpenAI chat-completion chunks";
    return result;
  }
  result.ok = true;
  return result;
}

}  // namespace oai::server
