// Lots and codes remembered between scans, so that a busy lot costs the database one read per
// `max_age`, not one per scan (DESIGN.md §10).
//
// What stays true with the cache:
//  - live data is live: every change to the registry appends to its event log, and the log's
//    length is checked at most `refresh` apart; a longer log (or a new day, for expiry) drops
//    every remembered lot. A revocation or recall is shown within `refresh` (default 100 ms).
//  - a record altered in the database behind the registry's back (no event) fails its
//    signature check within `max_age` (default 5 s): lots are re-read and re-verified that often.
//  - unit → lot and lot code → lot never change once issued; unknown codes are not remembered
//    (a code may be minted at any time).
//
// With a CheckpointCache, each lot is loaded with the inclusion proof of its issue event
// (LotLookup::log) against the newest signed checkpoint: the proof costs O(log n) node reads
// once per lot load, never one per scan. Loading never signs (CheckpointCache::Available): a lot
// whose event no signed checkpoint covers yet is served without a proof (the verify JSON says it
// is pending) and is loaded again, with its proof, once the cache's thread has signed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "agritrace/registry/status.h"
#include "agritrace/registry/verify_lookup.h"

namespace agritrace::http {

class CheckpointCache;  // http/checkpoint_cache.h, inside http/

struct LotCacheOptions {
  std::chrono::milliseconds refresh{100};   // 0: check the event log on every lookup
  std::chrono::milliseconds max_age{5000};  // 0: no caching of lots at all
  size_t max_codes = 500000;                // code → lot entries (cleared when full)
  size_t max_lots = 20000;
};

class LotCache {
 public:
  using Clock = std::chrono::steady_clock;

  // `checkpoints` may be null: lots are then served without inclusion proofs.
  explicit LotCache(LotCacheOptions options, CheckpointCache* checkpoints = nullptr)
      : options_(options), checkpoints_(checkpoints) {}

  struct Found {
    std::shared_ptr<const LotLookup> lot;  // lot-level: unit_code empty, serial 0
    int64_t serial = 0;                    // the unit's serial (unit codes only)
  };
  // NotFound (reason code-unknown) when the registry has no such code. Thread-safe; `db` is
  // the calling thread's connection.
  Result<Found> Unit(const std::string& code, VerifyLookup& db);
  Result<Found> Lot(const std::string& code, VerifyLookup& db);

 private:
  void Refresh(VerifyLookup& db, Clock::time_point now);
  Result<std::shared_ptr<const LotLookup>> LotById(int64_t lot_id, VerifyLookup& db);
  // Fills lot.log against the newest signed checkpoint when it covers the lot's event; asks for
  // a checkpoint of `log_size` leaves when the newest is smaller.
  void ProveInLog(LotLookup& lot, uint64_t log_size, VerifyLookup& db);

  LotCacheOptions options_;
  CheckpointCache* checkpoints_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, UnitRef> units_;
  std::unordered_map<std::string, int64_t> lot_ids_;
  struct Entry {
    std::shared_ptr<const LotLookup> lot;
    Clock::time_point loaded;
    uint64_t proved_size = 0;  // the checkpoint its proof is against, 0 when pending
  };
  std::unordered_map<int64_t, Entry> lots_;
  int64_t version_ = -2;  // the event log length last seen; -2: never checked
  std::string today_;
  uint64_t generation_ = 0;  // bumped whenever lots_ is dropped

  std::mutex refresh_mu_;
  std::atomic<int64_t> next_check_{0};  // steady_clock ticks
  std::atomic<bool> checked_once_{false};
};

}  // namespace agritrace::http
