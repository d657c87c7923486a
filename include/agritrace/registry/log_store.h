// The transparency log in SQLite (DESIGN.md §6, schemas/sql/001_registry.sql): `events` holds
// the leaves, `log_nodes` every complete-subtree hash, `checkpoints` the signed tree heads.
// Hashing and proofs are RFC 9162 (registry/merkle.h); checkpoints are C2SP signed notes
// (registry/signed_note.h). Formats for third-party verifiers: docs/formats/log.md.
//
// AppendLeaf runs in the caller's transaction. SignCheckpoint and VerifyLog use a savepoint, so
// they are atomic on their own and nest inside a caller's transaction. Root and the proofs, called
// outside a transaction, read from one read transaction (one snapshot). Database failures come back
// as Status::Io, stored data that contradicts its hashes or signatures as Status::Corruption,
// out-of-range arguments as Status::Invalid.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/merkle.h"
#include "agritrace/registry/signed_note.h"
#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/status.h"

namespace agritrace {

// The log over one connection, keeping its prepared statements between calls: hold one for a
// loop of appends or proofs. Must not outlive `db`; use it from one thread at a time.
class MerkleLog final : public merkle::NodeSource {
 public:
  explicit MerkleLog(sql::Connection& db);
  ~MerkleLog() override;
  MerkleLog(const MerkleLog&) = delete;
  MerkleLog& operator=(const MerkleLog&) = delete;

  // See AppendLeaf below.
  Status Append(uint64_t index, std::string_view leaf_bytes);
  // Leaves in log_nodes. Throws sql::Error if the database cannot be read.
  uint64_t Size();
  Result<std::string> Root(uint64_t size);
  Result<std::vector<std::string>> InclusionProof(uint64_t index, uint64_t size);
  Result<std::vector<std::string>> ConsistencyProof(uint64_t from, uint64_t to);

  // merkle::NodeSource: the stored hash of (level, idx), or "".
  std::string Node(int level, uint64_t idx) override;

 private:
  class ReadSnapshot;
  sql::Connection& db_;
  std::unique_ptr<sql::Statement> size_, node_, insert_;
};

// Adds leaf `index` (RFC 9162 §2.1.1: hash SHA-256(0x00 || leaf_bytes)) and every subtree it
// completes to log_nodes. `index` must equal Size(db), else Status::Corruption. The caller owns
// the transaction, inserts the matching `events` row in it, and rolls it back if this fails
// (some nodes may already be written).
Status AppendLeaf(sql::Connection& db, uint64_t index, std::string_view leaf_bytes);
// The number of leaves in the log. Throws sql::Error if the database cannot be read.
uint64_t Size(sql::Connection& db);
// The root of the first `size` leaves (size <= Size(db)).
Result<std::string> Root(sql::Connection& db, uint64_t size);
// RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `size` leaves.
Result<std::vector<std::string>> InclusionProof(sql::Connection& db, uint64_t index,
                                                uint64_t size);
// RFC 9162 §2.1.4.1 consistency proof between the trees of `from` and `to` leaves.
Result<std::vector<std::string>> ConsistencyProof(sql::Connection& db, uint64_t from, uint64_t to);

// Replays the whole log: recomputes every leaf hash from events.leaf and every node above it,
// compares each with log_nodes (missing and extra rows included), and checks every stored
// checkpoint: its root against the recomputed one, its note text against its row, and its
// signature against `verifiers` (at least one must match and verify). The first problem found
// is returned as Status::Corruption naming the event index, node or checkpoint size.
Status VerifyLog(sql::Connection& db, const std::vector<NoteVerifier>& verifiers);

// Logs the signing as event `n` = the current size, kind "log.checkpoint", data {"size": n + 1,
// "previous": the newest stored checkpoint's size, when there is one}, then signs and stores the
// checkpoint of size n + 1, which covers that event; returns its signed note. So every checkpoint
// signed leaves an event that the log audit (log_audit.h) holds against the checkpoints table: a
// checkpoint deleted later is named. Refuses
// (Status::Corruption) to sign anything inconsistent with the newest stored checkpoint: that
// checkpoint's root must still follow from log_nodes, and every leaf and node added since is
// recomputed from `events` and compared. If the log has not grown, returns the stored note
// unchanged. A different `origin` from the newest checkpoint's is Status::Conflict. `now` is
// the RFC 3339 created_at.
Result<std::string> SignCheckpoint(sql::Connection& db, std::string_view origin,
                                   std::string_view key_name, const Ed25519PrivateKey& key,
                                   std::string_view now);
// The canonical JSON of event `index`; NotFound when the log has no such event.
Result<std::string> EventLeaf(sql::Connection& db, uint64_t index);
struct StoredEvent {
  int64_t index = 0;
  std::string leaf;  // canonical JSON
};
// Up to `count` events from `start` on, in log order.
std::vector<StoredEvent> EventsFrom(sql::Connection& db, uint64_t start, uint64_t count);
// How many signed checkpoints are stored.
int64_t CountCheckpoints(sql::Connection& db);
// The newest stored signed note (for GET /api/v1/log/checkpoint); NotFound if none.
Result<std::string> LatestCheckpoint(sql::Connection& db);

}  // namespace agritrace
