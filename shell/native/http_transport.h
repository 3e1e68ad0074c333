// Native transport: cpp-httplib client calls on worker threads; completion callbacks run on those threads (the app
// only enqueues actions from them).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "app/ports/transport.h"

namespace oai::shell {

class HttpTransport : public app::Transport {
 public:
  explicit HttpTransport(std::string baseUrl, int workers = 2);
  ~HttpTransport() override;  // finishes queued requests' callbacks with a cancellation error, joins workers
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  void Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) override;
  // Reads the event stream as it arrives (httplib's content receiver), on a worker thread.
  void Stream(const app::HttpRequest& request, std::function<void(SseEvent)> onEvent,
              std::function<void(app::HttpResponse)> onEnd) override;

 private:
  struct Job {
    app::HttpRequest request;
    std::function<void(app::HttpResponse)> onDone;
    std::function<void(SseEvent)> onEvent;  // set for a stream
  };
  void Enqueue(Job job);
  void WorkerLoop();
  app::HttpResponse Perform(const app::HttpRequest& request, const std::function<void(SseEvent)>& onEvent) const;

  std::string m_baseUrl;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Job> m_jobs;
  bool m_stopping = false;
  std::vector<std::thread> m_workers;
};

}  // namespace oai::shell
