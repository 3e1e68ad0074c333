// A SQLite VFS that coalesces contiguous writes (see sqlite_vfs.h).
#include "server/sqlite_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace oai::server {

namespace {

constexpr const char* kVfsName = "oai-coalesce";
// A group commit of half a dozen turns. (The unix VFS writes at most 128 KB - 1 in one call: it masks the count.)
constexpr std::size_t kBufferBytes = 64 * 1024;
constexpr int kWalFrameHeaderBytes = 24;

std::atomic<std::uint64_t> g_writes{0};
std::atomic<std::uint64_t> g_systemWrites{0};

// A lock for a file's buffer: its owner takes it for each write (two dozen a turn), another thread only to flush it,
// rarely. Uncontended it is one exchange (a mutex was a quarter of a write's instructions).
class SpinLock {
 public:
  void lock() {
    while (m_held.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
  }
  void unlock() { m_held.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> m_held{false};
};

struct File {
  sqlite3_file base;   // must come first: SQLite sees this
  sqlite3_file* real;  // the default VFS's file, in the same allocation, after this struct
  std::string path;
  bool buffered = false;  // a WAL or main database file (a temporary file is written through)
  bool wal = false;
  SpinLock guard;  // the buffer: its owner writes it, other connections' reads and barriers flush it
  std::unique_ptr<char[]> buffer;
  sqlite3_int64 start = 0;  // the file offset of buffer[0]
  std::size_t length = 0;
  bool afterCommit = false;  // a committing WAL frame's header was written: flush with every write until the next
  int stickyError = SQLITE_OK;  // a flush that could not report its failure reports it on the file's next operation
};

std::mutex g_filesMutex;  // the open buffered files; taken before a file's guard, never after
std::vector<File*> g_files;
std::atomic<int> g_pendingFiles{0};  // files with buffered bytes: reads and barriers skip the list when 0

File* Of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }

int FlushLocked(File& f) {
  if (f.length == 0) return SQLITE_OK;
  const int rc = f.real->pMethods->xWrite(f.real, f.buffer.get(), static_cast<int>(f.length), f.start);
  g_systemWrites.fetch_add(1, std::memory_order_relaxed);
  f.length = 0;
  g_pendingFiles.fetch_sub(1, std::memory_order_relaxed);
  return rc;
}

// Flushes the file's own buffer and returns an error a flush could not report before, if any.
int FlushOwn(File& f) {
  std::lock_guard<SpinLock> lock(f.guard);
  int rc = FlushLocked(f);
  if (rc == SQLITE_OK && f.stickyError != SQLITE_OK) rc = f.stickyError;
  f.stickyError = SQLITE_OK;
  return rc;
}

// Flushes other connections' buffers of the same file (all files when `path` is null). A failure is kept for that
// file's next operation.
void FlushOthers(const File* self, const std::string* path) {
  if (g_pendingFiles.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard<std::mutex> list(g_filesMutex);
  for (File* other : g_files) {
    if (other == self || (path && other->path != *path)) continue;
    std::lock_guard<SpinLock> lock(other->guard);
    const int rc = FlushLocked(*other);
    if (rc != SQLITE_OK) other->stickyError = rc;
  }
}

int Close(sqlite3_file* file) {
  File& f = *Of(file);
  int rc = SQLITE_OK;
  if (f.buffered) {
    rc = FlushOwn(f);
    std::lock_guard<std::mutex> list(g_filesMutex);
    g_files.erase(std::remove(g_files.begin(), g_files.end(), &f), g_files.end());
  }
  const int closed = f.real->pMethods->xClose(f.real);
  f.~File();
  return rc != SQLITE_OK ? rc : closed;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  File& f = *Of(file);
  if (f.buffered) {
    if (const int rc = FlushOwn(f); rc != SQLITE_OK) return rc;
    FlushOthers(&f, &f.path);
  }
  return f.real->pMethods->xRead(f.real, out, amount, offset);
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  File& f = *Of(file);
  g_writes.fetch_add(1, std::memory_order_relaxed);
  if (!f.buffered) {
    g_systemWrites.fetch_add(1, std::memory_order_relaxed);
    return f.real->pMethods->xWrite(f.real, data, amount, offset);
  }
  std::lock_guard<SpinLock> lock(f.guard);
  if (f.stickyError != SQLITE_OK) {
    const int rc = f.stickyError;
    f.stickyError = SQLITE_OK;
    return rc;
  }
  const auto bytes = static_cast<std::size_t>(amount);
  const bool contiguous = f.length > 0 && offset == f.start + static_cast<sqlite3_int64>(f.length);
  if (f.length > 0 && (!contiguous || f.length + bytes > kBufferBytes)) {
    if (const int rc = FlushLocked(f); rc != SQLITE_OK) return rc;
  }
  bool flushNow = false;
  if (f.wal) {
    // A frame's header is the only 24-byte write to a WAL; bytes 4..7 hold the database's size in pages on the frame
    // that commits a transaction, and 0 on the others.
    if (amount == kWalFrameHeaderBytes) {
      const auto* h = static_cast<const unsigned char*>(data);
      f.afterCommit = (h[4] | h[5] | h[6] | h[7]) != 0;
    } else {
      flushNow = f.afterCommit;
    }
  }
  if (bytes > kBufferBytes) {
    g_systemWrites.fetch_add(1, std::memory_order_relaxed);
    return f.real->pMethods->xWrite(f.real, data, amount, offset);
  }
  if (!f.buffer) {
    f.buffer.reset(new (std::nothrow) char[kBufferBytes]);
    if (!f.buffer) {  // no memory for a buffer: written through
      g_systemWrites.fetch_add(1, std::memory_order_relaxed);
      return f.real->pMethods->xWrite(f.real, data, amount, offset);
    }
  }
  if (f.length == 0) {
    f.start = offset;
    g_pendingFiles.fetch_add(1, std::memory_order_relaxed);
  }
  std::memcpy(f.buffer.get() + f.length, data, bytes);
  f.length += bytes;
  // The committing frame is whole: on the file before SQLite publishes the commit, and its error is the commit's.
  return flushNow ? FlushLocked(f) : SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  File& f = *Of(file);
  if (f.buffered) {
    if (const int rc = FlushOwn(f); rc != SQLITE_OK) return rc;
  }
  return f.real->pMethods->xTruncate(f.real, size);
}

int Sync(sqlite3_file* file, int flags) {
  File& f = *Of(file);
  if (f.buffered) {
    if (const int rc = FlushOwn(f); rc != SQLITE_OK) return rc;
  }
  return f.real->pMethods->xSync(f.real, flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  File& f = *Of(file);
  if (f.buffered) {
    if (const int rc = FlushOwn(f); rc != SQLITE_OK) return rc;
  }
  return f.real->pMethods->xFileSize(f.real, size);
}

int Lock(sqlite3_file* file, int level) {
  File& f = *Of(file);
  if (f.buffered) {
    if (const int rc = FlushOwn(f); rc != SQLITE_OK) return rc;
  }
  return f.real->pMethods->xLock(f.real, level);
}

int Unlock(sqlite3_file* file, int level) {
  File& f = *Of(file);
  if (f.buffered) {
    if (const int rc = FlushOwn(f); rc != SQLITE_OK) return rc;
  }
  return f.real->pMethods->xUnlock(f.real, level);
}

int CheckReservedLock(sqlite3_file* file, int* out) {
  File& f = *Of(file);
  return f.real->pMethods->xCheckReservedLock(f.real, out);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  File& f = *Of(file);
  if (op == SQLITE_FCNTL_VFSNAME) {  // the stack of VFS names, for PRAGMA vfs_list and error messages
    const int rc = f.real->pMethods->xFileControl(f.real, op, arg);
    if (rc == SQLITE_OK) {
      char** name = static_cast<char**>(arg);
      char* both = sqlite3_mprintf("%s/%z", kVfsName, *name);
      *name = both;
    }
    return rc;
  }
  if (f.buffered) {
    if (const int rc = FlushOwn(f); rc != SQLITE_OK) return rc;
  }
  return f.real->pMethods->xFileControl(f.real, op, arg);
}

int SectorSize(sqlite3_file* file) { return Of(file)->real->pMethods->xSectorSize(Of(file)->real); }

int DeviceCharacteristics(sqlite3_file* file) {
  return Of(file)->real->pMethods->xDeviceCharacteristics(Of(file)->real);
}

int ShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return Of(file)->real->pMethods->xShmMap(Of(file)->real, region, size, extend, out);
}

int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Of(file)->real->pMethods->xShmLock(Of(file)->real, offset, n, flags);
}

void ShmBarrier(sqlite3_file* file) {
  // SQLite publishes a new WAL index header across a barrier: every buffered byte goes first (a safety net; the
  // committing frame was flushed when written).
  File& f = *Of(file);
  if (f.buffered) {
    std::lock_guard<SpinLock> lock(f.guard);
    if (const int rc = FlushLocked(f); rc != SQLITE_OK) f.stickyError = rc;
  }
  FlushOthers(&f, nullptr);
  f.real->pMethods->xShmBarrier(f.real);
}

int ShmUnmap(sqlite3_file* file, int deleteFlag) {
  return Of(file)->real->pMethods->xShmUnmap(Of(file)->real, deleteFlag);
}

int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  File& f = *Of(file);
  if (f.buffered) {
    if (const int rc = FlushOwn(f); rc != SQLITE_OK) return rc;
  }
  return f.real->pMethods->xFetch(f.real, offset, amount, out);
}

int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
  return Of(file)->real->pMethods->xUnfetch(Of(file)->real, offset, p);
}

