// Transcripts of a session for download: Markdown for people, JSON for programs. Each answer carries its agent,
// confidence, metrics, the sources it cited and the customer's vote.
#pragma once

#include <string>

#include "model/model.h"

namespace oai::service {

std::string ExportMarkdown(const SessionHistory& history);
Json ExportJson(const SessionHistory& history);
// "Rated not helpful: not what i asked — "…" (2026-12-02T10:00:00.000Z)": a vote as the Markdown transcript shows it.
std::string FeedbackLine(const Feedback& feedback);

}  // namespace oai::service
