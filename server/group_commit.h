// Group commit for the stores' turn writes, leader/follower style (no thread of its own): a caller queues its item;
// a caller that finds fewer than `writers` batches being written becomes a leader and writes everything queued (its
// own item and those of the callers waiting) in one batch; the others wait until the batch holding their item is
// written. Under load the batches grow by themselves (items queue while batches are written); alone, a caller writes
// its own item at once. One writer suits a store with one connection (SQLite); a pool can have a batch on several.
#pragma once

#include <condition_variable>
#include <exception>
#include <mutex>
#include <vector>

namespace oai::server {

template <typename Item>
class GroupCommit {
 public:
  explicit GroupCommit(int writers = 1) : m_maxWriters(writers < 1 ? 1 : writers) {}

  // Queues `item` and returns once `write` has been called on a batch holding it. `write(const std::vector<Item*>&)`
  // runs on at most `writers` callers' threads at a time and reports failures in the items themselves; if it throws,
  // every caller of that batch gets the exception.
  template <typename Write>
  void Submit(Item& item, Write&& write) {
    Slot slot{&item};
    std::unique_lock<std::mutex> lock(m_mutex);
    m_queue.push_back(&slot);
    while (!slot.done) {
      if (slot.taken || m_writers == m_maxWriters) {  // in a batch being written, or no writer free
        slot.wake.wait(lock);
        continue;
      }
      ++m_writers;
      std::vector<Slot*> batch;
      batch.swap(m_queue);
      for (Slot* s : batch) s->taken = true;
      lock.unlock();
      std::exception_ptr failure;
      try {
        std::vector<Item*> items;
        items.reserve(batch.size());
        for (Slot* s : batch) items.push_back(s->item);
        write(items);
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      // Each caller of the batch is woken alone, and the first caller queued since (if any) to write the next
      // batch: no caller wakes only to find its turn has not come.
      for (Slot* s : batch) {
        s->error = failure;
        s->done = true;
        if (s != &slot) s->wake.notify_one();
      }
      --m_writers;
      if (!m_queue.empty()) m_queue.front()->wake.notify_one();
    }
    if (slot.error) std::rethrow_exception(slot.error);
  }

 private:
  struct Slot {
    Item* item;
    bool taken = false;  // in a batch (guarded by m_mutex)
    bool done = false;   // its batch was written (guarded by m_mutex)
    std::exception_ptr error;  // what the batch's write threw
    std::condition_variable wake;  // its caller waits here
  };
  std::mutex m_mutex;
  std::vector<Slot*> m_queue;
  const int m_maxWriters;
  int m_writers = 0;  // batches being written
};

}  // namespace oai::server
