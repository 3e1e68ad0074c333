// One markdown document of a knowledge base, as the engine receives it: the server reads them from a folder, the page
// fetches them as static files.
#pragma once

#include <string>

namespace oai::engine {

// `path` is relative to the knowledge folder ("billing/pricing.md"); its first folder names the domain (billing,
// technical, policy, general).
struct SourceDocument {
  std::string path;
  std::string text;
};

}  // namespace oai::engine
