// The engine tests read the shipped knowledge base with the server's own file loader (server/knowledge_files.cpp,
// compiled into the native and WebAssembly test binaries).
#pragma once

#include "server/knowledge.h"

namespace oai::engine {
using server::LoadDocumentsFromDirectory;
using server::ReadTextFile;
}  // namespace oai::engine
