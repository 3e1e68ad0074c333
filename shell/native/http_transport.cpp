// cpp-httplib transport for the desktop host.
#include "http_transport.h"

#include <strings.h>

#include <httplib.h>

namespace oai::shell {

HttpTransport::HttpTransport(std::string baseUrl, int workers) : m_baseUrl(std::move(baseUrl)) {
  while (!m_baseUrl.empty() && m_baseUrl.back() == '/') m_baseUrl.pop_back();
  for (int i = 0; i < workers; ++i) m_workers.emplace_back([this] { WorkerLoop(); });
}

HttpTransport::~HttpTransport() {
  std::deque<Job> left;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
    left.swap(m_jobs);
  }
  m_cv.notify_all();
  for (auto& t : m_workers) t.join();
  for (auto& job : left) {
    app::HttpResponse r;
    r.error = "cancelled: the application is closing";
    if (job.onDone) job.onDone(std::move(r));
  }
}

void HttpTransport::Send(const app::HttpRequest& request, std::function<void(app::HttpResponse)> onDone) {
  Enqueue(Job{request, std::move(onDone), nullptr});
}

void HttpTransport::Stream(const app::HttpRequest& request, std::function<void(SseEvent)> onEvent,
                           std::function<void(app::HttpResponse)> onEnd) {
  Enqueue(Job{request, std::move(onEnd), std::move(onEvent)});
}

void HttpTransport::Enqueue(Job job) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_jobs.push_back(std::move(job));
  }
  m_cv.notify_one();
}

void HttpTransport::WorkerLoop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_cv.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
      if (m_stopping) return;
      job = std::move(m_jobs.front());
      m_jobs.pop_front();
    }
    app::HttpResponse response = Perform(job.request, job.onEvent);
    if (job.onDone) job.onDone(std::move(response));
  }
}

app::HttpResponse HttpTransport::Perform(const app::HttpRequest& request,
                                         const std::function<void(SseEvent)>& onEvent) const {
  app::HttpResponse out;
  // Absolute URLs go where they say; paths are relative to the server the desktop app was pointed at.
  std::string url = request.url;
  std::string base = m_baseUrl;
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
    const auto slash = url.find('/', url.find("//") + 2);
    base = slash == std::string::npos ? url : url.substr(0, slash);
    url = slash == std::string::npos ? "/" : url.substr(slash);
  }
  httplib::Client client(base);
  const auto timeoutSec = std::max(1, request.timeoutMs / 1000);
  client.set_connection_timeout(std::min(timeoutSec, 10), 0);
  client.set_read_timeout(timeoutSec, 0);
  client.set_write_timeout(timeoutSec, 0);
  httplib::Headers headers;
  std::string contentType = "application/json";
  for (const auto& [name, value] : request.headers) {
    if (strcasecmp(name.c_str(), "Content-Type") == 0) {
      contentType = value;
    } else {
      headers.emplace(name, value);
    }
  }
  auto send = [&]() -> httplib::Result {
    if (request.method == "GET") return client.Get(url, headers);
    if (request.method == "POST") return client.Post(url, headers, request.body, contentType);
    if (request.method == "DELETE") return client.Delete(url, headers, request.body, contentType);
    return client.Put(url, headers, request.body, contentType);
  };
  if (request.method != "GET" && request.method != "POST" && request.method != "DELETE" && request.method != "PUT") {
    out.error = "unsupported method " + request.method;
    return out;
  }
  if (onEvent) {
    // A stream: its events as they arrive; a refusal's body (an error envelope) is kept whole for the caller.
    httplib::Request req;
    req.method = request.method;
    req.path = url;
    req.headers = headers;
    req.body = request.body;
    req.set_header("Content-Type", contentType);
    bool events = false;
    SseParser parser(onEvent);
    req.response_handler = [&](const httplib::Response& res) {
      out.status = res.status;
      events = res.status >= 200 && res.status < 300 &&
               res.get_header_value("Content-Type").find("text/event-stream") != std::string::npos;
      return true;
    };
    req.content_receiver = [&](const char* data, std::size_t length, std::uint64_t, std::uint64_t) {
      if (events) parser.Feed(std::string_view(data, length));
      else out.body.append(data, length);
      return true;
    };
    httplib::Response res;
    httplib::Error error = httplib::Error::Success;
    if (!client.send(req, res, error)) {
      out.status = 0;
      out.error = httplib::to_string(error);
    }
    for (const auto& [name, value] : res.headers) out.headers.emplace_back(name, value);
    return out;
  }
  httplib::Result result = send();
  if (!result) {
    out.error = httplib::to_string(result.error());
    return out;
  }
  out.status = result->status;
  out.body = result->body;
  for (const auto& [name, value] : result->headers) out.headers.emplace_back(name, value);
  return out;
}

}  // namespace oai::shell
