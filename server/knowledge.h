// The server's side of the knowledge base: reading the markdown documents and the router examples from disk and
// creating the engine from them (the page fetches the same files and creates its engine in local/).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/document.h"
#include "engine/engine.h"
#include "engine/response_cache.h"
#include "server/config.h"

namespace oai::server {

// Reads every *.md file below `dir` (sorted by path). Unreadable or empty files are skipped with a line in `warnings`.
// Throws std::runtime_error when `dir` is not a directory.
std::vector<engine::SourceDocument> LoadDocumentsFromDirectory(const std::string& dir,
                                                               std::vector<std::string>* warnings);
// Reads a whole text file; throws std::runtime_error naming the file when it cannot.
std::string ReadTextFile(const std::string& path);

// Builds the engine from the configured knowledge base; throws std::runtime_error with one clear line.
// `cache` (optional) replaces the engine's in-memory response cache, e.g. with Redis shared by replicas.
std::unique_ptr<engine::Engine> CreateEngine(const Config& config, std::vector<std::string>* warnings,
                                             std::shared_ptr<engine::ResponseCache> cache = nullptr);

}  // namespace oai::server
