// Random v4 UUIDs and ISO 8601 timestamps.
#include "model/ids.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>

namespace oai {

std::string NewUuidV4() {
  // std::random_device is a CSPRNG on both targets (getrandom() / crypto.getRandomValues()); one per thread avoids
  // locking and keeps ids unpredictable.
  thread_local std::random_device rd;
  std::array<std::uint8_t, 16> b{};
  for (std::size_t i = 0; i < b.size(); i += 4) {
    std::uint32_t r = rd();
    for (std::size_t k = 0; k < 4; ++k) b[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[b[i] >> 4]);
    s.push_back(kHex[b[i] & 0x0F]);
  }
  return s;
}

std::string FormatIso8601(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  long millis = static_cast<long>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  // The date and time to the second change once a second, and a turn stamps a dozen ids and logs: the last second's
  // text is kept per thread (gmtime_r and snprintf cost more than the rest of a timestamp).
  thread_local std::time_t lastSecs = 0;
  thread_local char prefix[48] = "";  // "2026-11-24T10:00:00" for lastSecs
  thread_local std::size_t prefixLength = 0;
  if (prefixLength == 0 || secs != lastSecs) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    const int n = std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    prefixLength = n > 0 ? static_cast<std::size_t>(n) : 0;
    lastSecs = secs;
  }
  std::string out;
  out.reserve(prefixLength + 5);
  out.append(prefix, prefixLength);
  out += '.';
  out += static_cast<char>('0' + millis / 100);
  out += static_cast<char>('0' + millis / 10 % 10);
  out += static_cast<char>('0' + millis % 10);
  out += 'Z';
  return out;
}

std::string NowIso8601() { return FormatIso8601(std::chrono::system_clock::now()); }

}  // namespace oai
