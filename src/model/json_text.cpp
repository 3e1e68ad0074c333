// JSON text without an intermediate tree (see json_text.h).
#include "model/json_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "model/validation.h"

namespace oai {

namespace {

// Whether any of the 8 bytes at `p` is a control byte (< 0x20), '"', '\\' or not ASCII (>= 0x80). Never wrong about
// "no" (it may say "yes" for a byte next to one that is: the caller then looks byte by byte).
bool NeedsALook(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  const auto zeroByte = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const std::uint64_t below20 = (w - kOnes * 0x20) & ~w & kHighs;
  return ((w & kHighs) | below20 | zeroByte(w ^ (kOnes * '"')) | zeroByte(w ^ (kOnes * '\\'))) != 0;
}

// Writes one object: Key() before each member, in sorted key order (as nlohmann's std::map orders them).
class Writer {
 public:
  explicit Writer(std::string& out) : m_out(out) {}

  void Begin() {
    m_out += '{';
    m_first = true;
  }
  void End() { m_out += '}'; }
  void Key(std::string_view key) {  // keys are ASCII literals without anything to escape (their length is known)
    char buf[64];  // `,"key":` put together first: one append instead of four
    std::size_t n = 0;
    if (!m_first) buf[n++] = ',';
    m_first = false;
    buf[n++] = '"';
    if (key.size() > sizeof buf - 4) {
      m_out.append(buf, n).append(key.data(), key.size()).append("\":", 2);
      return;
    }
    std::memcpy(buf + n, key.data(), key.size());
    n += key.size();
    buf[n++] = '"';
    buf[n++] = ':';
    m_out.append(buf, n);
  }

  void String(std::string_view s) {
    const std::size_t begin = m_out.size();
    m_out += '"';
    std::size_t run = 0;  // start of the bytes not written yet
    bool utf8Checked = false;
    std::size_t i = 0;
    while (i < s.size()) {
      // Eight bytes at a time past text with nothing to escape (no control byte, quote, backslash or non-ASCII).
      while (i + 8 <= s.size() && !NeedsALook(s.data() + i)) i += 8;
      if (i >= s.size()) break;
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        if (!utf8Checked && !IsValidUtf8(s)) {
          m_out.resize(begin);
          m_out += Json(std::string(s)).dump();  // throws json::type_error 316, as dump() would
          return;
        }
        utf8Checked = true;
        ++i;
        continue;
      }
      if (c >= 0x20 && c != '"' && c != '\\') {
        ++i;
        continue;
      }
      m_out.append(s.data() + run, i - run);
      run = ++i;
      switch (c) {
        case '"': m_out += "\\\""; break;
        case '\\': m_out += "\\\\"; break;
        case '\b': m_out += "\\b"; break;
        case '\f': m_out += "\\f"; break;
        case '\n': m_out += "\\n"; break;
        case '\r': m_out += "\\r"; break;
        case '\t': m_out += "\\t"; break;
        default: {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          m_out += buf;
        }
      }
    }
    m_out.append(s.data() + run, s.size() - run);
    m_out += '"';
  }
  void Enum(const char* name) {
    m_out += '"';
    m_out += name;
    m_out += '"';
  }
  void Int(std::int64_t v) {
    char buf[24];
    const auto written = std::to_chars(buf, buf + sizeof buf, v);
    m_out.append(buf, static_cast<std::size_t>(written.ptr - buf));
  }
  void Double(double v) {
    if (!std::isfinite(v)) {
      m_out += "null";
      return;
    }
    char buf[64];
    const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);  // the shortest text that reads back as v
    m_out.append(buf, static_cast<std::size_t>(end - buf));
  }

 private:
  std::string& m_out;
  bool m_first = true;
};

// [a,b,...] with `append(out, item)` for each item.
template <class Item, class AppendItem>
void AppendArray(std::string& out, const std::vector<Item>& items, AppendItem&& append) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append(out, items[i]);
  }
  out += ']';
}

// Any value of the model's payload types (those listed with Fields() in model.h, their strings, numbers, enums,
// vectors and optionals), as nlohmann would write it, without building its tree.
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
void AppendValue(std::string& out, const T& v);

// An object's members in sorted key order (as nlohmann's std::map orders them); an empty optional is left out. The
// order is worked out once per type (Fields() visits a type's members in the same order every time).
constexpr std::size_t kMaxFields = 32;

