// A SQLite VFS that coalesces contiguous writes (see sqlite_vfs.h).
#include "server/sqlite_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <type_traits>
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

// What a WAL file's handle buffers.
struct Wal {
  SpinLock guard;  // its owner writes; a barrier or an unlock on another connection's thread may flush
  std::unique_ptr<char[]> buffer;
  sqlite3_int64 start = 0;   // the file offset of buffer[0]
  std::size_t length = 0;    // bytes buffered; kept until written, even when a write fails
  sqlite3_int64 next = -1;   // where the last write ended: a write that starts there continues the append
  bool afterCommit = false;  // a committing frame's header was appended: its page goes to the file at once
};

// The file SQLite holds. Only a WAL is buffered: the database file is written by checkpoints, which SQLite follows
// with calls whose result it does not always read (SQLITE_FCNTL_CKPT_DONE), so its writes go straight through.
struct File {
  sqlite3_file base;   // must come first: SQLite sees this
  sqlite3_file* real;  // the default VFS's file, in the same allocation, after this struct
  Wal* wal;            // null: written through
};
static_assert(std::is_standard_layout_v<File>, "SQLite's sqlite3_file* is cast to File*");

std::mutex g_walsMutex;  // the open buffered WALs; taken before a WAL's guard, never after
std::atomic<int> g_pending{0};  // WALs with buffered bytes: barriers and unlocks skip the list when 0

File* Of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }

int WriteThrough(File& f, const void* data, int amount, sqlite3_int64 offset) {
  g_systemWrites.fetch_add(1, std::memory_order_relaxed);
  return f.real->pMethods->xWrite(f.real, data, amount, offset);
}

// On failure the bytes stay buffered: every later operation on the file tries again and returns the error until
// they are written, so nothing SQLite was told is written is dropped.
int FlushLocked(sqlite3_file* real, Wal& w) {
  if (w.length == 0) return SQLITE_OK;
  g_systemWrites.fetch_add(1, std::memory_order_relaxed);
  const int rc = real->pMethods->xWrite(real, w.buffer.get(), static_cast<int>(w.length), w.start);
  if (rc != SQLITE_OK) return rc;
  w.length = 0;
  g_pending.fetch_sub(1, std::memory_order_relaxed);
  return SQLITE_OK;
}

int Flush(File& f) {
  if (!f.wal) return SQLITE_OK;
  std::lock_guard<SpinLock> lock(f.wal->guard);
  return FlushLocked(f.real, *f.wal);
}

struct WalEntry {
  Wal* wal;
  sqlite3_file* real;
};
std::vector<WalEntry> g_walFiles;  // under g_walsMutex: each buffered WAL with its real file

