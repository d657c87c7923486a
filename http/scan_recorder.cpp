#include "agritrace/http/scan_recorder.h"

#include <algorithm>
#include <functional>
#include <iostream>

#include "agritrace/registry/store.h"

namespace agritrace::http {

namespace {

// A network hash is hex SHA-256; its first 64 bits are as good a key in memory. Anything else
// (tests use short names) is hashed as text.
uint64_t NetKey(const std::string& net) {
  if (net.size() != 64) return std::hash<std::string>()(net);
  uint64_t k = 0;
  for (size_t i = 0; i < 16; ++i) {
    char c = net[i];
    k = k << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return k;
}

}  // namespace

Result<std::unique_ptr<ScanRecorder>> ScanRecorder::Open(const std::string& db_path,
                                                         ScanRecorderOptions options,
                                                         Metrics* metrics) {
  std::unique_ptr<sql::Connection> db;
  try {
    db = OpenScanWriterConnection(db_path);
    if (!db->TableExists("scans") || !db->TableExists("scan_tallies"))
      return Status::Io("登记库中没有 scans 表，请先运行 agritrace init",
                        "the registry has no scans table; run agritrace init first");
  } catch (const sql::Error& e) {
    return Status::Io("无法打开登记库 " + db_path + "：" + e.what(),
                      "cannot open the registry " + db_path + ": " + e.what());
  }
  const bool per_node = IsPostgresqlRegistry(db_path);
  if (per_node && options.journal.empty())
    return Status::Invalid("PostgreSQL 登记库的每个服务节点需要自己的扫码日志文件；请用 --scan-journal 指定本机路径",
                           "each verify node of a PostgreSQL registry needs a scan journal of its "
                           "own; pass --scan-journal with a local path")
        .with_reason("scan-journal-unset");
  const std::string journal_path = options.journal.empty() ? ScanJournalPath(db_path) : options.journal;
  const std::string journal_key = ScanJournalKey(per_node, journal_path);
  if (per_node && options.reload_idle_after.count() == 0)
    options.reload_idle_after = 2 * options.fold_interval;
  auto journal = ScanJournal::Open(journal_path);
  if (!journal.ok()) return journal.status();
  // Scans an earlier run answered but did not commit (it was killed) are in its journal.
  auto entries = (*journal)->ReadAll();
  if (!entries.ok()) return entries.status();
  uint64_t last = 0;
  try {
    const int64_t through = ScanJournalThrough(*db, journal_key);
    last = static_cast<uint64_t>(std::max<int64_t>(through, 0));
    std::vector<ScanRow> missing;
    for (auto& e : *entries) {
      if (e.seq > static_cast<uint64_t>(through)) missing.push_back(std::move(e.row));
      last = std::max(last, e.seq);
    }
    if (Status s = InsertScans(*db, missing, static_cast<int64_t>(last), journal_key); !s.ok())
      return s;
    if (!missing.empty())
      std::cerr << "agritrace serve: 从扫码日志恢复 " << missing.size() << " 条扫码记录 / replayed "
                << missing.size() << " scans from the journal\n";
  } catch (const sql::Error& e) {
    return Status::Io(std::string("读取扫码日志位置失败：") + e.what(),
                      std::string("reading the scan journal position failed: ") + e.what());
  }
  if (Status s = (*journal)->Rewrite({}); !s.ok()) return s;
  // Scans stored by an earlier run (or a crash) are folded before any tally is loaded.
  auto folded = MergeScanTallies(*db);
  if (!folded.ok()) return folded.status();
  options.queue_capacity = std::max<size_t>(options.queue_capacity, 1);
  options.batch_max = std::max<size_t>(options.batch_max, 1);
  return std::unique_ptr<ScanRecorder>(new ScanRecorder(
      std::move(db), std::move(journal).value(), journal_key, last + 1, options, metrics));
}

std::string ScanJournalPath(const std::string& db_path) { return db_path + "-scans"; }

ScanRecorder::ScanRecorder(std::unique_ptr<sql::Connection> db,
                           std::unique_ptr<ScanJournal> journal, std::string journal_key,
                           uint64_t next_ticket, ScanRecorderOptions options, Metrics* metrics)
    : db_(std::move(db)),
      options_(options),
      metrics_(metrics),
      journal_(std::move(journal)),
      journal_key_(std::move(journal_key)),
      next_ticket_(next_ticket),
      last_fold_(std::chrono::steady_clock::now()),
      durable_(next_ticket - 1) {
  journaler_ = std::thread([this] { JournalLoop(); });
  writer_ = std::thread([this] { WriterLoop(); });
}

ScanRecorder::~ScanRecorder() { Close(); }

ScanRecorder::Shard& ScanRecorder::ShardOf(const std::string& code) {
  return shards_[std::hash<std::string>()(code) % kShards];
}

void ScanRecorder::EvictIdle(Shard& shard, const std::string& keep) {
  size_t limit = std::max<size_t>(options_.cached_codes / kShards, 1);
  for (auto it = shard.tallies.begin();
       it != shard.tallies.end() && shard.tallies.size() > limit;) {
    // Only an idle tally (nothing queued, everything folded) may go: scan_tallies alone then
    // holds its truth.
    if (it->second.pending == 0 && it->second.unfolded == 0 && it->first != keep)
      it = shard.tallies.erase(it);
    else
      ++it;
  }
}

bool ScanRecorder::Reserve() {
  std::unique_lock<std::mutex> lock(queue_mu_);
  // Everything not yet committed takes room: the queue and what waits in the journal.
  auto used = [&] {
    return queue_.size() + in_journal_write_ + backlog_.size() + in_commit_ + reserved_;
  };
  auto room = [&] { return closing_ || used() < options_.queue_capacity; };
  // A full queue means the writer is behind: wait a little for it (which slows the request,
  // not the writer) rather than lose the scan.
  if (!room() && options_.enqueue_wait.count() > 0)
    space_cv_.wait_for(lock, options_.enqueue_wait, room);
  if (closing_ || used() >= options_.queue_capacity) return false;
  ++reserved_;
  return true;
}

bool ScanRecorder::Enqueue(const ScanRow& scan, bool reserved, ScanDrop* why, uint64_t* ticket) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  if (reserved) --reserved_;
  if (closing_) {
    *why = ScanDrop::kShutdown;
    return false;
  }
  if (!reserved) {
    *why = ScanDrop::kQueueFull;
    return false;
  }
  *ticket = next_ticket_++;
  queue_.push_back({*ticket, scan});
  ++accepted_;
  // Wake the writer when there is work, or a full batch; not once per scan while it gathers.
  if (queue_.size() == 1 || queue_.size() == options_.batch_max) queue_cv_.notify_one();
  return true;
}

Result<ScanTally> ScanRecorder::Record(const ScanRow& scan, VerifyLookup& reader) {
  return RecordWith(scan, [&](size_t max_nets) { return reader.ScanHistory(scan.code, max_nets); });
}

Result<ScanTally> ScanRecorder::Record(const ScanRow& scan, sql::Connection& reader) {
  return RecordWith(scan,
                    [&](size_t max_nets) { return SummarizeScans(reader, scan.code, max_nets); });
}

template <typename LoadHistory>
Result<ScanTally> ScanRecorder::RecordWith(const ScanRow& scan, const LoadHistory& load) {
  // The queue place is taken before the tally is locked: waiting for room must not hold up
  // other codes. An early return gives the place back.
  struct Reservation {
    ScanRecorder* r;
    bool held;
    ~Reservation() {
      if (held) {
        std::lock_guard<std::mutex> lock(r->queue_mu_);
        --r->reserved_;
      }
    }
  } reservation{this, Reserve()};

  ScanDrop why = ScanDrop::kQueueFull;
  ScanTally out;
  if (IsScanMiss(scan.kind)) {
    // Counted per network per day, not per code: this lookup is all there is to tell.
    out.count = 1;
    out.first_at = scan.at;
    out.distinct_nets = 1;
    out.queued = Enqueue(scan, reservation.held, &why, &out.ticket);
    reservation.held = false;
    if (!metrics_) return out;
    if (out.queued)
      metrics_->ScanQueued();
    else
      metrics_->ScansDropped(why, 1);
    return out;
  }

  Shard& shard = ShardOf(scan.code);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.tallies.find(scan.code);
  if (it != shard.tallies.end() && options_.reload_idle_after.count() > 0 &&
      it->second.pending == 0 && it->second.unfolded == 0 &&
      std::chrono::steady_clock::now() - it->second.loaded > options_.reload_idle_after) {
    shard.tallies.erase(it);  // other nodes may have counted this code since: read it again
    it = shard.tallies.end();
  }
  if (it == shard.tallies.end()) {
    // Nothing of this code is queued or unfolded (else its tally would be here): its row in
    // scan_tallies is complete.
    ScanSummary s;
    try {
      s = load(options_.nets_tracked);
    } catch (const sql::Error& e) {
      return Status::Io(std::string("读取扫码记录失败：") + e.what(),
                        std::string("reading scans failed: ") + e.what());
    }
    EvictIdle(shard, scan.code);
    Tally t;
    t.loaded = std::chrono::steady_clock::now();
    t.count = s.count;
    t.first_at = std::move(s.first_at);
    for (const auto& net : s.nets) t.nets.push_back(NetKey(net));
    it = shard.tallies.emplace(scan.code, std::move(t)).first;
  }
  Tally& t = it->second;

  out.count = t.count + 1;
  out.first_at = t.first_at.empty() || scan.at < t.first_at ? scan.at : t.first_at;
  const uint64_t net = NetKey(scan.net);
  bool new_net = std::find(t.nets.begin(), t.nets.end(), net) == t.nets.end();
  out.distinct_nets = t.nets.size() + (new_net && t.nets.size() < options_.nets_tracked ? 1 : 0);

  out.queued = Enqueue(scan, reservation.held, &why, &out.ticket);
  reservation.held = false;
  if (out.queued) {
    // The tally changes only with a queued scan, so it stays = stored + queued.
    t.count = out.count;
    t.first_at = out.first_at;
    if (new_net && t.nets.size() < options_.nets_tracked) t.nets.push_back(net);
    ++t.pending;
    if (metrics_) metrics_->ScanQueued();
  } else if (metrics_) {
    metrics_->ScansDropped(why, 1);
  }
  return out;
}

Status ScanRecorder::CommitWithRetry(const std::vector<ScanRow>& batch, uint64_t through) {
  // The registry may be locked for long (a mint of millions of codes): while the server runs, a
  // batch is retried until it commits, since its answers are already out. Only at shutdown does
  // the writer give up, and then the journal keeps the batch for the next start to replay.
  Status s;
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50 * attempt, 1000)));
    s = InsertScans(*db_, batch, static_cast<int64_t>(through), journal_key_);
    if (s.ok()) return s;
    if (attempt >= 2) {
      if (s.reason() != kDbBusy) return s;  // a real failure (disk full): counted as dropped
      std::lock_guard<std::mutex> lock(queue_mu_);
      if (closing_) return s;
    }
    if (attempt == 2)
      std::cerr << "agritrace serve: 登记库忙，扫码记录稍后重试写入 / registry busy, retrying the "
                   "scans' commit: "
                << s.message() << "\n";
  }
}

