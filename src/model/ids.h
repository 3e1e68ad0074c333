// Identifiers and timestamps: random v4 UUIDs from the platform CSPRNG (std::random_device is getrandom() on Linux and
// crypto.getRandomValues() under Emscripten) and ISO 8601 UTC timestamps.
#pragma once

#include <chrono>
#include <string>

namespace oai {

std::string NewUuidV4();
std::string FormatIso8601(std::chrono::system_clock::time_point t);  // 2026-11-24T10:00:00.123Z
std::string NowIso8601();

}  // namespace oai
