// GroupCommit (server/group_commit.h): callers that arrive while a batch is written share the next batch, at most
// `writers` batches are written at once, and a write that throws reaches every caller of its batch without leaving
// later callers waiting.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "server/group_commit.h"

namespace oai::server {
namespace {

struct Item {
  int value = 0;
  bool written = false;
};

TEST(GroupCommit, CallersThatArriveDuringAWriteShareTheNextBatch) {
  GroupCommit<Item> group;
  std::mutex m;
  std::vector<std::size_t> batches;
  std::atomic<bool> release{false};
  const auto write = [&](const std::vector<Item*>& batch) {
    std::size_t index = 0;
    {
      std::lock_guard<std::mutex> lock(m);
      index = batches.size();
      batches.push_back(batch.size());
    }
    while (index == 0 && !release) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the first write lasts
    for (Item* i : batch) i->written = true;
  };
  Item first{0};
  std::thread leader([&] { group.Submit(first, write); });
  while ([&] { std::lock_guard<std::mutex> lock(m); return batches.empty(); }()) std::this_thread::yield();
  std::vector<Item> items(6);
  std::vector<std::thread> followers;
  for (auto& item : items) followers.emplace_back([&] { group.Submit(item, write); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // they queue behind the first write
  release = true;
  leader.join();
  for (auto& t : followers) t.join();
  EXPECT_TRUE(first.written);
  for (const auto& item : items) EXPECT_TRUE(item.written);
  // The first write held its item alone; those that queued meanwhile went out together (a thread that started
  // late on a busy machine may make a batch of its own).
  ASSERT_GE(batches.size(), 2u);
  EXPECT_EQ(batches[0], 1u);
  EXPECT_GE(batches[1], 2u);
  std::size_t total = 0;
  for (std::size_t n : batches) total += n;
  EXPECT_EQ(total, 7u);
  EXPECT_LT(batches.size(), 7u);
}

TEST(GroupCommit, AWriteThatThrowsFailsItsBatchAndTheNextCallerStillWrites) {
  GroupCommit<Item> group(2);
  Item bad{1};
  EXPECT_THROW(group.Submit(bad, [](const std::vector<Item*>&) { throw std::runtime_error("disk full"); }),
               std::runtime_error);
  Item good{2};
  group.Submit(good, [](const std::vector<Item*>& batch) {
    for (Item* i : batch) i->written = true;
  });
  EXPECT_TRUE(good.written);
}

TEST(GroupCommit, NoMoreBatchesAtOnceThanWriters) {
  GroupCommit<Item> group(3);
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::vector<Item> items(24);
  std::vector<std::thread> threads;
  for (auto& item : items) {
    threads.emplace_back([&] {
      group.Submit(item, [&](const std::vector<Item*>& batch) {
        const int now = ++running;
        for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        for (Item* i : batch) i->written = true;
        --running;
      });
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& item : items) EXPECT_TRUE(item.written);
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
}

}  // namespace
}  // namespace oai::server