void ScanRecorder::Settle(const std::vector<ScanRow>& batch, bool stored) {
  for (const auto& scan : batch) {
    if (IsScanMiss(scan.kind)) continue;  // no tally
    Shard& shard = ShardOf(scan.code);
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.tallies.find(scan.code);
    if (it == shard.tallies.end()) continue;  // cannot happen: pending tallies stay
    Tally& t = it->second;
    --t.pending;
    if (stored) {
      ++t.unfolded;
      if (options_.reload_idle_after.count() > 0) unfolded_codes_.insert(scan.code);
    } else
      t.stale = true;
    // A tally that counted a lost scan is reloaded from the table once it is idle.
    if (t.stale && t.pending == 0 && t.unfolded == 0) shard.tallies.erase(it);
  }
}

void ScanRecorder::Fold() {
  last_fold_ = std::chrono::steady_clock::now();
  if (unfolded_rows_ == 0) return;
  auto changed = MergeScanTallies(*db_);
  if (!changed.ok()) {
    // The scans are stored; their tallies stay pinned in memory until a later fold succeeds.
    std::cerr << "agritrace serve: " << changed.status().message() << "\n";
    return;
  }
  unfolded_rows_ = 0;
  if (options_.reload_idle_after.count() > 0) {
    // Other nodes fold too, and may have folded this node's scans before this fold ran, so
    // `changed` need not name them; but every scan this node committed is folded now.
    *changed = std::vector<std::string>(unfolded_codes_.begin(), unfolded_codes_.end());
  }
  unfolded_codes_.clear();
  for (const auto& code : *changed) {
    Shard& shard = ShardOf(code);
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.tallies.find(code);
    if (it == shard.tallies.end()) continue;
    it->second.unfolded = 0;
    if (it->second.stale && it->second.pending == 0) shard.tallies.erase(it);
  }
}