// Every WAL buffer of the process goes to its file (before SQLite publishes a WAL index header, and when a
// connection lets go of a shared-memory lock). A failure keeps the bytes for that file's next operation.
void FlushAll() {
  if (g_pending.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard<std::mutex> list(g_walsMutex);
  for (const WalEntry& e : g_walFiles) {
    std::lock_guard<SpinLock> lock(e.wal->guard);
    FlushLocked(e.real, *e.wal);
  }
}

int Close(sqlite3_file* file) {
  File& f = *Of(file);
  // Only frames of a transaction that has not committed can still be buffered here (a commit writes its frames
  // before it returns), so a failure to write them loses nothing acknowledged. (SQLite does not read this result.)
  const int flushed = Flush(f);
  if (f.wal) {
    {
      std::lock_guard<std::mutex> list(g_walsMutex);
      g_walFiles.erase(std::remove_if(g_walFiles.begin(), g_walFiles.end(),
                                      [&](const WalEntry& e) { return e.wal == f.wal; }),
                       g_walFiles.end());
    }
    if (f.wal->length > 0) g_pending.fetch_sub(1, std::memory_order_relaxed);
    delete f.wal;
    f.wal = nullptr;
  }
  const int closed = f.real->pMethods->xClose(f.real);
  return flushed != SQLITE_OK ? flushed : closed;
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  File& f = *Of(file);
  g_writes.fetch_add(1, std::memory_order_relaxed);
  if (!f.wal) return WriteThrough(f, data, amount, offset);
  Wal& w = *f.wal;
  std::lock_guard<SpinLock> lock(w.guard);
  const auto bytes = static_cast<std::size_t>(amount);
  if (offset != w.next) {
    // Not the next append: the WAL header when the log starts over, a page overwritten in place, a frame header
    // rewritten with new checksums. What is buffered goes first, then this, straight through with its own result.
    if (const int rc = FlushLocked(f.real, w); rc != SQLITE_OK) return rc;
    const int rc = WriteThrough(f, data, amount, offset);
    if (rc == SQLITE_OK) w.next = offset + amount;
    w.afterCommit = false;
    return rc;
  }
  // A frame's header is the only 24-byte write to a WAL; bytes 4..7 hold the database's size in pages on the frame
  // that commits a transaction, and 0 on the others.
  bool commitPage = false;
  if (amount == kWalFrameHeaderBytes) {
    const auto* h = static_cast<const unsigned char*>(data);
    w.afterCommit = (h[4] | h[5] | h[6] | h[7]) != 0;
  } else {
    commitPage = w.afterCommit;
    w.afterCommit = false;
  }
  if (w.length > 0 && w.length + bytes > kBufferBytes) {
    if (const int rc = FlushLocked(f.real, w); rc != SQLITE_OK) return rc;
  }
  if (!w.buffer) w.buffer.reset(new (std::nothrow) char[kBufferBytes]);
  if (bytes > kBufferBytes || !w.buffer) {  // too large to buffer, or no memory for a buffer
    const int rc = WriteThrough(f, data, amount, offset);
    if (rc == SQLITE_OK) w.next = offset + amount;
    return rc;
  }
  if (w.length == 0) {
    w.start = offset;
    g_pending.fetch_add(1, std::memory_order_relaxed);
  }
  std::memcpy(w.buffer.get() + w.length, data, bytes);
  w.length += bytes;
  w.next = offset + amount;
  // The committing frame is whole: on the file before SQLite publishes the commit, and its error is the commit's.
  return commitPage ? FlushLocked(f.real, w) : SQLITE_OK;
}

// The default VFS's method, once what is buffered is on the file (a failure to write it is the result).
template <auto Method, typename... Args>
int AfterFlush(sqlite3_file* file, Args... args) {
  File& f = *Of(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return (f.real->pMethods->*Method)(f.real, args...);
}

int CheckReservedLock(sqlite3_file* file, int* out) {
  return Of(file)->real->pMethods->xCheckReservedLock(Of(file)->real, out);
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
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
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
  // A writer that lets go of the WAL (after a rollback, say) leaves nothing buffered for offsets the next writer
  // will use.
  if (flags & SQLITE_SHM_UNLOCK) FlushAll();
  return Of(file)->real->pMethods->xShmLock(Of(file)->real, offset, n, flags);
}

void ShmBarrier(sqlite3_file* file) {
  // SQLite publishes a new WAL index header across a barrier: every buffered byte goes first (a second guard; the
  // committing frame was written when it was whole).
  FlushAll();
  Of(file)->real->pMethods->xShmBarrier(Of(file)->real);
}

int ShmUnmap(sqlite3_file* file, int deleteFlag) {
  return Of(file)->real->pMethods->xShmUnmap(Of(file)->real, deleteFlag);
}

int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
  return Of(file)->real->pMethods->xUnfetch(Of(file)->real, offset, p);
}

// One method table per version the default VFS's files report (the unix VFS: 3).
sqlite3_io_methods MethodsOfVersion(int version) {
  sqlite3_io_methods m{};
  m.iVersion = std::min(version, 3);
  m.xClose = Close;
  m.xRead = AfterFlush<&sqlite3_io_methods::xRead, void*, int, sqlite3_int64>;
  m.xWrite = Write;
  m.xTruncate = AfterFlush<&sqlite3_io_methods::xTruncate, sqlite3_int64>;
  m.xSync = AfterFlush<&sqlite3_io_methods::xSync, int>;
  m.xFileSize = AfterFlush<&sqlite3_io_methods::xFileSize, sqlite3_int64*>;
  m.xLock = AfterFlush<&sqlite3_io_methods::xLock, int>;
  m.xUnlock = AfterFlush<&sqlite3_io_methods::xUnlock, int>;
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
    m.xFetch = AfterFlush<&sqlite3_io_methods::xFetch, sqlite3_int64, int, void**>;
    m.xUnfetch = Unfetch;
  }
  return m;
}

const sqlite3_io_methods g_methods[3] = {MethodsOfVersion(1), MethodsOfVersion(2), MethodsOfVersion(3)};

sqlite3_vfs* g_default = nullptr;
sqlite3_vfs g_vfs{};

constexpr std::size_t RealOffset() { return (sizeof(File) + 15) / 16 * 16; }

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* outFlags) {
  File* f = new (file) File{};  // pMethods null until opened: SQLite calls xClose only on a file with methods
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + RealOffset());
  const int rc = g_default->xOpen(g_default, name, f->real, flags, outFlags);
  if (rc != SQLITE_OK || !f->real->pMethods) {
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);
    file->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  f->base.pMethods = &g_methods[std::clamp(f->real->pMethods->iVersion, 1, 3) - 1];
  if (flags & SQLITE_OPEN_WAL) {
    auto* wal = new (std::nothrow) Wal;
    if (wal) {
      try {
        std::lock_guard<std::mutex> list(g_walsMutex);
        g_walFiles.push_back({wal, f->real});
        f->wal = wal;
      } catch (...) {  // out of memory: this WAL is written through
        delete wal;
      }
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
