// The conversation as plain text, for the clipboard: one answer with its sources (an answer's Copy button, the long
// press menu) or the whole conversation (the header's Export > Copy conversation).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/state.h"

namespace oai::app {

// The sources an assistant message cites, one per line: "[1] Refunds and cancellation — Refund window
// (policy/refunds-and-cancellation.md)". Empty when it cites none.
std::string SourcesText(const DomainState& d, const ChatMessage& message);

// The citations of an assistant message (from its documents log), in citation order.
std::vector<Citation> CitationsOf(const DomainState& d, const ChatMessage& message);

// The questions the answer suggests asking next (its documents log), less those already asked in this conversation.
std::vector<std::string> SuggestionsOf(const DomainState& d, const ChatMessage& message);

// The citation number n of a "[n]" marker at byte `offset` of `text` (the click fell on the marker), else 0.
int CitationAt(const std::string& text, int offset);

// The message's text, and for an answer its sources under "Sources:".
std::string MessageText(const DomainState& d, const ChatMessage& message);

// Every message as "Who (time):" then its text and sources, separated by blank lines. `time` turns an ISO 8601
// timestamp into what the reader's clock says (the full timestamp when empty).
std::string ConversationText(const DomainState& d, const std::function<std::string(const std::string&)>& time);

// The text selected by dragging across a message (ViewState::textSelection); empty when nothing is selected.
std::string SelectedText(const State& s);

}  // namespace oai::app