void ScanRecorder::JournalLoop() {
  std::vector<ScanJournal::Entry> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) {  // closing and drained
        journal_done_ = true;
        commit_cv_.notify_one();
        return;
      }
      // No gathering: whatever queued while the last write ran is this batch, and every answer
      // in it waits for this write.
      size_t n = std::min(queue_.size(), options_.batch_max);
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
      in_journal_write_ = n;
    }
    Status s;
    {
      std::lock_guard<std::mutex> journal_lock(journal_mu_);
      s = journal_->Append(batch);
      std::lock_guard<std::mutex> lock(queue_mu_);
      in_journal_write_ = 0;
      if (s.ok()) {
        for (auto& e : batch) backlog_.push_back(std::move(e));
      } else {
        settled_ += batch.size();
      }
      durable_.store(batch.back().seq, std::memory_order_release);
    }
    if (!s.ok()) {
      // Not stored anywhere: counted, and the answers say "not recorded" no longer than now.
      std::cerr << "agritrace serve: " << batch.size()
                << " 条扫码记录未能保存 / scans not stored: " << s.message() << "\n";
      if (metrics_) metrics_->ScansDropped(ScanDrop::kStoreFailed, batch.size());
      std::vector<ScanRow> rows;
      for (auto& e : batch) rows.push_back(std::move(e.row));
      Settle(rows, false);
      space_cv_.notify_all();
      done_cv_.notify_all();
    }
    commit_cv_.notify_one();
    durable_cv_.notify_all();
    std::lock_guard<std::mutex> lock(listeners_mu_);
    for (const auto& fn : listeners_) fn();
  }
}

