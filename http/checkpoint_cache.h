// The newest signed checkpoint, kept in memory for /api/v1/log/checkpoint and for the inclusion
// proofs in the verify JSON (DESIGN.md §6).
//
// How often the registry signs: when the log has grown past the newest checkpoint, and then for
// the log's current size. So the registry signs at most once per registry change (changes are
// human-paced: a lot issued, a certificate revoked), never for a log that has not grown.
//
// Signing is a registry write: it takes SQLite's one write lock, which a long registry change
// (two million spares minted) may hold for many seconds. The consumer routes never wait for it:
// they take Available(), the newest checkpoint already signed, and a signing they need runs on
// this cache's own thread. Covering() signs on the caller's thread, for the log API, which
// promises a checkpoint covering every event logged before the request. One signing at a time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "agritrace/registry/checkpoint_signer.h"
#include "agritrace/registry/status.h"
#include "http/api_context.h"

namespace agritrace::http {

class CheckpointCache {
 public:
  // Signs through `api`'s read-write connection, which must outlive the cache. Reads the newest
  // stored checkpoint (a read: it waits for no writer) and starts the signing thread.
  // With `sign` false (serve --read-only) nothing is signed: only stored checkpoints are served.
  explicit CheckpointCache(ApiContext& api, bool sign = true);
  ~CheckpointCache();
  CheckpointCache(const CheckpointCache&) = delete;
  CheckpointCache& operator=(const CheckpointCache&) = delete;

  // A signed checkpoint of at least `size` leaves: the one in memory when it is large enough,
  // else a fresh one for the current log, signed on the caller's thread. `size` beyond the log
  // is Status::Invalid ("log-size-beyond"); a log the registry refuses to sign
  // (registry/log_store.h) is its Status.
  Result<std::shared_ptr<const SignedCheckpoint>> Covering(uint64_t size);

  // The newest checkpoint signed so far (null when none), without signing or touching the
  // database. When it covers fewer than `log_size` leaves, the signing thread is asked for a
  // fresh one.
  std::shared_ptr<const SignedCheckpoint> Available(uint64_t log_size);
  // Returns once no signing is asked for or under way (tests snapshot the registry after it).
  void WaitIdle();
  // Leaves of the newest checkpoint in memory (0 when none).
  uint64_t newest_size() const { return newest_size_.load(std::memory_order_acquire); }

 private:
  std::shared_ptr<const SignedCheckpoint> Newest();
  void Publish(std::shared_ptr<const SignedCheckpoint> cp);
  // Signs the current log (held under signing_).
  Result<std::shared_ptr<const SignedCheckpoint>> SignNow();
  void SignerLoop();

  ApiContext& api_;
  std::mutex signing_;  // held while signing: one signature at a time
  std::mutex mu_;       // guards newest_ (held only to copy the pointer) and the signer's flags
  std::shared_ptr<const SignedCheckpoint> newest_;
  std::atomic<uint64_t> newest_size_{0};
  std::condition_variable wake_, idle_;
  bool wanted_ = false, stopping_ = false;
  const bool sign_;
  std::thread signer_;
};

}  // namespace agritrace::http
