// The registry's own checkpoints (DESIGN.md §6): its log signed under its name (registry_meta
// "name", which is both the checkpoint origin and the signed-note key name) with its current
// signing key. `agritrace log checkpoint` and the server's /api/v1/log/checkpoint both sign here.
#pragma once

#include <cstdint>
#include <string>

#include "agritrace/registry/status.h"
#include "agritrace/registry/store.h"

namespace agritrace {

struct SignedCheckpoint {
  std::string origin;
  uint64_t size = 0;
  std::string root;  // raw 32 bytes
  std::string note;  // the C2SP signed note, as served
};

// Signs the checkpoint of the log's current size in one write transaction, or returns the stored
// one when the log has not grown since (SignCheckpoint's rules, registry/log_store.h). Must not
// run inside a transaction.
Result<SignedCheckpoint> SignRegistryCheckpoint(Store& store);

}  // namespace agritrace