void ScanRecorder::WriterLoop() {
  std::vector<ScanRow> batch;
  for (;;) {
    uint64_t through = 0;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      // Idle: fold what is committed once fold_interval has passed, then wait for scans.
      while (backlog_.empty() && !journal_done_) {
        auto due = last_fold_ + options_.fold_interval;
        if (unfolded_rows_ > 0 && std::chrono::steady_clock::now() >= due) {
          lock.unlock();
          Fold();
          lock.lock();
          continue;
        }
        if (unfolded_rows_ > 0)
          commit_cv_.wait_until(lock, due);
        else
          commit_cv_.wait(lock);
      }
      if (backlog_.empty()) {  // the journal thread has ended and everything is committed
        lock.unlock();
        Fold();
        return;
      }
      if (options_.gather.count() > 0 && !closing_ && backlog_.size() < options_.batch_max) {
        commit_cv_.wait_for(lock, options_.gather,
                            [&] { return closing_ || backlog_.size() >= options_.batch_max; });
      }
      size_t n = std::min(backlog_.size(), options_.batch_max);
      batch.clear();
      for (size_t i = 0; i < n; ++i) batch.push_back(std::move(backlog_[i].row));
      through = backlog_[n - 1].seq;
      backlog_.erase(backlog_.begin(), backlog_.begin() + n);
      in_commit_ = n;
    }
    if (options_.commit_delay.count() > 0) std::this_thread::sleep_for(options_.commit_delay);
    Status s = CommitWithRetry(batch, through);
    if (metrics_) {
      if (s.ok())
        metrics_->ScansStored(batch.size());
      else
        metrics_->ScansDropped(ScanDrop::kStoreFailed, batch.size());
    }
    if (!s.ok() && s.reason() == kDbBusy) {
      // Shutting down with the registry still locked: the journal keeps these scans (no
      // compaction from now on) and the next start stores them.
      keep_journal_ = true;
      std::cerr << "agritrace serve: " << batch.size()
                << " 条扫码记录暂存在扫码日志中，下次启动时写入登记库 / scans kept in the scan journal, "
                   "stored at the next start: "
                << s.message() << "\n";
    } else if (!s.ok()) {
      std::cerr << "agritrace serve: " << batch.size()
                << " 条扫码记录未能保存 / scans not stored: " << s.message() << "\n";
    }
    Settle(batch, s.ok());
    if (s.ok()) unfolded_rows_ += batch.size();
    if (unfolded_rows_ >= options_.fold_rows ||
        std::chrono::steady_clock::now() >= last_fold_ + options_.fold_interval)
      Fold();
    CompactJournal();
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      settled_ += batch.size();
      in_commit_ = 0;
    }
    space_cv_.notify_all();
    done_cv_.notify_all();
  }
}

