// Transcripts of a session for download: Markdown for people, JSON for programs. Each answer carries its agent,
// confidence, metrics and the sources it cited.
#pragma once

#include <string>

#include "model/model.h"

namespace oai::service {

std::string ExportMarkdown(const SessionHistory& history);
Json ExportJson(const SessionHistory& history);

}  // namespace oai::service
