#include "registry/log_store.h"

#include <sqlite3.h>

#include <functional>
#include <optional>
#include <utility>

#include "registry/canonical_json.h"

namespace agritrace {
namespace {

using merkle::CompactRange;

// Leaves a statement reusable whatever happens after bind(): reset, keep no bound blobs.
class ResetOnExit {
 public:
  explicit ResetOnExit(SQLite::Statement& st) : st_(st) {}
  ~ResetOnExit() {
    st_.tryReset();
    try {
      st_.clearBindings();  // sqlite3_clear_bindings cannot fail; SQLiteCpp still checks
    } catch (const SQLite::Exception&) {
    }
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SQLite::Statement& st_;
};

// SAVEPOINT that undoes itself unless released: nests inside the caller's transaction or, at top
// level, is one. (SQLiteCpp 3.2's Savepoint only rolls back to the savepoint and leaves it, and
// with it a top-level transaction, open.)
class ScopedSavepoint {
 public:
  ScopedSavepoint(SQLite::Database& db, std::string name) : db_(db), name_(std::move(name)) {
    db_.exec("SAVEPOINT " + name_);
  }
  ~ScopedSavepoint() {
    if (released_) return;
    // Either may fail only if SQLite already rolled the whole transaction back (SQLITE_FULL,
    // SQLITE_IOERR), which leaves nothing to undo.
    try {
      db_.exec("ROLLBACK TO " + name_);
    } catch (const SQLite::Exception&) {
    }
    try {
      db_.exec("RELEASE " + name_);
    } catch (const SQLite::Exception&) {
    }
  }
  ScopedSavepoint(const ScopedSavepoint&) = delete;
  ScopedSavepoint& operator=(const ScopedSavepoint&) = delete;
  void Release() {
    db_.exec("RELEASE " + name_);
    released_ = true;
  }

