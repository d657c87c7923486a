// Records every scan (DESIGN.md §8) through a bounded queue: a journal thread appends each batch
// to the scan journal (scan_journal.h) and then counts its scans durable; a writer thread commits
// them to the registry in batches, one transaction per batch. An answer is released only once its
// scan is durable (its ticket at or below durable(): the event loops hold it, other handlers wait
// in WaitDurable), so an answered scan is never lost to a kill, yet never waits for the
// registry's write lock. Shutdown drains the queue; a scan that cannot be queued or stored is
// counted in the metrics, never silently lost.
//
// The count a consumer sees includes their own scan and every scan before it, also those still
// in the queue: per code, an in-memory tally = committed rows + queued rows. The writer folds the
// committed scans into scan_tallies (scan_store.h) every `fold_interval` or `fold_rows`; a
// tally stays in memory while any scan of its code is queued or not yet folded, and only then
// may it be dropped, so loading one from scan_tallies alone (one primary-key read) is complete.
// Lookups of unknown and malformed codes are only counted (scan_misses): they have no tally.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "agritrace/http/metrics.h"
#include "agritrace/http/scan_journal.h"
#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/status.h"
#include "agritrace/registry/verify_lookup.h"

namespace agritrace::http {

struct ScanTally {
  int64_t count = 0;         // scans of the code, this one included
  std::string first_at;      // RFC 3339 UTC of the first scan (this one when it is the first)
  size_t distinct_nets = 0;  // networks among them, this one included; saturates at nets_tracked
  bool queued = false;       // false: this scan was dropped (and counted as such)
  // Its place in the journal: the answer may go out once durable() >= ticket. 0 when not
  // queued (nothing to wait for).
  uint64_t ticket = 0;
};

struct ScanRecorderOptions {
  size_t queue_capacity = 65536;
  // When the queue is full, a scan waits this long for room before it is dropped (counted).
  std::chrono::milliseconds enqueue_wait{1000};
  size_t batch_max = 4096;  // rows per journal write and per transaction
  // Committed scans are folded into scan_tallies this often, or after this many: fewer, larger
  // folds write fewer pages; the tallies pinned in memory until then are at most fold_rows.
  std::chrono::milliseconds fold_interval{1000};
  size_t fold_rows = 50000;
  // After the first scan of a batch, wait this long for more before committing: under load a
  // commit (and the pages it rewrites) then carries hundreds of scans. Answers never wait for
  // it: they wait only for the journal, which takes whatever is queued at once.
  std::chrono::microseconds gather{2000};
  // The journal is compacted (rewritten with the scans not yet committed) past this size.
  uint64_t journal_compact_bytes = 8 << 20;
  size_t nets_tracked = 16;      // distinct networks remembered per code
  size_t cached_codes = 200000;  // tallies kept in memory (idle ones are evicted)
  // Tests only: hold every batch this long before committing, to catch scans in the queue.
  std::chrono::milliseconds commit_delay{0};
  // Other nodes record scans of the same registry (PostgreSQL): an idle tally loaded longer ago
  // than this is loaded again, so their scans show in this node's counts too. 0: never (one
  // server per registry file); ScanRecorder::Open sets twice fold_interval for a PostgreSQL one.
  std::chrono::milliseconds reload_idle_after{0};
  // The scan journal's file (serve --scan-journal). Empty: beside a registry file
  // (ScanJournalPath); a PostgreSQL registry has no file, and each node names its own.
  std::string journal;
};

// The scan journal of the registry file at `db_path`, unless options name another.
std::string ScanJournalPath(const std::string& db_path);

class ScanRecorder {
 public:
  // Opens its own connection to `db_path` for the writer thread, replays what the scan journal
  // holds beyond the registry (a previous run killed before committing), and starts the threads.
  // `metrics` must outlive the recorder.
  static Result<std::unique_ptr<ScanRecorder>> Open(const std::string& db_path,
                                                    ScanRecorderOptions options, Metrics* metrics);
  ~ScanRecorder();
  ScanRecorder(const ScanRecorder&) = delete;
  ScanRecorder& operator=(const ScanRecorder&) = delete;

