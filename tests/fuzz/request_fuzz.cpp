// libFuzzer target: request parsing and validation (ParseChatRequest) and strict response validation must never
// crash, hang or accept something invalid, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto request = oai::ParseChatRequest(body);
  if (request.ok()) {
    // Whatever was accepted honours the contract.
    const auto& r = request.value();
    if (r.message.empty() || oai::Utf8Length(r.message) > oai::kMaxMessageChars || !oai::IsUuid(r.session_id) ||
        !oai::IsValidUtf8(r.message)) {
      __builtin_trap();
    }
  } else if (request.error().errors.empty()) {
    __builtin_trap();  // a rejection always says why
  }
  (void)oai::ParseChatResponse(body);
  return 0;
}