template <class T>
const std::array<std::uint8_t, kMaxFields>& SortedFieldOrder(const T& v, std::size_t* count) {
  struct Order {
    std::array<std::uint8_t, kMaxFields> index{};
    std::size_t count = 0;
  };
  static const Order order = [&v] {
    Order o;
    const char* keys[kMaxFields];
    Fields(v, [&](const char* key, const auto&) {
      if (o.count == kMaxFields) throw std::logic_error("AppendFields: more members than kMaxFields");
      keys[o.count] = key;
      o.index[o.count] = static_cast<std::uint8_t>(o.count);
      ++o.count;
    });
    std::sort(o.index.begin(), o.index.begin() + static_cast<std::ptrdiff_t>(o.count),
              [&keys](std::uint8_t a, std::uint8_t b) { return std::strcmp(keys[a], keys[b]) < 0; });
    return o;
  }();
  *count = order.count;
  return order.index;
}

template <class T>
void AppendFields(std::string& out, const T& v) {
  struct Slot {
    const char* key;
    const void* member;  // null: an empty optional
    void (*write)(std::string&, const void*);
  };
  std::size_t count = 0;
  const std::array<std::uint8_t, kMaxFields>& order = SortedFieldOrder(v, &count);
  Slot slots[kMaxFields];
  std::size_t n = 0;
  Fields(v, [&](const char* key, const auto& member) {
    using M = std::decay_t<decltype(member)>;
    if constexpr (IsOptional<M>::value) {
      using V = typename M::value_type;
      slots[n++] = {key, member ? &*member : nullptr,
                    [](std::string& o, const void* p) { AppendValue(o, *static_cast<const V*>(p)); }};
    } else {
      slots[n++] = {key, &member, [](std::string& o, const void* p) { AppendValue(o, *static_cast<const M*>(p)); }};
    }
  });
  Writer w(out);
  w.Begin();
  for (std::size_t i = 0; i < count; ++i) {
    const Slot& slot = slots[order[i]];
    if (!slot.member) continue;
    w.Key(slot.key);
    slot.write(out, slot.member);
  }
  w.End();
}

