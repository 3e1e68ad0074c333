// Validation of everything that crosses a trust boundary: requests the server receives and responses the clients
// receive. Errors name the field (JSON path) and the rule it broke, so a user can fix the input.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "model/model.h"

namespace oai {

struct FieldError {
  std::string field;    // JSON path: "message", "logs[2].chunks[0].similarity", "" for the whole body
  std::string rule;     // machine-readable: "required", "type", "unknown_field", "max_length", "format", ...
  std::string message;  // for people: "message must be at most 2000 characters (got 2001)"
  bool operator==(const FieldError&) const = default;
};

struct ValidationError {
  std::vector<FieldError> errors;
  // "message must not be empty; session_id must be a UUID" — the first few errors joined for the envelope's message.
  std::string Summary() const;
  // [{field, rule, message}, ...] for the envelope's details.
  Json ToDetails() const;
};

// A value or the reasons there is none.
template <class T>
class Result {
 public:
  Result(T value) : m_v(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(ValidationError error) : m_v(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const { return std::get<0>(m_v); }
  T& value() { return std::get<0>(m_v); }
  const ValidationError& error() const { return std::get<1>(m_v); }

 private:
  std::variant<T, ValidationError> m_v;
};

inline constexpr std::size_t kMaxMessageChars = 2000;  // Unicode code points

// Text checks.
bool IsValidUtf8(std::string_view s);
std::size_t Utf8Length(std::string_view s);  // code points; only meaningful for valid UTF-8
bool IsUuid(std::string_view s);             // 8-4-4-4-12 hex digits, any letter case
std::string NormalizeUuid(std::string_view s);  // lower case
bool IsIso8601(std::string_view s);          // 2026-11-24T10:00:00Z / with .sss and/or +hh:mm offset

// Parses JSON text without throwing: a discarded value (is_discarded()) when it is not JSON. Every parse in the code
// goes through a string_view, so nlohmann's parser is instantiated once (each input type is another ~20 KB of wasm).
Json ParseJsonOrDiscarded(std::string_view text);

// Request parsing (server side). Rejects invalid JSON, non-objects, missing, extra and wrong-typed fields, blank or
// over-long messages, invalid UTF-8, malformed UUIDs. The returned session_id is normalized to lower case.
Result<ChatRequest> ParseChatRequest(std::string_view body);
// POST /api/feedback: session_id and message_id (UUIDs, normalized to lower case), rating "up" or "down"; on a thumbs
// down only, an optional reason (one of kFeedbackReasons) and comment (at most 500 characters, no control characters
// but line breaks and tabs).
Result<FeedbackRequest> ParseFeedbackRequest(std::string_view body);

// Strict response validation (client side): exactly the contract's keys, right types, ranges (0..1), UUID ids,
// ISO 8601 timestamps. The Parse* variants validate and then convert.
std::vector<FieldError> ValidateDocumentChunk(const Json& j, const std::string& path = "");
std::vector<FieldError> ValidateRetrievalLog(const Json& j, const std::string& path = "");
std::vector<FieldError> ValidateChatMetrics(const Json& j, const std::string& path = "");
std::vector<FieldError> ValidateChatResponse(const Json& j, const std::string& path = "");
Result<ChatResponse> ParseChatResponse(std::string_view body);
Result<ErrorResponse> ParseErrorResponse(std::string_view body);

}  // namespace oai