// One method table per version the default VFS's files report (the unix VFS: 3).
sqlite3_io_methods MethodsOfVersion(int version) {
  sqlite3_io_methods m{};
  m.iVersion = std::min(version, 3);
  m.xClose = Close;
  m.xRead = Read;
  m.xWrite = Write;
  m.xTruncate = Truncate;
  m.xSync = Sync;
  m.xFileSize = FileSize;
  m.xLock = Lock;
  m.xUnlock = Unlock;
  m.xCheckReservedLock = CheckReservedLock;
  m.xFileControl = FileControl;
  m.xSectorSize = SectorSize;
  m.xDeviceCharacteristics = DeviceCharacteristics;
  if (m.iVersion >= 2) {
    m.xShmMap = ShmMap;
    m.xShmLock = ShmLock;
    m.xShmBarrier = ShmBarrier;
    m.xShmUnmap = ShmUnmap;
  }
  if (m.iVersion >= 3) {
    m.xFetch = Fetch;
    m.xUnfetch = Unfetch;
  }
  return m;
}

const sqlite3_io_methods g_methods[3] = {MethodsOfVersion(1), MethodsOfVersion(2), MethodsOfVersion(3)};

sqlite3_vfs* g_default = nullptr;
sqlite3_vfs g_vfs{};