template <class T>
void AppendValue(std::string& out, const T& v) {
  Writer w(out);
  if constexpr (std::is_same_v<T, std::string>) {
    w.String(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    w.Int(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    w.Double(v);
  } else if constexpr (std::is_enum_v<T>) {
    w.Enum(ToString(v));
  } else if constexpr (IsVector<T>::value) {
    AppendArray(out, v, [](std::string& o, const typename T::value_type& item) { AppendValue(o, item); });
  } else {
    AppendFields(out, v);
  }
}

void Append(std::string& out, const DocumentChunk& v) {
  Writer w(out);
  w.Begin();
  w.Key("content");
  w.String(v.content);
  w.Key("id");
  w.Int(v.id);
  if (v.metadata) {
    w.Key("metadata");
    AppendFields(out, *v.metadata);
  }
  w.Key("similarity");
  w.Double(v.similarity);
  w.Key("source");
  w.String(v.source);
  w.End();
}

void AppendChunks(std::string& out, const std::vector<DocumentChunk>& chunks) {
  AppendArray(out, chunks, [](std::string& o, const DocumentChunk& c) { Append(o, c); });
}

void Append(std::string& out, const RetrievalLog& v, const std::string* chunksText = nullptr) {
  Writer w(out);
  w.Begin();
  if (v.chunks) {
    w.Key("chunks");
    if (chunksText) out += *chunksText;
    else AppendChunks(out, *v.chunks);
  }
  w.Key("data");
  std::visit([&out](const auto& data) { AppendFields(out, data); }, v.data);
  w.Key("id");
  w.String(v.id);
  w.Key("status");
  w.Enum(ToString(v.status));
  w.Key("timestamp");
  w.String(v.timestamp);
  w.Key("title");
  w.String(v.title);
  w.Key("type");
  w.Enum(ToString(v.Type()));
  w.End();
}

void Append(std::string& out, const ChatMetrics& v) {
  Writer w(out);
  w.Begin();
  w.Key("cache_status");
  w.Enum(ToString(v.cache_status));
  w.Key("cost");
  w.Double(v.cost);
  w.Key("latency");
  w.Double(v.latency);
  w.Key("tokensUsed");
  w.Int(v.tokensUsed);
  w.End();
}

void Append(std::string& out, const Message& v) {
  Writer w(out);
  w.Begin();
  if (v.agent) {
    w.Key("agent");
    w.Enum(ToString(*v.agent));
  }
  if (v.confidence) {
    w.Key("confidence");
    w.Double(*v.confidence);
  }
  w.Key("content");
  w.String(v.content);
  if (v.feedback) {  // rare (written when a customer votes): through nlohmann, whose keys are sorted too
    w.Key("feedback");
    out += Json(*v.feedback).dump();
  }
  w.Key("id");
  w.String(v.id);
  if (!v.log_ids.empty()) {
    w.Key("log_ids");
    AppendArray(out, v.log_ids, [&w](std::string&, const std::string& id) { w.String(id); });
  }
  if (v.metrics) {
    w.Key("metrics");
    Append(out, *v.metrics);
  }
  w.Key("role");
  w.Enum(ToString(v.role));
  w.Key("timestamp");
  w.String(v.timestamp);
  w.End();
}

// The answer's members, plus the stream's message_id (done event) when given, in sorted key order.
void Append(std::string& out, const ChatResponse& v, const std::string* messageId,
            const std::vector<std::string>* logTexts = nullptr) {
  Writer w(out);
  w.Begin();
  w.Key("agent");
  w.Enum(ToString(v.agent));
  w.Key("agent_status");
  {
    Writer status(out);
    status.Begin();
    // Sorted: billing, orchestrator, policy, technical.
    for (AgentId id : {AgentId::Billing, AgentId::Orchestrator, AgentId::Policy, AgentId::Technical}) {
      status.Key(ToString(id));
      status.Enum(ToString(v.agent_status[id]));
    }
    status.End();
  }
  w.Key("confidence");
  w.Double(v.confidence);
  w.Key("logs");
  if (logTexts && logTexts->size() == v.logs.size()) {
    AppendArray(out, *logTexts, [](std::string& o, const std::string& text) { o += text; });
  } else {
    AppendArray(out, v.logs, [](std::string& o, const RetrievalLog& log) { Append(o, log); });
  }
  w.Key("message");
  w.String(v.message);
  if (messageId) {
    w.Key("message_id");
    w.String(*messageId);
  }
  w.Key("metrics");
  Append(out, v.metrics);
  w.End();
}

template <class T>
std::string Text(const T& v) {
  std::string out;
  Append(out, v);
  return out;
}

// A payload type with Fields() (model.h) as an object.
template <class T>
std::string FieldsText(const T& v) {
  std::string out;
  AppendFields(out, v);
  return out;
}

}  // namespace

std::string ToJsonText(const DocumentChunk& v) { return Text(v); }
// About what the chunks' JSON takes: their texts and a little more for the rest of each.
static std::size_t ChunksSize(const std::vector<DocumentChunk>& chunks) {
  std::size_t size = 2;
  for (const DocumentChunk& c : chunks) size += c.content.size() + c.source.size() + 384;
  return size;
}
std::string ToJsonText(const RetrievalLog& v) { return ToJsonText(v, nullptr); }
std::string ToJsonText(const RetrievalLog& v, const std::string* chunksText) {
  // One allocation for the usual log: its sections' texts and a little more for the rest.
  std::string out;
  out.reserve(1024 + (chunksText ? chunksText->size() : v.chunks ? ChunksSize(*v.chunks) : 0));
  Append(out, v, chunksText);
  return out;
}
std::string ChunksJsonText(const std::vector<DocumentChunk>& chunks) {
  std::string out;
  out.reserve(ChunksSize(chunks));
  AppendChunks(out, chunks);
  return out;
}
std::string ToJsonText(const Message& v) {
  std::string out;
  out.reserve(1024 + v.content.size() + v.content.size() / 8);  // the text, a little escaping, and the rest
  Append(out, v);
  return out;
}
std::string ToJsonText(const ChatResponse& v) {
  std::string out;
  Append(out, v, nullptr);
  return out;
}
std::string ToJsonText(const DoneEvent& v) {
  std::string out;
  Append(out, v.response, &v.message_id);
  return out;
}
std::string ToJsonText(const AgentStatusEvent& v) { return FieldsText(v); }
std::string ToJsonText(const MessageChunkEvent& v) { return FieldsText(v); }
// The logs' texts are most of an answer's JSON: reserved at once, with room for the rest.
static std::size_t AnswerSize(const ChatResponse& v, const std::vector<std::string>& logTexts) {
  std::size_t size = 2048 + v.message.size() * 2;
  for (const auto& t : logTexts) size += t.size() + 1;
  return size;
}
std::string ToJsonText(const ChatResponse& v, const std::vector<std::string>& logTexts) {
  std::string out;
  out.reserve(AnswerSize(v, logTexts));
  Append(out, v, nullptr, &logTexts);
  return out;
}
std::string ToJsonText(const DoneEvent& v, const std::vector<std::string>& logTexts) {
  std::string out;
  out.reserve(AnswerSize(v.response, logTexts));
  Append(out, v.response, &v.message_id, &logTexts);
  return out;
}

}  // namespace oai