 private:
  SQLite::Database& db_;
  std::string name_;
  bool released_ = false;
};

SQLite::Statement& Prepared(SQLite::Database& db, std::unique_ptr<SQLite::Statement>& slot,
                            const char* sql) {
  if (!slot) slot = std::make_unique<SQLite::Statement>(db, sql);
  return *slot;
}

std::string Bytes(const SQLite::Column& col) {
  return std::string(static_cast<const char*>(col.getBlob()), col.getBytes());
}

std::string N(uint64_t v) { return std::to_string(v); }

Status DbError(const SQLite::Exception& e) {
  return Status::Io(std::string("日志数据库错误：") + e.what(),
                    std::string("log database error: ") + e.what());
}

Status BeyondLog(uint64_t size, uint64_t log_size) {
  return Status::Invalid("树大小 " + N(size) + " 超过日志当前大小 " + N(log_size),
                         "tree size " + N(size) + " is beyond the log's " + N(log_size) + " leaves")
      .with_reason("log-size-beyond");
}

// Where a node sits, in the words of the events it covers.
std::string NodeZh(int level, uint64_t idx) {
  if (level == 0) return "事件 " + N(idx) + " 的叶子节点 (0, " + N(idx) + ")";
  const uint64_t first = idx << level;
  return "节点 (" + std::to_string(level) + ", " + N(idx) + ")（覆盖事件 " + N(first) + "–" +
         N(first + (uint64_t{1} << level) - 1) + "）";
}
std::string NodeEn(int level, uint64_t idx) {
  if (level == 0) return "the leaf of event " + N(idx) + " (node 0, " + N(idx) + ")";
  const uint64_t first = idx << level;
  return "node (level " + std::to_string(level) + ", index " + N(idx) + ") covering events " +
         N(first) + ".." + N(first + (uint64_t{1} << level) - 1);
}

Status NodeMismatch(int level, uint64_t idx) {
  if (level == 0)
    return Status::Corruption(
               "事件 " + N(idx) + " 的内容与 log_nodes 中的叶子哈希 (0, " + N(idx) + ") 不符",
               "event " + N(idx) + " does not match its leaf hash in log_nodes (0, " + N(idx) + ")")
        .with_reason("log-leaf-mismatch");
  return Status::Corruption("log_nodes 中" + NodeZh(level, idx) + "与由事件重新计算的哈希不符",
                            "log_nodes " + NodeEn(level, idx) +
                                " does not match the hash recomputed from the events")
      .with_reason("log-node-mismatch");
}

Status NodeMissing(int level, uint64_t idx) {
  return Status::Corruption("log_nodes 缺少" + NodeZh(level, idx),
                            "log_nodes lacks " + NodeEn(level, idx))
      .with_reason("log-node-missing");
}

Status NodeExtra(int level, int64_t idx) {
  return Status::Corruption("log_nodes 含有多余的节点 (" + std::to_string(level) + ", " +
                                std::to_string(idx) + ")",
                            "log_nodes holds an unexpected node (level " + std::to_string(level) +
                                ", index " + std::to_string(idx) + ")")
      .with_reason("log-node-extra");
}

Status EventGap(uint64_t expected, int64_t found) {
  return Status::Corruption(
             "events 表不连续：应为事件 " + N(expected) + "，实际为 " + std::to_string(found),
             "events are not contiguous: expected event " + N(expected) + ", found " +
                 std::to_string(found))
      .with_reason("log-event-gap");
}

Status CheckpointCorrupt(uint64_t size, const std::string& zh, const std::string& en) {
  return Status::Corruption("大小为 " + N(size) + " 的检查点" + zh,
                            "checkpoint of size " + N(size) + ": " + en)
      .with_reason("log-checkpoint-mismatch");
}

// Number of rows in `events` as the next index to use, assuming they are contiguous.
uint64_t EventCount(SQLite::Database& db) {
  SQLite::Statement st(db, "SELECT idx FROM events ORDER BY idx DESC LIMIT 1");
  return st.executeStep() ? static_cast<uint64_t>(st.getColumn(0).getInt64()) + 1 : 0;
}

struct StoredCheckpoint {
  uint64_t size = 0;
  std::string root, note;
};

// The note's own text must state the row's size and root.
Result<Checkpoint> CheckNoteMatchesRow(const StoredCheckpoint& cp) {
  auto note = ParseNote(cp.note);
  if (!note.ok())
    return CheckpointCorrupt(cp.size, "的签名注记无法解析：" + note.status().zh(),
                             "its note does not parse: " + note.status().en());
  auto body = ParseCheckpoint(note->text);
  if (!body.ok())
    return CheckpointCorrupt(cp.size, "的正文无法解析：" + body.status().zh(),
                             "its body does not parse: " + body.status().en());
  if (body->size != cp.size || body->root != cp.root)
    return CheckpointCorrupt(cp.size, "的注记正文与表中的大小或根哈希不符",
                             "its note states a different size or root than its row");
  return body;
}

// Compares recomputed nodes with log_nodes. Nodes arrive level by level in increasing idx (as
// CompactRange produces them), so each level is read by its own cursor in key order, starting
// at the first node asked for: one sequential pass instead of a lookup per node, and a missing
// or extra row shows up as a gap.
class StoredNodeStream {
 public:
  explicit StoredNodeStream(SQLite::Database& db) : db_(db) {}

  Status Check(int level, uint64_t idx, const std::string& hash) {
    if (levels_.size() <= static_cast<size_t>(level)) levels_.resize(level + 1);
    auto& cur = levels_[level];
    if (!cur) {
      cur = std::make_unique<SQLite::Statement>(
          db_, "SELECT idx, hash FROM log_nodes WHERE level = ? AND idx >= ? ORDER BY idx");
      cur->bind(1, level);
      cur->bind(2, static_cast<int64_t>(idx));
    }
    if (!cur->executeStep()) return NodeMissing(level, idx);
    const int64_t got = cur->getColumn(0).getInt64();
    if (got < 0 || static_cast<uint64_t>(got) < idx) return NodeExtra(level, got);
    if (static_cast<uint64_t>(got) > idx) return NodeMissing(level, idx);
    if (Bytes(cur->getColumn(1)) != hash) return NodeMismatch(level, idx);
    return Status::Ok();
  }

