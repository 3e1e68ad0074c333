// The engine tests read the shipped knowledge base with the server's own file loader (server/knowledge_files.cpp,
// compiled into the native and WebAssembly test binaries).
#pragma once

#include "engine/engine.h"
#include "server/knowledge.h"

namespace oai::engine {
using server::LoadDocumentsFromDirectory;
using server::ReadTextFile;

// The engine as the server builds it from the shipped data: documents, router examples, query synonyms.
inline EngineConfig ShippedEngineConfig(std::vector<std::string>* warnings = nullptr) {
  EngineConfig config;
  config.documents = LoadDocumentsFromDirectory(std::string(OAI_DATA_DIR) + "/knowledge", warnings);
  config.routerExamplesTsv = ReadTextFile(std::string(OAI_DATA_DIR) + "/router_examples.tsv");
  config.synonymsTsv = ReadTextFile(std::string(OAI_DATA_DIR) + "/knowledge/synonyms.tsv");
  return config;
}
}  // namespace oai::engine
