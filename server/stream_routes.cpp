// The streaming routes: the same turn as POST /api/chat as server-sent events while it runs, either on the request's
// own connection or, for EventSource, initiated first and resumable with Last-Event-ID (streams.h keeps the events).
#include "server/stream_routes.h"

#include <httplib.h>

#include "model/json_text.h"
#include "model/validation.h"
#include "server/http_reply.h"
#include "service/chat_service.h"

namespace oai::server {

namespace {

service::ApiResponse Created(const Json& body) {
  service::ApiResponse r;
  r.status = 201;
  r.contentType = "application/json";
  r.body = body.dump();
  return r;
}

template <class F>
void WithStore(const Services* s, const httplib::Request& req, httplib::Response& res, F&& body) {
  try {
    body();
  } catch (const service::StoreUnavailable&) {
    s->metrics->StoreError();
    res.set_header("Retry-After", "1");
    SendError(req, res, 503, "STORE_UNAVAILABLE", "the session store is unavailable; retry shortly",
              Json{{"retryable", true}});
  }
}

// Runs a turn for a stream, recording each step as an event and writing the ones after `lastSent` to the client
// while it is connected. The turn always completes (a client that dropped can resume from the record).
// Returns whether the client received every event.
bool RunStreamedTurn(Services* s, StreamStore& streams, const std::string& id, const ChatRequest& request,
                     httplib::DataSink& sink, int lastSent) {
  bool connected = true;
  auto emit = [&](const std::string& name, std::string data) {
    SseEvent e{0, name, std::move(data)};
    try {
      e.id = streams.Append(id, name, e.data);
    } catch (const service::StoreUnavailable&) {
      s->metrics->StoreError();  // not resumable any more, but this client still gets its answer
    }
    if (connected && (e.id == 0 || e.id > lastSent)) {
      const std::string text = FormatSse(e);
      connected = sink.is_writable() && sink.write(text.data(), text.size());
    }
  };
  const service::EventSink events = [&emit](const char* name, std::string data) { emit(name, std::move(data)); };
  try {
    const service::TurnResult turn = service::RunChatTurn(*s->engine, *s->store, request, &events);
    emit("done", ToJsonText(DoneEvent{turn.response, turn.messageId}, turn.logTexts));
  } catch (const service::StoreUnavailable&) {
    s->metrics->StoreError();
    emit("stream_error",
         Json(StreamErrorEvent{"STORE_UNAVAILABLE", "the session store is unavailable; retry shortly", true}).dump());
  } catch (const std::exception&) {
    emit("stream_error", Json(StreamErrorEvent{"INTERNAL_ERROR", "internal error", false}).dump());
  }
  try {
    streams.Finish(id);
  } catch (const service::StoreUnavailable&) {
    s->metrics->StoreError();
  }
  return connected;
}

void SetSseHeaders(httplib::Response& res) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
}

}  // namespace

