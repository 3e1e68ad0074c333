// Server-sent event streams of a chat turn: each step (agent status, retrieval log, answer chunk, done) is an event
// with an id, sent as the engine finishes it. Streams started with `initiate` are kept for 5 minutes so a client that
// reconnects with Last-Event-ID gets the rest, once. Kept in memory, or in Redis so any replica can serve a resume.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/sse.h"

namespace oai::server {

using ::oai::FormatSse;
using ::oai::SseEvent;

inline constexpr std::chrono::seconds kStreamKeep{300};

class StreamStore {
 public:
  virtual ~StreamStore() = default;
  virtual std::string Create(const ChatRequest& request) = 0;
  virtual std::optional<ChatRequest> Request(const std::string& id) = 0;  // nullopt: unknown or expired
  // True for exactly one caller: the connection that runs the turn.
  virtual bool Claim(const std::string& id) = 0;
  // Records an event and returns its id.
  virtual int Append(const std::string& id, const std::string& name, const std::string& data) = 0;
  virtual void Finish(const std::string& id) = 0;
  // The events after `after`; when there are none yet and the stream is not finished, waits up to `wait`.
  virtual std::vector<SseEvent> EventsAfter(const std::string& id, int after, std::chrono::milliseconds wait,
                                            bool* finished) = 0;
  virtual void Remove(const std::string& id) = 0;
  virtual std::size_t Size() = 0;
  // The first connection wrote every event. The server cannot know whether the client read them (they may sit in
  // socket buffers when it hangs up), so the stream stays for a Last-Event-ID resume but is not replayed whole again.
  virtual void MarkDelivered(const std::string& id) = 0;
  virtual bool Delivered(const std::string& id) = 0;
};

class MemoryStreamStore final : public StreamStore {
 public:
  std::string Create(const ChatRequest& request) override;
  std::optional<ChatRequest> Request(const std::string& id) override;
  bool Claim(const std::string& id) override;
  int Append(const std::string& id, const std::string& name, const std::string& data) override;
  void Finish(const std::string& id) override;
  std::vector<SseEvent> EventsAfter(const std::string& id, int after, std::chrono::milliseconds wait,
                                    bool* finished) override;
  void Remove(const std::string& id) override;
  std::size_t Size() override;
  void MarkDelivered(const std::string& id) override;
  bool Delivered(const std::string& id) override;

 private:
  struct Stream {
    ChatRequest request;
    std::chrono::steady_clock::time_point created;
    std::vector<SseEvent> events;
    bool started = false;
    bool finished = false;
    bool delivered = false;
  };
  void ExpireLocked();
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::map<std::string, Stream> m_streams;
};

class RedisConnection;

class RedisStreamStore final : public StreamStore {
 public:
  explicit RedisStreamStore(std::shared_ptr<RedisConnection> redis) : m_redis(std::move(redis)) {}
  std::string Create(const ChatRequest& request) override;
  std::optional<ChatRequest> Request(const std::string& id) override;
  bool Claim(const std::string& id) override;
  int Append(const std::string& id, const std::string& name, const std::string& data) override;
  void Finish(const std::string& id) override;
  std::vector<SseEvent> EventsAfter(const std::string& id, int after, std::chrono::milliseconds wait,
                                    bool* finished) override;
  void Remove(const std::string& id) override;
  std::size_t Size() override { return 0; }
  void MarkDelivered(const std::string& id) override;
  bool Delivered(const std::string& id) override;  // bounded by the TTL; the open-stream limit still applies per process

 private:
  std::shared_ptr<RedisConnection> m_redis;
};

}  // namespace oai::server
