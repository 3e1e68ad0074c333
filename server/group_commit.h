// Group commit for the stores' turn writes, leader/follower style (no thread of its own): a caller queues its item;
// the first caller that finds no batch being written becomes the leader and writes everything queued (its own item and
// those of the callers waiting) in one batch; the others wait until the batch holding their item is written. Under
// load the batches grow by themselves (items queue while one is written); alone, a caller writes its own item at once.
#pragma once

#include <condition_variable>
#include <mutex>
#include <vector>

namespace oai::server {

template <typename Item>
class GroupCommit {
 public:
  // Queues `item` and returns once `write` has been called on a batch holding it. `write(const std::vector<Item*>&)`
  // runs on one caller's thread at a time, must not throw, and reports failures in the items themselves.
  template <typename Write>
  void Submit(Item& item, Write&& write) {
    Slot slot{&item, false};
    std::unique_lock<std::mutex> lock(m_mutex);
    m_queue.push_back(&slot);
    while (!slot.done) {
      if (m_writing) {
        m_written.wait(lock);
        continue;
      }
      m_writing = true;
      std::vector<Slot*> batch;
      batch.swap(m_queue);
      lock.unlock();
      std::vector<Item*> items;
      items.reserve(batch.size());
      for (Slot* s : batch) items.push_back(s->item);
      write(items);
      lock.lock();
      for (Slot* s : batch) s->done = true;
      m_writing = false;
      m_written.notify_all();
    }
  }

 private:
  struct Slot {
    Item* item;
    bool done;  // guarded by m_mutex
  };
  std::mutex m_mutex;
  std::condition_variable m_written;
  std::vector<Slot*> m_queue;
  bool m_writing = false;
};

}  // namespace oai::server