void RegisterStreamRoutes(httplib::Server& server, Services& services) {
  Services* s = &services;

  // Streaming: the same turn as /api/chat, as server-sent events while it runs.
  server.Post("/api/chat/stream", [s](const httplib::Request& req, httplib::Response& res) {
    auto parsed = service::ParseChatBody(ToApiRequest(req, res), RequestIdOf(res));
    if (auto* error = std::get_if<service::ApiResponse>(&parsed)) return Send(res, std::move(*error));
    const ChatRequest& chat = std::get<ChatRequest>(parsed);
    if (static_cast<std::size_t>(s->metrics->ActiveStreams()) >= s->maxStreams) {
      res.set_header("Retry-After", "1");
      return SendError(req, res, 503, "TOO_MANY_STREAMS", "too many open streams; retry shortly", Json{{"retryable", true}});
    }
    // Not resumable (the client holds the connection): recorded in a private memory store for the turn's duration.
    auto local = std::make_shared<MemoryStreamStore>();
    const std::string streamId = local->Create(chat);
    const ChatRequest request = chat;
    SetSseHeaders(res);
    s->metrics->StreamStarted();
    res.set_chunked_content_provider(
        "text/event-stream",
        [s, local, streamId, request](std::size_t, httplib::DataSink& sink) {
          RunStreamedTurn(s, *local, streamId, request, sink, 0);
          sink.done();
          return true;
        },
        [s](bool) { s->metrics->StreamEnded(); });
  });

  server.Post("/api/chat/stream/initiate", [s](const httplib::Request& req, httplib::Response& res) {
    auto parsed = service::ParseChatBody(ToApiRequest(req, res), RequestIdOf(res));
    if (auto* error = std::get_if<service::ApiResponse>(&parsed)) return Send(res, std::move(*error));
    const ChatRequest& chat = std::get<ChatRequest>(parsed);
    if (s->streams->Size() + static_cast<std::size_t>(s->metrics->ActiveStreams()) >= s->maxStreams * 4) {
      res.set_header("Retry-After", "1");
      return SendError(req, res, 503, "TOO_MANY_STREAMS", "too many pending streams; retry shortly", Json{{"retryable", true}});
    }
    WithStore(s, req, res, [&] { Send(res, Created(Json{{"stream_id", s->streams->Create(chat)}})); });
  });

  server.Get(R"(/api/chat/stream/([^/]+))", [s](const httplib::Request& req, httplib::Response& res) {
    const std::string raw = req.matches[1];
    const std::string key = IsUuid(raw) ? NormalizeUuid(raw) : raw;
    std::optional<ChatRequest> request;
    try {
      if (IsUuid(raw)) request = s->streams->Request(key);
    } catch (const service::StoreUnavailable&) {
      s->metrics->StoreError();
      res.set_header("Retry-After", "1");
      return SendError(req, res, 503, "STORE_UNAVAILABLE", "the stream store is unavailable; retry shortly", Json{{"retryable", true}});
    }
    int lastId = 0;
    if (req.has_header("Last-Event-ID")) {
      const std::string v = req.get_header_value("Last-Event-ID");
      if (!v.empty() && v.size() < 9 && v.find_first_not_of("0123456789") == std::string::npos) lastId = std::stoi(v);
    }
    bool delivered = false;
    try {
      delivered = request && lastId == 0 && s->streams->Delivered(key);
    } catch (const service::StoreUnavailable&) {
    }
    if (!request || delivered) {
      return SendError(req, res, 404, "STREAM_NOT_FOUND",
                       "no stream " + raw + " (streams are kept 5 minutes and delivered once; resume with Last-Event-ID)");
    }
    if (static_cast<std::size_t>(s->metrics->ActiveStreams()) >= s->maxStreams) {
      res.set_header("Retry-After", "1");
      return SendError(req, res, 503, "TOO_MANY_STREAMS", "too many open streams; retry shortly", Json{{"retryable", true}});
    }
    SetSseHeaders(res);
    s->metrics->StreamStarted();
    res.set_chunked_content_provider(
        "text/event-stream",
        [s, key, request = *request, lastId](std::size_t, httplib::DataSink& sink) {
          try {
            if (s->streams->Claim(key)) {
              if (RunStreamedTurn(s, *s->streams, key, request, sink, lastId)) s->streams->MarkDelivered(key);
              sink.done();
              return true;  // kept for a Last-Event-ID resume until it expires
            } else {
              // Another connection (maybe on another replica) runs or ran the turn: replay what this client has not
              // seen, then follow along until it is done.
              int sent = lastId;
              bool finished = false;
              while (!finished) {
                for (const SseEvent& e : s->streams->EventsAfter(key, sent, std::chrono::milliseconds(200), &finished)) {
                  const std::string text = FormatSse(e);
                  sent = e.id;
                  if (!sink.is_writable() || !sink.write(text.data(), text.size())) return false;
                }
                if (!sink.is_writable()) return false;
              }
            }
            // A resume delivered to the end: the stream is used up ("the rest, once").
            s->streams->Remove(key);
          } catch (const service::StoreUnavailable&) {
            s->metrics->StoreError();
            const std::string text = FormatSse({0, "stream_error", Json(StreamErrorEvent{"STORE_UNAVAILABLE",
                                                                                      "the stream store is unavailable; reconnect shortly", true}).dump()});
            sink.write(text.data(), text.size());
          }
          sink.done();
          return true;
        },
        [s](bool) { s->metrics->StreamEnded(); });
  });

}

}  // namespace oai::server