  // Queues `scan` and returns the tally of its code including it. `reader` belongs to the
  // calling thread and loads a tally not yet in memory. Thread-safe.
  Result<ScanTally> Record(const ScanRow& scan, VerifyLookup& reader);
  Result<ScanTally> Record(const ScanRow& scan, sql::Connection& reader);

  // Blocks until every scan queued before the call is committed (or counted as dropped).
  void Flush();

  // Every ticket up to this one is in the journal, or was counted as dropped: its answer may go.
  uint64_t durable() const { return durable_.load(std::memory_order_acquire); }
  // Waits at most `timeout` for durable() >= ticket; true once it is.
  bool WaitDurable(uint64_t ticket, std::chrono::milliseconds timeout);
  // `fn` runs on the journal thread after each batch becomes durable (keep it short: wake
  // whoever holds answers). Register before scans arrive.
  void OnDurable(std::function<void()> fn);
  // Stops taking scans, commits everything queued, joins the writer. Idempotent.
  void Close();

  // Scans queued or being committed.
  size_t QueueDepth();

 private:
  struct Tally {
    int64_t count = 0;
    std::string first_at;
    std::vector<uint64_t> nets;  // first 64 bits of each network hash: enough to tell them apart
    int64_t pending = 0;         // queued, not yet committed
    int64_t unfolded = 0;        // committed, not yet folded into scan_tallies
    bool stale = false;          // a queued scan failed to store: reload once nothing is pending
    std::chrono::steady_clock::time_point loaded;  // when it was read from the registry
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Tally> tallies;
  };
  static constexpr size_t kShards = 64;

  ScanRecorder(std::unique_ptr<sql::Connection> db, std::unique_ptr<ScanJournal> journal,
               std::string journal_key, uint64_t next_ticket, ScanRecorderOptions options,
               Metrics* metrics);
  Shard& ShardOf(const std::string& code);
  template <typename LoadHistory>
  Result<ScanTally> RecordWith(const ScanRow& scan, const LoadHistory& load);
  void EvictIdle(Shard& shard, const std::string& keep);
  bool Reserve();
  bool Enqueue(const ScanRow& scan, bool reserved, ScanDrop* why, uint64_t* ticket);
  void JournalLoop();
  void WriterLoop();
  Status CommitWithRetry(const std::vector<ScanRow>& batch, uint64_t through);
  void Settle(const std::vector<ScanRow>& batch, bool stored);
  // After a commit: rewrites a journal grown past journal_compact_bytes with what is not yet
  // committed.
  void CompactJournal();
  // Folds committed scans into scan_tallies and unpins their tallies.
  void Fold();

  std::unique_ptr<sql::Connection> db_;  // the writer thread's only
  ScanRecorderOptions options_;
  Metrics* metrics_;
  Shard shards_[kShards];

  // Held while appending a batch and moving it to backlog_: under it the journal holds exactly
  // the committed scans and backlog_.
  std::mutex journal_mu_;
  std::unique_ptr<ScanJournal> journal_;
  std::string journal_key_;  // registry_meta's record of how far the journal is committed

  std::mutex queue_mu_;
  std::condition_variable queue_cv_, commit_cv_, done_cv_, space_cv_, durable_cv_;
  std::deque<ScanJournal::Entry> queue_;    // queued, not yet in the journal
  std::deque<ScanJournal::Entry> backlog_;  // in the journal, not yet committed
  bool keep_journal_ = false;  // writer thread only: a batch failed to commit at shutdown
  size_t reserved_ = 0;                     // places promised to scans about to be queued
  size_t in_journal_write_ = 0, in_commit_ = 0;
  uint64_t next_ticket_;
  uint64_t accepted_ = 0, settled_ = 0;  // scans queued / committed-or-dropped so far
  size_t unfolded_rows_ = 0;             // writer thread only
  // Writer thread only, on a shared registry: the codes with scans committed since the last fold.
  std::unordered_set<std::string> unfolded_codes_;
  std::chrono::steady_clock::time_point last_fold_;
  bool closing_ = false;
  bool journal_done_ = false;  // the journal thread has drained the queue and ended
  std::atomic<uint64_t> durable_{0};
  std::mutex listeners_mu_;
  std::vector<std::function<void()>> listeners_;
  std::thread journaler_, writer_;
};

}  // namespace agritrace::http
