// The newest signed checkpoint, kept in memory for /api/v1/log/checkpoint and for the inclusion
// proofs in the verify JSON (DESIGN.md §6).
//
// How often the registry signs: lazily, when a caller needs a checkpoint covering more leaves than
// the newest one, and then for the log's current size. So a client is always served a checkpoint
// that covers every event logged before its request, and the registry signs at most once per
// registry change (changes are human-paced: a lot issued, a certificate revoked), never for a
// log that has not grown. One signing at a time: callers that arrive meanwhile wait for it and
// share its checkpoint.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "http/api_context.h"
#include "registry/checkpoint_signer.h"
#include "registry/status.h"

namespace agritrace::http {

class CheckpointCache {
 public:
  // Signs through `api`'s read-write connection, which must outlive the cache.
  explicit CheckpointCache(ApiContext& api) : api_(api) {}

  // A signed checkpoint of at least `size` leaves: the one in memory when it is large enough,
  // else a fresh one for the current log. `size` beyond the log is Status::Invalid
  // ("log-size-beyond"); a log the registry refuses to sign (registry/log_store.h) is its Status.
  Result<std::shared_ptr<const SignedCheckpoint>> Covering(uint64_t size);

 private:
  std::shared_ptr<const SignedCheckpoint> Newest();

  ApiContext& api_;
  std::mutex signing_;  // held while signing: one signature at a time
  std::mutex mu_;       // guards newest_ (held only to copy the pointer)
  std::shared_ptr<const SignedCheckpoint> newest_;
};

}  // namespace agritrace::http
