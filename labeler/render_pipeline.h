// Runs a per-chunk job on a few worker threads and hands the results back in submission order
// on the caller's thread. At most `window` chunks are in flight, and emitted chunks are kept for
// reuse (TakeSpare), so memory stays bounded whatever the number of labels (DESIGN.md §10).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "agritrace/registry/status.h"

namespace agritrace::labeler {

template <typename Chunk>
class OrderedPipeline {
 public:
  // `process(chunk, worker)` runs on worker `worker` (0 … threads-1), or on the caller's thread
  // with worker 0 when `threads` is 0. It must not throw.
  using Process = std::function<void(Chunk&, int)>;
  // `emit(chunk)` runs on the caller's thread, in submission order.
  using Emit = std::function<Status(Chunk&)>;

  OrderedPipeline(int threads, size_t window, Process process, Emit emit)
      : window_(window < 1 ? 1 : window), process_(std::move(process)), emit_(std::move(emit)) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this, i] { Work(i); });
  }

  // Stops the workers; chunks not yet emitted are dropped.
  ~OrderedPipeline() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  OrderedPipeline(const OrderedPipeline&) = delete;
  OrderedPipeline& operator=(const OrderedPipeline&) = delete;

  // Queues a chunk and emits finished ones; waits while the window is full. Returns the first
  // failure of emit (later chunks are then processed but not emitted).
  Status Submit(std::unique_ptr<Chunk> chunk) {
    if (workers_.empty()) {
      process_(*chunk, 0);
      Status s = EmitOne(*chunk);
      Keep(std::move(chunk));
      return s;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      slots_.push_back(Slot{std::move(chunk), false});
    }
    work_cv_.notify_one();
    return EmitReady(window_);
  }

  // Waits for every queued chunk and emits it.
  Status Drain() { return EmitReady(0); }

  // An emitted chunk to fill again, or null when there is none. Caller's thread only.
  std::unique_ptr<Chunk> TakeSpare() {
    if (spares_.empty()) return nullptr;
    std::unique_ptr<Chunk> chunk = std::move(spares_.back());
    spares_.pop_back();
    return chunk;
  }

 private:
  struct Slot {
    std::unique_ptr<Chunk> chunk;
    bool done;
  };

  // Keeps an emitted chunk for TakeSpare. At most window + 1 chunks are ever queued, so keeping
  // that many means a run makes no more than window + 2 (the one being filled).
  void Keep(std::unique_ptr<Chunk> chunk) {
    if (spares_.size() <= window_) spares_.push_back(std::move(chunk));
  }

  Status EmitOne(Chunk& chunk) {
    if (failed_.ok()) failed_ = emit_(chunk);
    return failed_;
  }

  // Emits finished chunks from the front; waits while more than `keep` are in flight.
  Status EmitReady(size_t keep) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (!slots_.empty() && slots_.front().done) {
        std::unique_ptr<Chunk> chunk = std::move(slots_.front().chunk);
        slots_.pop_front();
        --next_;
        lock.unlock();
        EmitOne(*chunk);
        Keep(std::move(chunk));
        lock.lock();
        continue;
      }
      if (slots_.size() <= keep) break;
      done_cv_.wait(lock, [&] { return slots_.front().done; });
    }
    return failed_;
  }

  void Work(int worker) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_cv_.wait(lock, [&] { return stop_ || next_ < slots_.size(); });
      if (stop_) return;
      Slot& slot = slots_[next_++];  // deque: references survive push_back and pop_front
      lock.unlock();
      process_(*slot.chunk, worker);
      lock.lock();
      slot.done = true;
      done_cv_.notify_one();
    }
  }

  const size_t window_;
  Process process_;
  Emit emit_;
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Slot> slots_;
  size_t next_ = 0;  // slots_[0 … next_) are taken by workers
  bool stop_ = false;
  Status failed_;
  std::vector<std::unique_ptr<Chunk>> spares_;  // caller's thread only
  std::vector<std::thread> workers_;
};

}  // namespace agritrace::labeler
