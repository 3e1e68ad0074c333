// Knowledge-base files and engine creation for the server (see knowledge.h).
#include "server/knowledge.h"

#include <filesystem>
#include <stdexcept>

#include "server/openai_client.h"

namespace oai::server {

std::unique_ptr<engine::Engine> CreateEngine(const Config& config, std::vector<std::string>* warnings,
                                             std::shared_ptr<engine::ResponseCache> cache) {
  engine::EngineConfig ec;
  ec.cache = std::move(cache);
  ec.documents = LoadDocumentsFromDirectory(config.docsDir, warnings);
  if (ec.documents.empty()) throw std::runtime_error("no markdown documents in " + config.docsDir);
  ec.routerExamplesTsv = ReadTextFile(config.routerExamples);
  // Query synonyms belong to the knowledge base: knowledge/synonyms.tsv beside the documents, when there is one.
  if (const std::string synonyms = config.docsDir + "/synonyms.tsv"; std::filesystem::is_regular_file(synonyms)) {
    ec.synonymsTsv = ReadTextFile(synonyms);
  }
  try {
    if (!config.llmBaseUrl.empty()) {
      ec.llm = std::make_shared<OpenAiClient>(OpenAiConfig{config.llmBaseUrl, config.llmModel, config.llmApiKey});
    }
    auto engine = engine::Engine::Create(std::move(ec));
    if (warnings) {
      for (const auto& w : engine->Info().warnings) warnings->push_back(w);
    }
    return engine;
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
}

}  // namespace oai::server
