// SSE formatting and the stores of resumable streams (see streams.h).
#include "server/streams.h"

#include <hiredis/hiredis.h>

#include <thread>

#include "model/ids.h"
#include "server/redis_store.h"

namespace oai::server {

// ---------------------------------------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------------------------------------

void MemoryStreamStore::ExpireLocked() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = m_streams.begin(); it != m_streams.end();) {
    if (now - it->second.created > kStreamKeep) it = m_streams.erase(it);
    else ++it;
  }
}

std::string MemoryStreamStore::Create(const ChatRequest& request) {
  const std::string id = NewUuidV4();
  std::lock_guard<std::mutex> lock(m_mutex);
  ExpireLocked();
  m_streams[id] = Stream{request, std::chrono::steady_clock::now(), {}, false, false, false};
  return id;
}

std::optional<ChatRequest> MemoryStreamStore::Request(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  ExpireLocked();
  auto it = m_streams.find(id);
  if (it == m_streams.end()) return std::nullopt;
  return it->second.request;
}

bool MemoryStreamStore::Claim(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_streams.find(id);
  if (it == m_streams.end() || it->second.started) return false;
  it->second.started = true;
  return true;
}

int MemoryStreamStore::Append(const std::string& id, const std::string& name, const std::string& data) {
  int eventId = 0;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_streams.find(id);
    if (it == m_streams.end()) return 0;
    eventId = static_cast<int>(it->second.events.size()) + 1;
    it->second.events.push_back({eventId, name, data});
  }
  m_changed.notify_all();
  return eventId;
}

void MemoryStreamStore::Finish(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (auto it = m_streams.find(id); it != m_streams.end()) it->second.finished = true;
  }
  m_changed.notify_all();
}

std::vector<SseEvent> MemoryStreamStore::EventsAfter(const std::string& id, int after, std::chrono::milliseconds wait,
                                                     bool* finished) {
  std::unique_lock<std::mutex> lock(m_mutex);
  auto ready = [&] {
    auto it = m_streams.find(id);
    return it == m_streams.end() || it->second.finished || static_cast<int>(it->second.events.size()) > after;
  };
  m_changed.wait_for(lock, wait, ready);
  auto it = m_streams.find(id);
  if (it == m_streams.end()) {
    *finished = true;
    return {};
  }
  *finished = it->second.finished;
  return std::vector<SseEvent>(it->second.events.begin() + std::min<std::ptrdiff_t>(after, static_cast<std::ptrdiff_t>(it->second.events.size())),
                               it->second.events.end());
}

void MemoryStreamStore::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_streams.erase(id);
}

void MemoryStreamStore::MarkDelivered(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (auto it = m_streams.find(id); it != m_streams.end()) it->second.delivered = true;
}

bool MemoryStreamStore::Delivered(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_streams.find(id);
  return it != m_streams.end() && it->second.delivered;
}

std::size_t MemoryStreamStore::Size() {
  std::lock_guard<std::mutex> lock(m_mutex);
  ExpireLocked();
  return m_streams.size();
}

// ---------------------------------------------------------------------------------------------------------------------
// Redis: stream:{id} hash (request, started, finished) and stream:{id}:events list, both expiring after 5 minutes.
// ---------------------------------------------------------------------------------------------------------------------

std::string RedisStreamStore::Create(const ChatRequest& request) {
  const std::string id = NewUuidV4();
  const std::string key = "stream:" + id;
  const std::string ttl = std::to_string(kStreamKeep.count());
  m_redis->Transaction({{"HSET", key, "request", Json(request).dump(), "finished", "0"}, {"EXPIRE", key, ttl}});
  return id;
}

std::optional<ChatRequest> RedisStreamStore::Request(const std::string& id) {
  auto r = m_redis->Command({"HGET", "stream:" + id, "request"});
  if (r->type != REDIS_REPLY_STRING) return std::nullopt;
  return Json::parse(std::string(r->str, r->len)).get<ChatRequest>();
}

bool RedisStreamStore::Claim(const std::string& id) {
  auto r = m_redis->Command({"HSETNX", "stream:" + id, "started", "1"});
  return r->type == REDIS_REPLY_INTEGER && r->integer == 1;
}

int RedisStreamStore::Append(const std::string& id, const std::string& name, const std::string& data) {
  const std::string key = "stream:" + id + ":events";
  auto r = m_redis->Command({"RPUSH", key, Json{{"name", name}, {"data", data}}.dump()});
  m_redis->Command({"EXPIRE", key, std::to_string(kStreamKeep.count())});
  return r->type == REDIS_REPLY_INTEGER ? static_cast<int>(r->integer) : 0;
}

void RedisStreamStore::Finish(const std::string& id) { m_redis->Command({"HSET", "stream:" + id, "finished", "1"}); }

std::vector<SseEvent> RedisStreamStore::EventsAfter(const std::string& id, int after, std::chrono::milliseconds wait,
                                                    bool* finished) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    auto state = m_redis->Command({"HGET", "stream:" + id, "finished"});
    *finished = state->type != REDIS_REPLY_STRING || std::string(state->str, state->len) == "1";
    auto r = m_redis->Command({"LRANGE", "stream:" + id + ":events", std::to_string(after), "-1"});
    std::vector<SseEvent> events;
    for (std::size_t i = 0; i < r->elements; ++i) {
      const Json e = Json::parse(std::string(r->element[i]->str, r->element[i]->len));
      events.push_back({after + static_cast<int>(i) + 1, e.at("name").get<std::string>(), e.at("data").get<std::string>()});
    }
    if (!events.empty() || *finished || std::chrono::steady_clock::now() >= deadline) return events;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // another replica is producing them
  }
}

void RedisStreamStore::MarkDelivered(const std::string& id) {
  m_redis->Command({"HSET", "stream:" + id, "delivered", "1"});
}

bool RedisStreamStore::Delivered(const std::string& id) {
  auto r = m_redis->Command({"HGET", "stream:" + id, "delivered"});
  return r->type == REDIS_REPLY_STRING && std::string(r->str, r->len) == "1";
}

void RedisStreamStore::Remove(const std::string& id) {
  m_redis->Command({"DEL", "stream:" + id, "stream:" + id + ":events"});
}

}  // namespace oai::server
