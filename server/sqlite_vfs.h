// A SQLite VFS that writes a transaction's WAL frames to the file in one system call instead of two per page.
//
// SQLite writes each WAL frame as two pwrite calls (its 24-byte header, then the page), and a checkpoint writes each
// page it copies with one more. With 1 KB pages a chat turn is about ten frames: under load those calls were a sixth
// of the server's CPU (perf, scripts/bench.sh), most of it the cost of entering the kernel on this kind of VM.
//
// This VFS sits over the platform's default one and keeps a file's contiguous writes in memory until:
//   - a WAL frame that commits a transaction (its header's "database size" field is not 0) has been written whole:
//     the frames go to the file before SQLite publishes the commit in the WAL index, and a failure to write them is
//     returned to SQLite as that write's error, so the commit fails as it would have without the buffer;
//   - any other operation on the file (read, sync, truncate, size, lock, close, ...), or a write elsewhere in it;
//   - a read of the same file through another connection of this process, and any shared-memory lock or barrier.
// So every byte is in the operating system's hands before SQLite relies on it (another connection, another process,
// a checkpoint, a sync), and a committed transaction survives the process being killed as before.
#pragma once

#include <cstdint>

namespace oai::server {

// Registers the VFS (once per process) and returns its name, for sqlite3_open_v2.
const char* CoalescingVfs();

struct CoalescingVfsCounts {
  std::uint64_t writes = 0;        // xWrite calls SQLite made through the VFS
  std::uint64_t systemWrites = 0;  // writes handed to the default VFS
};
CoalescingVfsCounts CoalescingVfsCounters();

}  // namespace oai::server
