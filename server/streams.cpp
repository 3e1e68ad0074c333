// SSE formatting and the registry of resumable streams (see streams.h).
#include "server/streams.h"

#include "model/ids.h"

namespace oai::server {

std::string FormatSse(const SseEvent& e) {
  return "id: " + std::to_string(e.id) + "\nevent: " + e.name + "\ndata: " + e.data + "\n\n";
}

void StreamRegistry::ExpireLocked(std::chrono::steady_clock::time_point now) {
  for (auto it = m_streams.begin(); it != m_streams.end();) {
    if (now - it->second->created > m_keep) it = m_streams.erase(it);
    else ++it;
  }
}

std::string StreamRegistry::Create(const ChatRequest& request) {
  auto stream = std::make_shared<ChatStream>();
  stream->request = request;
  stream->created = std::chrono::steady_clock::now();
  const std::string id = NewUuidV4();
  std::lock_guard<std::mutex> lock(m_mutex);
  ExpireLocked(stream->created);
  m_streams[id] = std::move(stream);
  return id;
}

std::shared_ptr<ChatStream> StreamRegistry::Find(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  ExpireLocked(std::chrono::steady_clock::now());
  auto it = m_streams.find(id);
  return it == m_streams.end() ? nullptr : it->second;
}

void StreamRegistry::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_streams.erase(id);
}

std::size_t StreamRegistry::Size() {
  std::lock_guard<std::mutex> lock(m_mutex);
  ExpireLocked(std::chrono::steady_clock::now());
  return m_streams.size();
}

}  // namespace oai::server
