// localStorage as the app's key-value store (shell/web/library_oai.js), for the page and the in-page engine module.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

#include "app/ports/transport.h"

extern "C" {
char* oai_storage_get(const char* key);
void oai_storage_set(const char* key, const char* value);
}

namespace oai::shell {

class LocalStorage final : public app::KeyValueStore {
 public:
  std::optional<std::string> Get(const std::string& key) override {
    char* v = oai_storage_get(key.c_str());
    if (!v) return std::nullopt;
    std::string out(v);
    std::free(v);
    return out;
  }
  void Set(const std::string& key, const std::string& value) override { oai_storage_set(key.c_str(), value.c_str()); }
};

}  // namespace oai::shell