  // After a replay from leaf 0: any row beyond the last one checked, on any level.
  Status CheckNoneLeft() {
    for (size_t level = 0; level < levels_.size(); ++level)
      if (levels_[level] && levels_[level]->executeStep())
        return NodeExtra(static_cast<int>(level), levels_[level]->getColumn(0).getInt64());
    SQLite::Statement stray(
        db_, "SELECT level, idx FROM log_nodes WHERE level < 0 OR level >= ? LIMIT 1");
    stray.bind(1, static_cast<int>(levels_.size()));
    if (stray.executeStep())
      return NodeExtra(stray.getColumn(0).getInt(), stray.getColumn(1).getInt64());
    return Status::Ok();
  }

 private:
  SQLite::Database& db_;
  std::vector<std::unique_ptr<SQLite::Statement>> levels_;
};

// Replays events [range.size(), end) into `range` (RFC 9162 §2.1.1 from the leaves up), checking
// every node it completes against `stored`; `after_leaf` runs after each leaf. Stops at the
// first problem.
Status Replay(SQLite::Database& db, CompactRange& range, uint64_t end, StoredNodeStream& stored,
              const std::function<Status()>& after_leaf = nullptr) {
  SQLite::Statement events(db, "SELECT idx, leaf FROM events WHERE idx >= ? ORDER BY idx");
  events.bind(1, static_cast<int64_t>(range.size()));
  Status problem;
  auto visit = [&](int level, uint64_t idx, const std::string& hash) {
    if (problem.ok()) problem = stored.Check(level, idx, hash);
  };
  while (events.executeStep()) {
    const int64_t idx = events.getColumn(0).getInt64();
    if (idx < 0 || static_cast<uint64_t>(idx) != range.size()) return EventGap(range.size(), idx);
    if (range.size() >= end)
      return Status::Corruption("事件 " + N(range.size()) + " 在 log_nodes 中没有叶子（日志只有 " +
                                    N(end) + " 个叶子）",
                                "event " + N(range.size()) + " has no leaf in log_nodes (the log " +
                                    "has " + N(end) + " leaves)")
          .with_reason("log-leaf-missing");
    range.Append(merkle::LeafHash(Bytes(events.getColumn(1))), visit);
    if (!problem.ok()) return problem;
    if (after_leaf) {
      if (Status s = after_leaf(); !s.ok()) return s;
    }
  }
  if (range.size() != end)
    return Status::Corruption(
               "log_nodes 有 " + N(end) + " 个叶子，但 events 只有 " + N(range.size()) + " 行",
               "log_nodes has " + N(end) + " leaves but events has only " + N(range.size()) +
                   " rows")
        .with_reason("log-event-missing");
  return Status::Ok();
}

}  // namespace

// Outside a transaction every statement would take and drop its own read lock (a few system
// calls each in WAL mode); a proof reads up to ~2 log2(n) nodes, so it holds one read
// transaction instead, which also gives the size and the nodes from the same snapshot. Inside
// the caller's transaction it does nothing.
class MerkleLog::ReadSnapshot {
 public:
  explicit ReadSnapshot(MerkleLog& log) : log_(log) {
    if (!sqlite3_get_autocommit(log_.db_.getHandle())) return;
    SQLite::Statement& begin = Prepared(log_.db_, log_.begin_, "BEGIN DEFERRED");
    ResetOnExit reset(begin);
    begin.exec();
    active_ = true;
  }
  ~ReadSnapshot() {
    if (!active_) return;
    try {
      SQLite::Statement& commit = Prepared(log_.db_, log_.commit_, "COMMIT");
      ResetOnExit reset(commit);
      commit.exec();
    } catch (const SQLite::Exception&) {
      // Read-only, so nothing can be lost; but the transaction must not stay open.
      sqlite3_exec(log_.db_.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  MerkleLog& log_;
  bool active_ = false;
};

MerkleLog::MerkleLog(SQLite::Database& db) : db_(db) {}
MerkleLog::~MerkleLog() = default;

uint64_t MerkleLog::Size() {
  // ORDER BY ... LIMIT 1 is one seek on the (level, idx) key; MAX(idx)+1 may scan the level.
  auto& st =
      Prepared(db_, size_, "SELECT idx FROM log_nodes WHERE level = 0 ORDER BY idx DESC LIMIT 1");
  ResetOnExit reset(st);
  return st.executeStep() ? static_cast<uint64_t>(st.getColumn(0).getInt64()) + 1 : 0;
}

std::string MerkleLog::Node(int level, uint64_t idx) {
  auto& st = Prepared(db_, node_, "SELECT hash FROM log_nodes WHERE level = ?1 AND idx = ?2");
  ResetOnExit reset(st);
  st.bind(1, level);
  st.bind(2, static_cast<int64_t>(idx));
  if (!st.executeStep()) return {};
  return Bytes(st.getColumn(0));
}

Status MerkleLog::Append(uint64_t index, std::string_view leaf_bytes) {
  try {
    const uint64_t size = Size();
    if (index != size)
      return Status::Corruption(
                 "日志有 " + N(size) + " 个叶子，不能在序号 " + N(index) + " 追加",
                 "the log has " + N(size) + " leaves; cannot append leaf " + N(index))
          .with_reason("log-index-mismatch");
    auto nodes = merkle::AppendLeaf(*this, index, merkle::LeafHash(leaf_bytes));
    if (!nodes.ok()) return nodes.status();
    auto& ins =
        Prepared(db_, insert_, "INSERT INTO log_nodes(level, idx, hash) VALUES (?1, ?2, ?3)");
    for (const merkle::StoredNode& n : *nodes) {
      ResetOnExit reset(ins);
      ins.bind(1, n.level);
      ins.bind(2, static_cast<int64_t>(n.idx));
      ins.bindNoCopy(3, n.hash.data(), static_cast<int>(n.hash.size()));
      ins.exec();
    }
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_CONSTRAINT)
      return Status::Corruption(
                 std::string("log_nodes 已含有要追加的节点：") + e.what(),
                 std::string("log_nodes already holds a node being appended: ") + e.what())
          .with_reason("log-node-extra");
    return DbError(e);
  }
}

Result<std::string> MerkleLog::Root(uint64_t size) {
  try {
    ReadSnapshot snapshot(*this);
    if (uint64_t log_size = Size(); size > log_size) return BeyondLog(size, log_size);
    return merkle::RootAt(*this, size);
  } catch (const SQLite::Exception& e) {
    return DbError(e);
  }
}

Result<std::vector<std::string>> MerkleLog::InclusionProof(uint64_t index, uint64_t size) {
  try {
    ReadSnapshot snapshot(*this);
    if (uint64_t log_size = Size(); size > log_size) return BeyondLog(size, log_size);
    return merkle::InclusionProof(*this, index, size);
  } catch (const SQLite::Exception& e) {
    return DbError(e);
  }
}

Result<std::vector<std::string>> MerkleLog::ConsistencyProof(uint64_t from, uint64_t to) {
  try {
    ReadSnapshot snapshot(*this);
    if (uint64_t log_size = Size(); to > log_size) return BeyondLog(to, log_size);
    return merkle::ConsistencyProof(*this, from, to);
  } catch (const SQLite::Exception& e) {
    return DbError(e);
  }
}

Status AppendLeaf(SQLite::Database& db, uint64_t index, std::string_view leaf_bytes) {
  return MerkleLog(db).Append(index, leaf_bytes);
}

uint64_t Size(SQLite::Database& db) { return MerkleLog(db).Size(); }

Result<std::string> Root(SQLite::Database& db, uint64_t size) { return MerkleLog(db).Root(size); }

Result<std::vector<std::string>> InclusionProof(SQLite::Database& db, uint64_t index,
                                                uint64_t size) {
  return MerkleLog(db).InclusionProof(index, size);
}

Result<std::vector<std::string>> ConsistencyProof(SQLite::Database& db, uint64_t from,
                                                  uint64_t to) {
  return MerkleLog(db).ConsistencyProof(from, to);
}

Status VerifyLog(SQLite::Database& db, const std::vector<NoteVerifier>& verifiers) {
  try {
    // One snapshot for every read below, whether or not the caller is in a transaction.
    ScopedSavepoint snapshot(db, "agritrace_verify_log");
    Status result = [&]() -> Status {
      MerkleLog log(db);
      const uint64_t size = log.Size();

      std::vector<StoredCheckpoint> checkpoints;
      SQLite::Statement cps(db, "SELECT size, root, note FROM checkpoints ORDER BY size");
      while (cps.executeStep()) {
        const int64_t cp_size = cps.getColumn(0).getInt64();
        if (cp_size < 0 || static_cast<uint64_t>(cp_size) > size)
          return Status::Corruption(
                     "检查点大小 " + std::to_string(cp_size) + " 超出日志的 " + N(size) + " 个叶子",
                     "checkpoint size " + std::to_string(cp_size) + " is beyond the log's " +
                         N(size) + " leaves")
              .with_reason("log-checkpoint-mismatch");
        checkpoints.push_back({static_cast<uint64_t>(cp_size), Bytes(cps.getColumn(1)),
                               cps.getColumn(2).getString()});
      }

      StoredNodeStream stored(db);
      size_t next = 0;
      auto check_roots = [&](const CompactRange& range) -> Status {
        for (; next < checkpoints.size() && checkpoints[next].size == range.size(); ++next)
          if (checkpoints[next].root != range.Root())
            return CheckpointCorrupt(range.size(), "的根哈希与由事件重新计算的根不符",
                                     "its root does not match the root recomputed from events");
        return Status::Ok();
      };
      CompactRange range;
      if (Status s = check_roots(range); !s.ok()) return s;
      Status replayed = Replay(db, range, size, stored, [&] { return check_roots(range); });
      if (!replayed.ok()) return replayed;
      // Rows no leaf accounts for.
      if (Status s = stored.CheckNoneLeft(); !s.ok()) return s;

      // Each checkpoint's note: its text states its row, and a known key signed it.
      for (const StoredCheckpoint& cp : checkpoints) {
        if (auto body = CheckNoteMatchesRow(cp); !body.ok()) return body.status();
        if (auto opened = OpenNote(cp.note, verifiers); !opened.ok())
          return CheckpointCorrupt(cp.size, "的签名无效：" + opened.status().zh(),
                                   "its signature is not valid: " + opened.status().en())
              .with_reason("log-checkpoint-signature");
      }
      return Status::Ok();
    }();
    snapshot.Release();
    return result;
  } catch (const SQLite::Exception& e) {
    return DbError(e);
  }
}

Result<std::string> SignCheckpoint(SQLite::Database& db, std::string_view origin,
                                   std::string_view key_name, const Ed25519PrivateKey& key,
                                   std::string_view now) {
  try {
    // Reading the newest checkpoint and inserting the next one must not interleave with another
    // writer: a savepoint nests inside the caller's transaction or starts its own.
    ScopedSavepoint savepoint(db, "agritrace_sign_checkpoint");
    Result<std::string> result = [&]() -> Result<std::string> {
      MerkleLog log(db);
      const uint64_t size = log.Size();
      if (uint64_t events = EventCount(db); events != size)
        return Status::Corruption(
                   "events 有 " + N(events) + " 行而日志有 " + N(size) + " 个叶子，拒绝签名",
                   "events has " + N(events) + " rows but the log has " + N(size) +
                       " leaves; refusing to sign")
            .with_reason("log-event-missing");

      CompactRange range;
      std::optional<uint64_t> previous;
      SQLite::Statement newest(
          db, "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1");
      if (newest.executeStep()) {
        StoredCheckpoint last{static_cast<uint64_t>(newest.getColumn(0).getInt64()),
                              Bytes(newest.getColumn(1)), newest.getColumn(2).getString()};
        auto body = CheckNoteMatchesRow(last);
        if (!body.ok()) return body.status();
        if (body->origin != origin)
          return Status::Conflict(
                     "上一个检查点的来源是 " + body->origin + "，不是 " + std::string(origin),
                     "the previous checkpoint's origin is " + body->origin + ", not " +
                         std::string(origin))
              .with_reason("log-origin-changed");
        if (last.size > size)
          return CheckpointCorrupt(
              last.size, "超出日志当前的 " + N(size) + " 个叶子，拒绝签名",
              "it is beyond the log's " + N(size) + " leaves; refusing to sign");
        // The signed root must still follow from the stored nodes, or the next root would not
        // extend it (RFC 9162 §2.1.4: consistency).
        auto from = CompactRange::FromSource(log, last.size);
        if (!from.ok()) return from.status();
        if (from->Root() != last.root)
          return CheckpointCorrupt(last.size, "的根哈希已无法由 log_nodes 得出，拒绝签名",
                                   "log_nodes no longer yield its root; refusing to sign");
        if (last.size == size) return std::move(last.note);
        range = std::move(from).value();
        previous = last.size;
      }

      // Every leaf and node added since the last checkpoint, recomputed from events.
      StoredNodeStream stored(db);
      if (Status s = Replay(db, range, size, stored); !s.ok())
        return Status::Corruption(s.zh() + "，拒绝签名", s.en() + "; refusing to sign")
            .with_reason(s.reason());
      // The signing is itself logged, as the last leaf of the tree it signs: a checkpoint
      // deleted later leaves this event behind, and the log audit names it (log_audit.h).
      Json data = {{"size", static_cast<int64_t>(size + 1)}};
      if (previous) data["previous"] = static_cast<int64_t>(*previous);
      auto leaf = CanonicalJson({{"at", std::string(now)},
                                 {"data", data},
                                 {"kind", "log.checkpoint"},
                                 {"seq", static_cast<int64_t>(size)}});
      if (!leaf.ok()) return leaf.status();
      SQLite::Statement event(db, "INSERT INTO events(idx, kind, at, leaf) VALUES (?, ?, ?, ?)");
      event.bind(1, static_cast<int64_t>(size));
      event.bind(2, "log.checkpoint");
      event.bind(3, std::string(now));
      event.bind(4, *leaf);
      event.exec();
      if (Status s = log.Append(size, *leaf); !s.ok()) return s;
      range.Append(merkle::LeafHash(*leaf));
      const uint64_t signed_size = size + 1;

      const std::string root = range.Root();
      if (auto stored = log.Root(signed_size); !stored.ok() || *stored != root)
        return Status::Corruption("log_nodes 给出的根与重新计算的根不符，拒绝签名",
                                  "log_nodes yield a different root; refusing to sign")
            .with_reason("log-node-mismatch");

      auto body = FormatCheckpoint({std::string(origin), signed_size, root, {}});
      if (!body.ok()) return body.status();
      auto note = SignNote(*body, key_name, key);
      if (!note.ok()) return note.status();
      SQLite::Statement ins(
          db, "INSERT INTO checkpoints(size, root, note, created_at) VALUES (?, ?, ?, ?)");
      ins.bind(1, static_cast<int64_t>(signed_size));
      ins.bind(2, root.data(), static_cast<int>(root.size()));
      ins.bind(3, *note);
      ins.bind(4, std::string(now));
      ins.exec();
      return note;
    }();
    // Nothing is kept on failure (undone to the savepoint); releasing keeps the caller's
    // transaction usable.
    if (result.ok()) savepoint.Release();
    return result;
  } catch (const SQLite::Exception& e) {
    return DbError(e);
  }
}

Result<std::string> LatestCheckpoint(SQLite::Database& db) {
  try {
    SQLite::Statement st(db, "SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1");
    if (!st.executeStep())
      return Status::NotFound("尚未签署任何检查点", "no checkpoint has been signed yet")
          .with_reason("log-no-checkpoint");
    return st.getColumn(0).getString();
  } catch (const SQLite::Exception& e) {
    return DbError(e);
  }
}

}  // namespace agritrace