void ScanRecorder::CompactJournal() {
  std::lock_guard<std::mutex> journal_lock(journal_mu_);
  if (keep_journal_ || journal_->size() <= options_.journal_compact_bytes) return;
  std::vector<ScanJournal::Entry> keep;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    keep.assign(backlog_.begin(), backlog_.end());
  }
  if (Status s = journal_->Rewrite(keep); !s.ok())
    std::cerr << "agritrace serve: " << s.message() << "\n";
}

void ScanRecorder::Flush() {
  std::unique_lock<std::mutex> lock(queue_mu_);
  uint64_t target = accepted_;
  done_cv_.wait(lock,
                [&] { return settled_ >= target; });  // the writer drains all, even when closing
}

bool ScanRecorder::WaitDurable(uint64_t ticket, std::chrono::milliseconds timeout) {
  if (durable() >= ticket) return true;
  std::unique_lock<std::mutex> lock(queue_mu_);
  return durable_cv_.wait_for(lock, timeout, [&] { return durable() >= ticket; });
}

void ScanRecorder::OnDurable(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.push_back(std::move(fn));
}

void ScanRecorder::Close() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    closing_ = true;
  }
  queue_cv_.notify_all();
  commit_cv_.notify_all();
  space_cv_.notify_all();
  if (journaler_.joinable()) journaler_.join();
  if (writer_.joinable()) writer_.join();
  done_cv_.notify_all();
  // Everything is committed: let a next server on this registry take the journal.
  std::lock_guard<std::mutex> journal_lock(journal_mu_);
  journal_.reset();
}

size_t ScanRecorder::QueueDepth() {
  std::lock_guard<std::mutex> lock(queue_mu_);
  return queue_.size() + in_journal_write_ + backlog_.size() + in_commit_;
}

}  // namespace agritrace::http
