// Server-sent event streams of a chat turn: each step (agent status, retrieval log, answer chunk, done) is an event
// with an id, sent as the engine finishes it. Streams started with `initiate` are kept for 5 minutes so a client that
// reconnects with Last-Event-ID gets the rest, once.
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

namespace oai::server {

struct SseEvent {
  int id = 0;  // 1, 2, 3, ... within a stream
  std::string name;
  std::string data;  // JSON, one line
};

// "id: 3\nevent: message_chunk\ndata: {...}\n\n"
std::string FormatSse(const SseEvent& e);

struct ChatStream {
  ChatRequest request;
  std::chrono::steady_clock::time_point created;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<SseEvent> events;
  bool started = false;   // a connection is running (or ran) the turn
  bool finished = false;  // the last event (done or stream_error) is recorded
};

class StreamRegistry {
 public:
  explicit StreamRegistry(std::chrono::seconds keep = std::chrono::minutes(5)) : m_keep(keep) {}
  std::string Create(const ChatRequest& request);
  std::shared_ptr<ChatStream> Find(const std::string& id);
  void Remove(const std::string& id);
  std::size_t Size();

 private:
  void ExpireLocked(std::chrono::steady_clock::time_point now);
  std::chrono::seconds m_keep;
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<ChatStream>> m_streams;
};

}  // namespace oai::server
