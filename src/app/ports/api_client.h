// The client of the companion server's REST API over a Transport. Every response is validated strictly against the
// contract (PRODUCT.md §3) and every failure is classified into a class with one clear message for people.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/ports/api_error.h"
#include "app/ports/transport.h"
#include "model/model.h"

namespace oai::app {

template <class T>
struct ApiResult {
  std::optional<T> value;
  ApiError error;  // meaningful only when !ok()
  bool ok() const { return value.has_value(); }
  static ApiResult Success(T v) { return ApiResult{std::move(v), {}}; }
  static ApiResult Failure(ApiError e) { return ApiResult{std::nullopt, std::move(e)}; }
};

// Turns a transport response that is not a 2xx into an ApiError (also used for 2xx bodies that fail validation, with
// kind InvalidResponse). Exposed for tests and for other clients (streaming) that share the classification.
ApiError ClassifyFailure(const HttpResponse& response);
ApiError InvalidResponseError(const HttpResponse& response, const std::string& detail);

// An answer with the id the server stored it under (X-Message-Id, or the stream's done event): what a vote names.
struct ChatAnswer {
  ChatResponse response;
  std::string messageId;
};

// What a streamed turn reports as it runs (ApiClient::StreamChat). Called on the transport's thread, in order.
struct ChatStreamHandlers {
  std::function<void(AgentStatusEvent)> onStatus;
  std::function<void(RetrievalLog)> onLog;
  std::function<void(std::string)> onChunk;            // the next piece of the answer's text
  std::function<void(ApiResult<ChatAnswer>)> onDone;  // once: the whole answer (as POST /api/chat gives it), or why not
};

class ApiClient {
 public:
  // baseUrl: "" means same origin ("/api/chat"); "http://127.0.0.1:8080" for the desktop host.
  ApiClient(Transport* transport, std::string baseUrl);

  void PostChat(const ChatRequest& request, std::function<void(ApiResult<ChatAnswer>)> onDone);
  // POST /api/chat/stream: the turn's steps as they finish (agent statuses, retrieval logs, pieces of the answer),
  // then the answer. Every event is validated like a plain answer. A stream that cannot be opened at all (nothing
  // arrived: a server without the route, a proxy that refuses event streams, too many open streams) falls back to
  // POST /api/chat once; a stream that breaks after its first event is a retryable failure.
  void StreamChat(const ChatRequest& request, ChatStreamHandlers handlers);
  void GetSession(const std::string& sessionId, std::function<void(ApiResult<SessionHistory>)> onDone);
  void GetHealth(std::function<void(ApiResult<HealthStatus>)> onDone);
  void GetAgents(std::function<void(ApiResult<std::vector<Agent>>)> onDone);
  // GET /api/documents/{id}: a whole document with where each section sits in it (offsets checked against it).
  void GetDocument(const std::string& id, std::function<void(ApiResult<DocumentDetail>)> onDone);
  // GET /api/session/{id}/export?format=md|json: the transcript as the server writes it for download.
  void GetExport(const std::string& sessionId, bool json, std::function<void(ApiResult<std::string>)> onDone);
  // POST /api/feedback: a vote on an answer; the stored vote back.
  void PostFeedback(const FeedbackRequest& request, std::function<void(ApiResult<FeedbackRecord>)> onDone);
  // GET /api/insights (the last 30 days) and GET /api/insights?format=csv (its content gaps as a file).
  void GetInsights(std::function<void(ApiResult<InsightsReport>)> onDone);
  void GetInsightsCsv(std::function<void(ApiResult<std::string>)> onDone);
  // DELETE /api/session/{id}: the conversation is gone from the store (a missing one counts as deleted).
  void DeleteSession(const std::string& sessionId, std::function<void(ApiResult<bool>)> onDone);

  const std::string& BaseUrl() const { return m_baseUrl; }

 private:
  HttpRequest MakeRequest(const char* method, const std::string& path) const;

  Transport* m_transport;
  std::string m_baseUrl;
};

}  // namespace oai::app
