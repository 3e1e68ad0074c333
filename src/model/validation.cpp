// Validation with precise errors: which field, which rule, what was found.
#include "model/validation.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace oai {

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Errors
// ---------------------------------------------------------------------------------------------------------------------

std::string ValidationError::Summary() const {
  std::string out;
  const std::size_t shown = std::min<std::size_t>(errors.size(), 3);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i) out += "; ";
    out += errors[i].message;
  }
  if (errors.size() > shown) out += "; and " + std::to_string(errors.size() - shown) + " more";
  return out;
}

Json ValidationError::ToDetails() const {
  Json arr = Json::array();
  for (const auto& e : errors) arr.push_back({{"field", e.field}, {"rule", e.rule}, {"message", e.message}});
  return arr;
}

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Text checks
// ---------------------------------------------------------------------------------------------------------------------

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte without a lead, or 0xF8..0xFF
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp > 0x10FFFF) return false;
    i += len;
  }
  return true;
}

std::size_t Utf8Length(std::string_view s) {
  std::size_t count = 0;
  for (char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string NormalizeUuid(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {
bool Digits(std::string_view s, std::size_t pos, std::size_t count) {
  if (pos + count > s.size()) return false;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}
int Num(std::string_view s, std::size_t pos, std::size_t count) {
  int v = 0;
  for (std::size_t i = pos; i < pos + count; ++i) v = v * 10 + (s[i] - '0');
  return v;
}
}  // namespace

bool IsIso8601(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)
  if (!Digits(s, 0, 4) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2) || s[7] != '-' || !Digits(s, 8, 2) ||
      (s[10] != 'T' && s[10] != 't') || !Digits(s, 11, 2) || s[13] != ':' || !Digits(s, 14, 2) || s[16] != ':' ||
      !Digits(s, 17, 2)) {
    return false;
  }
  const int month = Num(s, 5, 2), day = Num(s, 8, 2), hour = Num(s, 11, 2), minute = Num(s, 14, 2),
            second = Num(s, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    return i + 6 == s.size() && Digits(s, i + 1, 2) && s[i + 3] == ':' && Digits(s, i + 4, 2) &&
           Num(s, i + 1, 2) <= 23 && Num(s, i + 4, 2) <= 59;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Object shape helpers
// ---------------------------------------------------------------------------------------------------------------------

namespace {

std::string Join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
std::string Index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }
std::string Label(const std::string& path) { return path.empty() ? std::string("body") : path; }

const char* TypeName(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "object";
    case Json::value_t::array: return "array";
    case Json::value_t::string: return "string";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "integer";
    case Json::value_t::number_float: return "number";
    default: return "unknown";
  }
}

void TypeError(std::vector<FieldError>& errs, const std::string& path, const char* want, const Json& got) {
  errs.push_back({path, "type", Label(path) + " must be " + want + " (got " + TypeName(got) + ")"});
}

// Checks that `j` is an object holding every required key and no key outside required+optional. Returns false when
// `j` is not an object (nothing more can be checked).
bool CheckShape(const Json& j, const std::string& path, std::initializer_list<const char*> required,
                std::initializer_list<const char*> optional, std::vector<FieldError>& errs) {
  if (!j.is_object()) {
    TypeError(errs, path, "an object", j);
    return false;
  }
  for (const char* k : required) {
    if (!j.contains(k)) errs.push_back({Join(path, k), "required", Join(path, k) + " is required"});
  }
  for (const auto& item : j.items()) {
    const std::string& key = item.key();  // a plain name: clang 14 cannot capture structured bindings in lambdas
    const bool known = std::any_of(required.begin(), required.end(), [&](const char* k) { return key == k; }) ||
                       std::any_of(optional.begin(), optional.end(), [&](const char* k) { return key == k; });
    if (!known) {
      errs.push_back({Join(path, key), "unknown_field", Join(path, key) + " is not an allowed field"});
    }
  }
  return true;
}

void CheckString(const Json& j, const char* key, const std::string& path, std::vector<FieldError>& errs,
                 bool nonEmpty = false) {
  if (!j.contains(key)) return;
  const Json& v = j.at(key);
  if (!v.is_string()) return TypeError(errs, Join(path, key), "a string", v);
  if (nonEmpty && v.get_ref<const std::string&>().empty()) {
    errs.push_back({Join(path, key), "min_length", Join(path, key) + " must not be empty"});
  }
}

void CheckNumberRange(const Json& j, const char* key, const std::string& path, double lo, double hi,
                      std::vector<FieldError>& errs) {
  if (!j.contains(key)) return;
  const Json& v = j.at(key);
  if (!v.is_number()) return TypeError(errs, Join(path, key), "a number", v);
  const double d = v.get<double>();
  if (!(d >= lo && d <= hi)) {
    errs.push_back({Join(path, key), "range",
                    Join(path, key) + " must be between " + Json(lo).dump() + " and " + Json(hi).dump() + " (got " +
                        v.dump() + ")"});
  }
}

void CheckNonNegative(const Json& j, const char* key, const std::string& path, bool integer,
                      std::vector<FieldError>& errs) {
  if (!j.contains(key)) return;
  const Json& v = j.at(key);
  if (integer ? !v.is_number_integer() : !v.is_number()) {
    return TypeError(errs, Join(path, key), integer ? "an integer" : "a number", v);
  }
  if (v.get<double>() < 0) {
    errs.push_back({Join(path, key), "range", Join(path, key) + " must not be negative (got " + v.dump() + ")"});
  }
}

template <class ParseFn>
void CheckEnum(const Json& j, const char* key, const std::string& path, ParseFn parse, const char* allowed,
               std::vector<FieldError>& errs) {
  if (!j.contains(key)) return;
  const Json& v = j.at(key);
  if (!v.is_string()) return TypeError(errs, Join(path, key), "a string", v);
  if (!parse(v.get<std::string>())) {
    errs.push_back({Join(path, key), "enum", Join(path, key) + " must be one of " + allowed + " (got " + v.dump() + ")"});
  }
}

void CheckFormat(const Json& j, const char* key, const std::string& path, bool (*valid)(std::string_view),
                 const char* what, std::vector<FieldError>& errs) {
  if (!j.contains(key) || !j.at(key).is_string()) return;
  if (!valid(j.at(key).get_ref<const std::string&>())) {
    errs.push_back({Join(path, key), "format", Join(path, key) + " must be " + what});
  }
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; people need only the part after it.
std::string CleanJsonError(const std::string& what) {
  const auto pos = what.find("] ");
  return pos == std::string::npos ? what : what.substr(pos + 2);
}

std::optional<Json> ParseJsonText(std::string_view body, std::vector<FieldError>& errs) {
  if (!IsValidUtf8(body)) {
    errs.push_back({"", "encoding", "request body must be valid UTF-8"});
    return std::nullopt;
  }
  try {
    return Json::parse(body.begin(), body.end());
  } catch (const Json::exception& e) {
    errs.push_back({"", "json", "body is not valid JSON: " + CleanJsonError(e.what())});
    return std::nullopt;
  }
}

// Where `in` (what arrived) and `back` (the same read into its type and written again) differ: a key the type does
// not have, or a value that did not survive the trip (an unknown enum name, 3.5 for an integer).
void Differences(const Json& in, const Json& back, const std::string& path, std::vector<FieldError>& errs) {
  if (in.is_object() && back.is_object()) {
    for (auto it = in.begin(); it != in.end(); ++it) {
      const std::string field = Join(path, it.key());
      auto other = back.find(it.key());
      if (other == back.end()) {
        errs.push_back({field, "unknown_field", field + " is not part of the contract"});
      } else {
        Differences(it.value(), *other, field, errs);
      }
    }
    return;
  }
  if (in.is_array() && back.is_array() && in.size() == back.size()) {
    for (std::size_t i = 0; i < in.size(); ++i) Differences(in[i], back[i], Index(path, i), errs);
    return;
  }
  if (in != back) errs.push_back({path, "value", path + " has a value of the wrong type or outside its enum"});
}

// A typed member (a log's data, a chunk's metadata) is strict when reading it into its type and writing it back gives
// the same JSON; what differs is reported at its JSON path.
template <class Read>
void CheckTyped(const Json& value, const std::string& path, Read&& read, std::vector<FieldError>& errs) {
  Json back;
  try {
    back = read(value);
  } catch (const Json::exception& e) {
    errs.push_back({path, "type", path + ": " + CleanJsonError(e.what())});
    return;
  }
  if (back != value) Differences(value, back, path, errs);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Requests
// ---------------------------------------------------------------------------------------------------------------------

namespace {

// A chat request's two fields, checked the same way whichever reader found them.
void CheckChatMessage(const std::string& text, ChatRequest& req, std::vector<FieldError>& errs) {
  const std::size_t chars = Utf8Length(text);
  if (text.empty()) {
    errs.push_back({"message", "min_length", "message must not be empty"});
  } else if (text.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    errs.push_back({"message", "blank", "message must contain more than white space"});
  } else if (chars > kMaxMessageChars) {
    errs.push_back({"message", "max_length",
                    "message must be at most " + std::to_string(kMaxMessageChars) + " characters (got " +
                        std::to_string(chars) + ")"});
  } else if (std::any_of(text.begin(), text.end(), [](char c) {
               const auto u = static_cast<unsigned char>(c);
               return (u < 0x20 && c != '\n' && c != '\r' && c != '\t') || u == 0x7F;
             })) {
    errs.push_back({"message", "characters", "message must not contain control characters"});
  } else {
    req.message = text;
  }
}

void CheckChatSessionId(const std::string& id, ChatRequest& req, std::vector<FieldError>& errs) {
  if (!IsUuid(id)) {
    errs.push_back({"session_id", "format", "session_id must be a UUID like 3f2b8c1e-9d4a-4b7e-8f00-2a1c5d6e7f80"});
  } else {
    req.session_id = NormalizeUuid(id);
  }
}

// The usual body, {"message": "...", "session_id": "..."} (either order) and nothing else, read without building a
// JSON tree. Anything else (another key, a key twice, a value that is not a string, a \u escape, a control byte in a
// string, text after the object) is left to the general reader, which reads the same bodies the same way and words
// every error: this one only answers the common case sooner.
class PlainChatReader {
 public:
  explicit PlainChatReader(std::string_view body) : m_s(body) {}

  bool Read(std::string& message, std::string& sessionId) {
    bool haveMessage = false, haveSession = false;
    Space();
    if (!Eat('{')) return false;
    for (int field = 0; field < 2; ++field) {
      Space();
      std::string key;
      if (!String(key)) return false;
      Space();
      if (!Eat(':')) return false;
      Space();
      if (key == "message" && !haveMessage) {
        if (!String(message)) return false;
        haveMessage = true;
      } else if (key == "session_id" && !haveSession) {
        if (!String(sessionId)) return false;
        haveSession = true;
      } else {
        return false;
      }
      Space();
      if (!Eat(field == 0 ? ',' : '}')) return false;
    }
    Space();
    return m_i == m_s.size();
  }

 private:
  void Space() {
    while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n' || m_s[m_i] == '\r')) ++m_i;
  }
  bool Eat(char c) {
    if (m_i >= m_s.size() || m_s[m_i] != c) return false;
    ++m_i;
    return true;
  }
  bool String(std::string& out) {
    if (!Eat('"')) return false;
    out.clear();
    std::size_t run = m_i;
    while (m_i < m_s.size()) {
      const auto c = static_cast<unsigned char>(m_s[m_i]);
      if (c == '"') {
        out.append(m_s.data() + run, m_i - run);
        ++m_i;
        return true;
      }
      if (c < 0x20) return false;
      if (c != '\\') {
        ++m_i;
        continue;
      }
      out.append(m_s.data() + run, m_i - run);
      if (++m_i >= m_s.size()) return false;
      switch (m_s[m_i]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        default: return false;  // \u and anything unknown: the general reader
      }
      run = ++m_i;
    }
    return false;
  }

  std::string_view m_s;
  std::size_t m_i = 0;
};

}  // namespace

Result<ChatRequest> ParseChatRequest(std::string_view body) {
  std::vector<FieldError> errs;
  ChatRequest req;
  if (IsValidUtf8(body)) {
    std::string message, sessionId;
    if (PlainChatReader(body).Read(message, sessionId)) {
      CheckChatMessage(message, req, errs);
      CheckChatSessionId(sessionId, req, errs);
      if (!errs.empty()) return ValidationError{errs};
      return req;
    }
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return ValidationError{{{"", "required", "request body must be a JSON object with message and session_id"}}};
  }
  std::optional<Json> parsed = ParseJsonText(body, errs);
  if (!parsed) return ValidationError{errs};
  const Json& j = *parsed;
  if (!CheckShape(j, "", {"message", "session_id"}, {}, errs)) {
    errs.back().message = "request body must be a JSON object (got " + std::string(TypeName(j)) + ")";
    return ValidationError{errs};
  }
  if (j.contains("message")) {
    const Json& m = j.at("message");
    if (!m.is_string()) {
      TypeError(errs, "message", "a string", m);
    } else {
      CheckChatMessage(m.get_ref<const std::string&>(), req, errs);
    }
  }
  if (j.contains("session_id")) {
    const Json& s = j.at("session_id");
    if (!s.is_string()) {
      TypeError(errs, "session_id", "a string", s);
    } else {
      CheckChatSessionId(s.get_ref<const std::string&>(), req, errs);
    }
  }
  if (!errs.empty()) return ValidationError{errs};
  return req;
}

Result<FeedbackRequest> ParseFeedbackRequest(std::string_view body) {
  std::vector<FieldError> errs;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return ValidationError{{{"", "required", "request body must be a JSON object with session_id, message_id and rating"}}};
  }
  std::optional<Json> parsed = ParseJsonText(body, errs);
  if (!parsed) return ValidationError{errs};
  const Json& j = *parsed;
  if (!CheckShape(j, "", {"session_id", "message_id", "rating"}, {"reason", "comment"}, errs)) {
    errs.back().message = "request body must be a JSON object (got " + std::string(TypeName(j)) + ")";
    return ValidationError{errs};
  }
  FeedbackRequest req;
  const auto uuid = [&](const char* key, std::string& into) {
    if (!j.contains(key)) return;
    const Json& v = j.at(key);
    if (!v.is_string()) return TypeError(errs, key, "a string", v);
    if (!IsUuid(v.get_ref<const std::string&>())) {
      errs.push_back({key, "format", std::string(key) + " must be a UUID like 3f2b8c1e-9d4a-4b7e-8f00-2a1c5d6e7f80"});
      return;
    }
    into = NormalizeUuid(v.get_ref<const std::string&>());
  };
  uuid("session_id", req.session_id);
  uuid("message_id", req.message_id);
  if (j.contains("rating")) {
    const Json& r = j.at("rating");
    if (!r.is_string()) {
      TypeError(errs, "rating", "a string", r);
    } else if (r != "up" && r != "down") {
      errs.push_back({"rating", "enum", "rating must be \"up\" or \"down\""});
    } else {
      req.rating = r.get<std::string>();
    }
  }
  const bool down = req.rating == "down";
  if (j.contains("reason")) {
    const Json& r = j.at("reason");
    const auto known = [&r] {
      return std::any_of(kFeedbackReasons.begin(), kFeedbackReasons.end(), [&r](const char* k) { return r == k; });
    };
    if (!r.is_string()) {
      TypeError(errs, "reason", "a string", r);
    } else if (!known()) {
      errs.push_back({"reason", "enum", "reason must be one of wrong, incomplete, not_what_i_asked, other"});
    } else if (!req.rating.empty() && !down) {
      errs.push_back({"reason", "rating", "reason is only given with a thumbs down (rating \"down\")"});
    } else {
      req.reason = r.get<std::string>();
    }
  }
  if (j.contains("comment")) {
    const Json& c = j.at("comment");
    if (!c.is_string()) {
      TypeError(errs, "comment", "a string", c);
    } else {
      const auto& text = c.get_ref<const std::string&>();
      const std::size_t chars = Utf8Length(text);
      if (chars > kMaxFeedbackCommentChars) {
        errs.push_back({"comment", "max_length",
                        "comment must be at most " + std::to_string(kMaxFeedbackCommentChars) + " characters (got " +
                            std::to_string(chars) + ")"});
      } else if (std::any_of(text.begin(), text.end(), [](char ch) {
                   const auto u = static_cast<unsigned char>(ch);
                   return (u < 0x20 && ch != '\n' && ch != '\r' && ch != '\t') || u == 0x7F;
                 })) {
        errs.push_back({"comment", "characters", "comment must not contain control characters"});
      } else if (!req.rating.empty() && !down) {
        errs.push_back({"comment", "rating", "comment is only given with a thumbs down (rating \"down\")"});
      } else if (text.find_first_not_of(" \t\r\n") != std::string::npos) {
        req.comment = text;  // a blank comment is no comment
      }
    }
  }
  if (!errs.empty()) return ValidationError{errs};
  return req;
}

// ---------------------------------------------------------------------------------------------------------------------
// [SECTION] Responses (strict: what clients of the original contract accept)
// ---------------------------------------------------------------------------------------------------------------------

std::vector<FieldError> ValidateDocumentChunk(const Json& j, const std::string& path) {
  std::vector<FieldError> errs;
  if (!CheckShape(j, path, {"id", "content", "similarity", "source"}, {"metadata"}, errs)) return errs;
  if (j.contains("id") && !j.at("id").is_number_integer()) TypeError(errs, Join(path, "id"), "an integer", j.at("id"));
  CheckString(j, "content", path, errs);
  CheckNumberRange(j, "similarity", path, 0.0, 1.0, errs);
  CheckString(j, "source", path, errs, true);
  if (j.contains("metadata")) {
    if (!j.at("metadata").is_object()) {
      TypeError(errs, Join(path, "metadata"), "an object", j.at("metadata"));
    } else {
      CheckTyped(j.at("metadata"), Join(path, "metadata"), [](const Json& v) { return Json(v.get<ChunkMetadata>()); },
                 errs);
    }
  }
  return errs;
}

std::vector<FieldError> ValidateRetrievalLog(const Json& j, const std::string& path) {
  std::vector<FieldError> errs;
  if (!CheckShape(j, path, {"id", "type", "title", "data", "timestamp", "status"}, {"chunks"}, errs)) return errs;
  CheckString(j, "id", path, errs);
  CheckFormat(j, "id", path, IsUuid, "a UUID", errs);
  CheckEnum(j, "type", path, ParseLogType, "routing, vector_search, cache, documents", errs);
  CheckString(j, "title", path, errs);
  if (j.contains("data") && !j.at("data").is_object()) {
    TypeError(errs, Join(path, "data"), "an object", j.at("data"));
  } else if (j.contains("data") && j.at("type").is_string()) {
    if (const std::optional<LogType> type = ParseLogType(j.at("type").get<std::string>())) {
      CheckTyped(j.at("data"), Join(path, "data"), [&](const Json& v) { return Json(ParseLogData(*type, v)); }, errs);
    }
  }
  CheckString(j, "timestamp", path, errs);
  CheckFormat(j, "timestamp", path, IsIso8601, "an ISO 8601 timestamp", errs);
  CheckEnum(j, "status", path, ParseLogStatus, "success, pending, warning, error", errs);
  if (j.contains("chunks")) {
    const Json& c = j.at("chunks");
    if (!c.is_array()) {
      TypeError(errs, Join(path, "chunks"), "an array", c);
    } else {
      for (std::size_t i = 0; i < c.size(); ++i) {
        auto sub = ValidateDocumentChunk(c[i], Index(Join(path, "chunks"), i));
        errs.insert(errs.end(), sub.begin(), sub.end());
      }
    }
  }
  return errs;
}

std::vector<FieldError> ValidateChatMetrics(const Json& j, const std::string& path) {
  std::vector<FieldError> errs;
  if (!CheckShape(j, path, {"tokensUsed", "cost", "latency", "cache_status"}, {}, errs)) return errs;
  CheckNonNegative(j, "tokensUsed", path, true, errs);
  CheckNonNegative(j, "cost", path, false, errs);
  CheckNonNegative(j, "latency", path, false, errs);
  CheckEnum(j, "cache_status", path, ParseCacheStatus, "hit, miss, none", errs);
  return errs;
}

std::vector<FieldError> ValidateChatResponse(const Json& j, const std::string& path) {
  std::vector<FieldError> errs;
  if (!CheckShape(j, path, {"message", "agent", "confidence", "logs", "metrics", "agent_status"}, {}, errs)) {
    return errs;
  }
  CheckString(j, "message", path, errs);
  CheckEnum(j, "agent", path, ParseAgentId, "orchestrator, billing, technical, policy", errs);
  CheckNumberRange(j, "confidence", path, 0.0, 1.0, errs);
  if (j.contains("logs")) {
    const Json& logs = j.at("logs");
    if (!logs.is_array()) {
      TypeError(errs, Join(path, "logs"), "an array", logs);
    } else {
      for (std::size_t i = 0; i < logs.size(); ++i) {
        auto sub = ValidateRetrievalLog(logs[i], Index(Join(path, "logs"), i));
        errs.insert(errs.end(), sub.begin(), sub.end());
      }
    }
  }
  if (j.contains("metrics")) {
    auto sub = ValidateChatMetrics(j.at("metrics"), Join(path, "metrics"));
    errs.insert(errs.end(), sub.begin(), sub.end());
  }
  if (j.contains("agent_status")) {
    const Json& s = j.at("agent_status");
    const std::string sp = Join(path, "agent_status");
    if (CheckShape(s, sp, {"orchestrator", "billing", "technical", "policy"}, {}, errs)) {
      for (const char* k : {"orchestrator", "billing", "technical", "policy"}) {
        CheckEnum(s, k, sp, ParseAgentStatus, "idle, routing, active, complete", errs);
      }
    }
  }
  return errs;
}

Result<ChatResponse> ParseChatResponse(std::string_view body) {
  std::vector<FieldError> errs;
  std::optional<Json> parsed = ParseJsonText(body, errs);
  if (!parsed) return ValidationError{errs};
  errs = ValidateChatResponse(*parsed);
  if (!errs.empty()) return ValidationError{errs};
  return parsed->get<ChatResponse>();
}

Result<ErrorResponse> ParseErrorResponse(std::string_view body) {
  std::vector<FieldError> errs;
  std::optional<Json> parsed = ParseJsonText(body, errs);
  if (!parsed) return ValidationError{errs};
  const Json& j = *parsed;
  if (CheckShape(j, "", {"error"}, {}, errs) && j.contains("error")) {
    const Json& e = j.at("error");
    if (CheckShape(e, "error", {"code", "message", "timestamp", "requestId"}, {"details"}, errs)) {
      for (const char* k : {"code", "message", "timestamp", "requestId"}) CheckString(e, k, "error", errs);
    }
  }
  if (!errs.empty()) return ValidationError{errs};
  return j.get<ErrorResponse>();
}

Json ParseJsonOrDiscarded(std::string_view text) { return Json::parse(text.begin(), text.end(), nullptr, false); }

}  // namespace oai
