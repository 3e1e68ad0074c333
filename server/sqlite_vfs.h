// A SQLite VFS that writes a transaction's WAL frames to the file in one system call instead of two per page.
//
// SQLite writes each WAL frame as two pwrite calls (its 24-byte header, then the page), and a checkpoint writes each
// page it copies with one more. With 1 KB pages a chat turn is about ten frames: under load those calls were a sixth
// of the server's CPU (perf, scripts/bench.sh), most of it the cost of entering the kernel on this kind of VM.
//
// This VFS sits over the platform's default one and keeps a WAL's appends in memory (64 KB at most) until:
//   - a WAL frame that commits a transaction (its header's "database size" field is not 0) has been appended whole:
//     the frames go to the file before SQLite publishes the commit in the WAL index, and a failure to write them is
//     returned to SQLite as that write's error, so the commit fails as it would have without the buffer;
//   - any other operation on the file (read, sync, truncate, size, lock, file control, close), or a write that is not
//     the next append (the WAL header when the log starts over, a page overwritten in place, a frame header
//     rewritten with new checksums): what is buffered goes first, then that write, straight through;
//   - any shared-memory barrier (SQLite publishing a WAL index header) or unlock, on any connection of the process.
// A write that fails keeps its bytes buffered, and every later operation on the file tries again and returns the
// error until they are written. The database file is written straight through (checkpoints write it). So every byte
// is in the operating system's hands before SQLite relies on it, and a committed transaction survives the process
// being killed as before.
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
