// What the app runs on and talks to, as data the panels can read (instead of comparing strings such as a store kind).
#pragma once

namespace oai::app {

// Who answers the API: the companion server, or the engine compiled into the page (static hosting).
enum class BackendKind { Unknown, Server, InPage };
// The program around the app: a browser page, the native desktop window, or a test without a window.
enum class HostKind { Browser, Desktop, Headless };

inline const char* ToString(BackendKind k) {
  switch (k) {
    case BackendKind::Unknown: return "unknown";
    case BackendKind::Server: return "server";
    case BackendKind::InPage: return "in-page engine";
  }
  return "unknown";
}
inline const char* ToString(HostKind k) {
  switch (k) {
    case HostKind::Browser: return "web";
    case HostKind::Desktop: return "desktop";
    case HostKind::Headless: return "headless";
  }
  return "headless";
}

}  // namespace oai::app
