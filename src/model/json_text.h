// JSON text written straight from the model types a chat turn sends and stores (the answer, its stream events, the
// stored messages and logs), without building an nlohmann tree first: that tree, its destruction and the generic
// escaping were most of a cached turn's instructions. The text is byte for byte what Json(value).dump() gives (keys in
// sorted order, numbers printed as nlohmann prints them, the same escapes); tests compare the two on many values.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"

namespace oai {

std::string ToJsonText(const DocumentChunk& v);
std::string ToJsonText(const RetrievalLog& v);
// A log whose chunks are already JSON text (ChunksJsonText of its chunks, kept by whoever keeps the chunks): the same
// bytes as ToJsonText(v), without writing the sections' texts again. Null: written from v.chunks.
std::string ToJsonText(const RetrievalLog& v, const std::string* chunksText);
std::string ChunksJsonText(const std::vector<DocumentChunk>& chunks);
std::string ToJsonText(const Message& v);
std::string ToJsonText(const ChatResponse& v);
std::string ToJsonText(const DoneEvent& v);
std::string ToJsonText(const AgentStatusEvent& v);   // a stream's agent_status event
std::string ToJsonText(const MessageChunkEvent& v);  // a stream's message_chunk event
// The same with the logs written from texts already made (ToJsonText of each of v's logs, in order): a turn
// serializes each log once, and the stream, the store and the answer share the bytes.
std::string ToJsonText(const ChatResponse& v, const std::vector<std::string>& logTexts);
std::string ToJsonText(const DoneEvent& v, const std::vector<std::string>& logTexts);

}  // namespace oai
