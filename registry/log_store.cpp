#include "agritrace/registry/log_store.h"


#include <functional>
#include <optional>
#include <utility>

#include "agritrace/registry/canonical_json.h"

namespace agritrace {
namespace {

using merkle::CompactRange;

// Leaves a statement reusable whatever happens after bind(): reset, keep no bound blobs.
class ResetOnExit {
 public:
  explicit ResetOnExit(sql::Statement& st) : st_(st) {}
  ~ResetOnExit() {
    st_.Reset();
    st_.ClearBindings();
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sql::Statement& st_;
};

// A SAVEPOINT that undoes itself unless released, nested inside the caller's transaction; at top
// level a transaction of `top_kind` instead (PostgreSQL has no savepoint outside one).
class ScopedSavepoint {
 public:
  ScopedSavepoint(sql::Connection& db, std::string name, sql::TxKind top_kind)
      : db_(db), name_(std::move(name)), top_(!db.InTransaction()) {
    if (top_)
      db_.Begin(top_kind);
    else
      db_.Exec("SAVEPOINT " + name_);
  }
  ~ScopedSavepoint() {
    if (released_) return;
    if (top_) {
      try {
        db_.Exec("ROLLBACK");
      } catch (const sql::Error&) {
      }
      return;
    }
    // Either may fail only if SQLite already rolled the whole transaction back (SQLITE_FULL,
    // SQLITE_IOERR), which leaves nothing to undo.
    try {
      db_.Exec("ROLLBACK TO " + name_);
    } catch (const sql::Error&) {
    }
    try {
      db_.Exec("RELEASE " + name_);
    } catch (const sql::Error&) {
    }
  }
  ScopedSavepoint(const ScopedSavepoint&) = delete;
  ScopedSavepoint& operator=(const ScopedSavepoint&) = delete;
  void Release() {
    db_.Exec(top_ ? "COMMIT" : "RELEASE " + name_);
    released_ = true;
  }