constexpr std::size_t RealOffset() { return (sizeof(File) + 15) / 16 * 16; }

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* outFlags) {
  File* f = new (file) File{};
  f->base.pMethods = nullptr;  // until opened: SQLite calls xClose only on a file with methods
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + RealOffset());
  const int rc = g_default->xOpen(g_default, name, f->real, flags, outFlags);
  if (rc != SQLITE_OK || !f->real->pMethods) {
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);
    f->~File();
    file->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  f->base.pMethods = &g_methods[std::clamp(f->real->pMethods->iVersion, 1, 3) - 1];
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  f->buffered = name && (flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_DB)) != 0;
  if (f->buffered) {
    try {
      f->path = name;
      std::lock_guard<std::mutex> list(g_filesMutex);
      g_files.push_back(f);
    } catch (...) {  // out of memory: this file is written through
      f->buffered = false;
    }
  }
  return SQLITE_OK;
}

int Delete(sqlite3_vfs*, const char* name, int syncDir) { return g_default->xDelete(g_default, name, syncDir); }
int Access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_default->xAccess(g_default, name, flags, out); }
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_default->xFullPathname(g_default, name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) { return g_default->xDlOpen(g_default, name); }
void DlError(sqlite3_vfs*, int n, char* out) { g_default->xDlError(g_default, n, out); }
void (*DlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) { return g_default->xDlSym(g_default, handle, symbol); }
void DlClose(sqlite3_vfs*, void* handle) { g_default->xDlClose(g_default, handle); }
int Randomness(sqlite3_vfs*, int n, char* out) { return g_default->xRandomness(g_default, n, out); }
int Sleep(sqlite3_vfs*, int micros) { return g_default->xSleep(g_default, micros); }
int CurrentTime(sqlite3_vfs*, double* out) { return g_default->xCurrentTime(g_default, out); }
int GetLastError(sqlite3_vfs*, int n, char* out) {
  return g_default->xGetLastError ? g_default->xGetLastError(g_default, n, out) : 0;
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) { return g_default->xCurrentTimeInt64(g_default, out); }

}  // namespace

const char* CoalescingVfs() {
  static const bool registered = [] {
    g_default = sqlite3_vfs_find(nullptr);
    if (!g_default) return false;
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(RealOffset()) + g_default->szOsFile;
    g_vfs.mxPathname = g_default->mxPathname;
    g_vfs.zName = kVfsName;
    g_vfs.xOpen = Open;
    g_vfs.xDelete = Delete;
    g_vfs.xAccess = Access;
    g_vfs.xFullPathname = FullPathname;
    g_vfs.xDlOpen = DlOpen;
    g_vfs.xDlError = DlError;
    g_vfs.xDlSym = DlSym;
    g_vfs.xDlClose = DlClose;
    g_vfs.xRandomness = Randomness;
    g_vfs.xSleep = Sleep;
    g_vfs.xCurrentTime = CurrentTime;
    g_vfs.xGetLastError = GetLastError;
    g_vfs.xCurrentTimeInt64 = g_default->iVersion >= 2 && g_default->xCurrentTimeInt64 ? CurrentTimeInt64 : nullptr;
    return sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK;
  }();
  return registered ? kVfsName : nullptr;  // null: SQLite's default VFS
}

CoalescingVfsCounts CoalescingVfsCounters() {
  return {g_writes.load(std::memory_order_relaxed), g_systemWrites.load(std::memory_order_relaxed)};
}

}  // namespace oai::server