 private:
  sql::Connection& db_;
  std::string name_;
  bool top_;
  bool released_ = false;
};

sql::Statement& Prepared(sql::Connection& db, std::unique_ptr<sql::Statement>& slot,
                         const char* sql) {
  if (!slot) slot = std::make_unique<sql::Statement>(db, sql);
  return *slot;
}


std::string N(uint64_t v) { return std::to_string(v); }

Status DbError(const sql::Error& e) {
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
uint64_t EventCount(sql::Connection& db) {
  sql::Statement st(db, "SELECT idx FROM events ORDER BY idx DESC LIMIT 1");
  return st.Step() ? static_cast<uint64_t>(st.Column(0).Int64()) + 1 : 0;
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
  explicit StoredNodeStream(sql::Connection& db) : db_(db) {}

  Status Check(int level, uint64_t idx, const std::string& hash) {
    if (levels_.size() <= static_cast<size_t>(level)) levels_.resize(level + 1);
    auto& cur = levels_[level];
    if (!cur) {
      cur = std::make_unique<sql::Statement>(
          db_, "SELECT idx, hash FROM log_nodes WHERE level = ? AND idx >= ? ORDER BY idx");
      cur->Bind(1, level);
      cur->Bind(2, static_cast<int64_t>(idx));
    }
    if (!cur->Step()) return NodeMissing(level, idx);
    const int64_t got = cur->Column(0).Int64();
    if (got < 0 || static_cast<uint64_t>(got) < idx) return NodeExtra(level, got);
    if (static_cast<uint64_t>(got) > idx) return NodeMissing(level, idx);
    if (cur->Column(1).Blob() != hash) return NodeMismatch(level, idx);
    return Status::Ok();
  }

  // After a replay from leaf 0: any row beyond the last one checked, on any level.
  Status CheckNoneLeft() {
    for (size_t level = 0; level < levels_.size(); ++level)
      if (levels_[level] && levels_[level]->Step())
        return NodeExtra(static_cast<int>(level), levels_[level]->Column(0).Int64());
    sql::Statement stray(
        db_, "SELECT level, idx FROM log_nodes WHERE level < 0 OR level >= ? LIMIT 1");
    stray.Bind(1, static_cast<int>(levels_.size()));
    if (stray.Step())
      return NodeExtra(stray.Column(0).Int(), stray.Column(1).Int64());
    return Status::Ok();
  }

 private:
  sql::Connection& db_;
  std::vector<std::unique_ptr<sql::Statement>> levels_;
};

// Replays events [range.size(), end) into `range` (RFC 9162 §2.1.1 from the leaves up), checking
// every node it completes against `stored`; `after_leaf` runs after each leaf. Stops at the
// first problem.
Status Replay(sql::Connection& db, CompactRange& range, uint64_t end, StoredNodeStream& stored,
              const std::function<Status()>& after_leaf = nullptr) {
  sql::Statement events(db, "SELECT idx, leaf FROM events WHERE idx >= ? ORDER BY idx");
  events.Bind(1, static_cast<int64_t>(range.size()));
  Status problem;
  auto visit = [&](int level, uint64_t idx, const std::string& hash) {
    if (problem.ok()) problem = stored.Check(level, idx, hash);
  };
  while (events.Step()) {
    const int64_t idx = events.Column(0).Int64();
    if (idx < 0 || static_cast<uint64_t>(idx) != range.size()) return EventGap(range.size(), idx);
    if (range.size() >= end)
      return Status::Corruption("事件 " + N(range.size()) + " 在 log_nodes 中没有叶子（日志只有 " +
                                    N(end) + " 个叶子）",
                                "event " + N(range.size()) + " has no leaf in log_nodes (the log " +
                                    "has " + N(end) + " leaves)")
          .with_reason("log-leaf-missing");
    range.Append(merkle::LeafHash(events.Column(1).Blob()), visit);
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
    if (log_.db_.InTransaction()) return;
    log_.db_.Begin(sql::TxKind::kRead);
    active_ = true;
  }
  ~ReadSnapshot() {
    if (!active_) return;
    try {
      log_.db_.Exec("COMMIT");
    } catch (const sql::Error&) {
      // Read-only, so nothing can be lost; but the transaction must not stay open.
      try {
        log_.db_.Exec("ROLLBACK");
      } catch (const sql::Error&) {
      }
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  MerkleLog& log_;
  bool active_ = false;
};

MerkleLog::MerkleLog(sql::Connection& db) : db_(db) {}
MerkleLog::~MerkleLog() = default;

uint64_t MerkleLog::Size() {
  // ORDER BY ... LIMIT 1 is one seek on the (level, idx) key; MAX(idx)+1 may scan the level.
  auto& st =
      Prepared(db_, size_, "SELECT idx FROM log_nodes WHERE level = 0 ORDER BY idx DESC LIMIT 1");
  ResetOnExit reset(st);
  return st.Step() ? static_cast<uint64_t>(st.Column(0).Int64()) + 1 : 0;
}

std::string MerkleLog::Node(int level, uint64_t idx) {
  auto& st = Prepared(db_, node_, "SELECT hash FROM log_nodes WHERE level = ?1 AND idx = ?2");
  ResetOnExit reset(st);
  st.Bind(1, level);
  st.Bind(2, static_cast<int64_t>(idx));
  if (!st.Step()) return {};
  return st.Column(0).Blob();
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
      ins.Bind(1, n.level);
      ins.Bind(2, static_cast<int64_t>(n.idx));
      ins.BindBlob(3, n.hash);
      ins.Exec();
    }
    return Status::Ok();
  } catch (const sql::Error& e) {
    if (e.constraint())
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
  } catch (const sql::Error& e) {
    return DbError(e);
  }
}

Result<std::vector<std::string>> MerkleLog::InclusionProof(uint64_t index, uint64_t size) {
  try {
    ReadSnapshot snapshot(*this);
    if (uint64_t log_size = Size(); size > log_size) return BeyondLog(size, log_size);
    return merkle::InclusionProof(*this, index, size);
  } catch (const sql::Error& e) {
    return DbError(e);
  }
}

Result<std::vector<std::string>> MerkleLog::ConsistencyProof(uint64_t from, uint64_t to) {
  try {
    ReadSnapshot snapshot(*this);
    if (uint64_t log_size = Size(); to > log_size) return BeyondLog(to, log_size);
    return merkle::ConsistencyProof(*this, from, to);
  } catch (const sql::Error& e) {
    return DbError(e);
  }
}

Status AppendLeaf(sql::Connection& db, uint64_t index, std::string_view leaf_bytes) {
  return MerkleLog(db).Append(index, leaf_bytes);
}

uint64_t Size(sql::Connection& db) { return MerkleLog(db).Size(); }

Result<std::string> Root(sql::Connection& db, uint64_t size) { return MerkleLog(db).Root(size); }

Result<std::vector<std::string>> InclusionProof(sql::Connection& db, uint64_t index,
                                                uint64_t size) {
  return MerkleLog(db).InclusionProof(index, size);
}

Result<std::vector<std::string>> ConsistencyProof(sql::Connection& db, uint64_t from,
                                                  uint64_t to) {
  return MerkleLog(db).ConsistencyProof(from, to);
}

Status VerifyLog(sql::Connection& db, const std::vector<NoteVerifier>& verifiers) {
  try {
    // One snapshot for every read below, whether or not the caller is in a transaction.
    ScopedSavepoint snapshot(db, "agritrace_verify_log", sql::TxKind::kRead);
    Status result = [&]() -> Status {
      MerkleLog log(db);
      const uint64_t size = log.Size();

      std::vector<StoredCheckpoint> checkpoints;
      sql::Statement cps(db, "SELECT size, root, note FROM checkpoints ORDER BY size");
      while (cps.Step()) {
        const int64_t cp_size = cps.Column(0).Int64();
        if (cp_size < 0 || static_cast<uint64_t>(cp_size) > size)
          return Status::Corruption(
                     "检查点大小 " + std::to_string(cp_size) + " 超出日志的 " + N(size) + " 个叶子",
                     "checkpoint size " + std::to_string(cp_size) + " is beyond the log's " +
                         N(size) + " leaves")
              .with_reason("log-checkpoint-mismatch");
        checkpoints.push_back({static_cast<uint64_t>(cp_size), cps.Column(1).Blob(),
                               cps.Column(2).String()});
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
  } catch (const sql::Error& e) {
    return DbError(e);
  }
}

Result<std::string> SignCheckpoint(sql::Connection& db, std::string_view origin,
                                   std::string_view key_name, const Ed25519PrivateKey& key,
                                   std::string_view now) {
  try {
    // Reading the newest checkpoint and inserting the next one must not interleave with another
    // writer: a savepoint nests inside the caller's transaction or starts its own.
    ScopedSavepoint savepoint(db, "agritrace_sign_checkpoint", sql::TxKind::kLogged);
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
      sql::Statement newest(
          db, "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1");
      if (newest.Step()) {
        StoredCheckpoint last{static_cast<uint64_t>(newest.Column(0).Int64()),
                              newest.Column(1).Blob(), newest.Column(2).String()};
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
      sql::Statement event(db, "INSERT INTO events(idx, kind, at, leaf) VALUES (?, ?, ?, ?)");
      event.Bind(1, static_cast<int64_t>(size));
      event.Bind(2, "log.checkpoint");
      event.Bind(3, std::string(now));
      event.Bind(4, *leaf);
      event.Exec();
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
      sql::Statement ins(
          db, "INSERT INTO checkpoints(size, root, note, created_at) VALUES (?, ?, ?, ?)");
      ins.Bind(1, static_cast<int64_t>(signed_size));
      ins.BindBlob(2, root);
      ins.Bind(3, *note);
      ins.Bind(4, std::string(now));
      ins.Exec();
      return note;
    }();
    // Nothing is kept on failure (undone to the savepoint); releasing keeps the caller's
    // transaction usable.
    if (result.ok()) savepoint.Release();
    return result;
  } catch (const sql::Error& e) {
    return DbError(e);
  }
}

Result<std::string> LatestCheckpoint(sql::Connection& db) {
  try {
    sql::Statement st(db, "SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1");
    if (!st.Step())
      return Status::NotFound("尚未签署任何检查点", "no checkpoint has been signed yet")
          .with_reason("log-no-checkpoint");
    return st.Column(0).String();
  } catch (const sql::Error& e) {
    return DbError(e);
  }
}

Result<std::string> EventLeaf(sql::Connection& db, uint64_t index) {
  sql::Statement q(db, "SELECT leaf FROM events WHERE idx = ?");
  q.Bind(1, static_cast<int64_t>(index));
  if (!q.Step())
    return Status::NotFound("日志中没有序号为 " + N(index) + " 的事件",
                            "the log has no event " + N(index));
  return q.Column(0).String();
}

std::vector<StoredEvent> EventsFrom(sql::Connection& db, uint64_t start, uint64_t count) {
  sql::Statement q(db, "SELECT idx, leaf FROM events WHERE idx >= ? ORDER BY idx LIMIT ?");
  q.Bind(1, static_cast<int64_t>(start));
  q.Bind(2, static_cast<int64_t>(count));
  std::vector<StoredEvent> out;
  while (q.Step()) out.push_back({q.Column(0).Int64(), q.Column(1).String()});
  return out;
}

int64_t CountCheckpoints(sql::Connection& db) {
  return db.QueryValue("SELECT COUNT(*) FROM checkpoints").Int64();
}

}  // namespace agritrace
