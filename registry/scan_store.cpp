#include "registry/scan_store.h"

#include <openssl/rand.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "registry/encoding.h"
#include "registry/store.h"

namespace agritrace {

bool IsScanMiss(const std::string& kind) { return kind == "unknown" || kind == "malformed"; }

Status InsertScans(SQLite::Database& db, const std::vector<ScanRow>& rows,
                   int64_t journal_through) {
  if (rows.empty() && journal_through < 0) return Status::Ok();
  try {
    SQLite::Transaction tx(db);
    // Misses summed in memory first: a batch of a thousand made-up codes from one network is
    // one upsert.
    std::map<std::tuple<std::string, std::string, std::string>, int64_t> misses;
    std::unique_ptr<SQLite::Statement> ins;
    for (const auto& r : rows) {
      if (IsScanMiss(r.kind)) {
        ++misses[{r.at.substr(0, 10), r.net, r.kind}];
        continue;
      }
      if (!ins)
        ins = std::make_unique<SQLite::Statement>(
            db, "INSERT INTO scans(code, kind, at, net) VALUES (?, ?, ?, ?)");
      ins->reset();
      ins->bind(1, r.code);
      ins->bind(2, r.kind);
      ins->bind(3, r.at);
      ins->bind(4, r.net);
      ins->exec();
    }
    if (!misses.empty()) {
      SQLite::Statement up(db,
                           "INSERT INTO scan_misses(day, net_hash, kind, count) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT(day, net_hash, kind) DO UPDATE SET "
                           "count = count + excluded.count");
      for (const auto& [key, n] : misses) {
        up.reset();
        up.bind(1, std::get<0>(key));
        up.bind(2, std::get<1>(key));
        up.bind(3, std::get<2>(key));
        up.bind(4, n);
        up.exec();
      }
    }
    if (journal_through >= 0) {
      SQLite::Statement mark(db,
                             "INSERT INTO registry_meta(key, value) VALUES "
                             "('scan_journal_through', ?) ON CONFLICT(key) DO UPDATE SET "
                             "value = excluded.value");
      mark.bind(1, std::to_string(journal_through));
      mark.exec();
    }
    tx.commit();
  } catch (const SQLite::Exception& e) {
    const bool busy = e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED;
    return Status::Io(std::string("保存扫码记录失败：") + e.what(),
                      std::string("storing scans failed: ") + e.what())
        .with_reason(busy ? std::string(kDbBusy) : "scan-store-failed");
  }
  return Status::Ok();
}

namespace {

// The last scans.id folded into scan_tallies.
int64_t FoldedThrough(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT value FROM registry_meta WHERE key = 'scan_tallies_through'");
  return q.executeStep() ? std::stoll(q.getColumn(0).getString()) : 0;
}

std::vector<std::string> SplitNets(const std::string& text) {
  std::vector<std::string> nets;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (end > pos) nets.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return nets;
}

std::string JoinNets(const std::vector<std::string>& nets) {
  std::string out;
  for (const auto& n : nets) out += (out.empty() ? "" : "\n") + n;
  return out;
}

// Adds `count` scans, the first at `first_at`, to a summary; AddNet then adds their networks,
// keeping at most `max_nets` distinct ones.
void AddScans(ScanSummary& s, int64_t count, const std::string& first_at) {
  s.count += count;
  if (s.first_at.empty() || first_at < s.first_at) s.first_at = first_at;
}
void AddNet(ScanSummary& s, const std::string& net, size_t max_nets) {
  if (s.nets.size() < max_nets && std::find(s.nets.begin(), s.nets.end(), net) == s.nets.end())
    s.nets.push_back(net);
}

void ReadTally(SQLite::Statement& q, const std::string& code, size_t max_nets, ScanSummary& s) {
  q.reset();
  q.bind(1, code);
  if (q.executeStep()) {
    s.count = q.getColumn(0).getInt64();
    s.first_at = q.getColumn(1).getString();
    s.nets = SplitNets(q.getColumn(2).getString());
    if (s.nets.size() > max_nets) s.nets.resize(max_nets);
  }
  q.reset();
}

constexpr const char* kTallySql = "SELECT count, first_at, nets FROM scan_tallies WHERE code = ?";

}  // namespace

Result<std::vector<std::string>> MergeScanTallies(SQLite::Database& db) {
  std::vector<std::string> changed;
  try {
    SQLite::Transaction tx(db);
    const int64_t through = FoldedThrough(db);
    // The tail, summarised per code in memory: its size is bounded by how often the recorder
    // folds (or, once, by the history of a registry upgraded from schema 2).
    std::unordered_map<std::string, ScanSummary> tail;
    int64_t last = through;
    SQLite::Statement rows(db, "SELECT id, code, at, net FROM scans WHERE id > ? ORDER BY id");
    rows.bind(1, through);
    while (rows.executeStep()) {
      last = rows.getColumn(0).getInt64();
      ScanSummary& s = tail[rows.getColumn(1).getString()];
      AddScans(s, 1, rows.getColumn(2).getString());
      AddNet(s, rows.getColumn(3).getString(), kTallyNets);
    }
    if (tail.empty()) return changed;
    // Codes in order: neighbouring tallies share pages, so each page is written once.
    changed.reserve(tail.size());
    for (const auto& [code, _] : tail) changed.push_back(code);
    std::sort(changed.begin(), changed.end());
    SQLite::Statement read(db, kTallySql);
    SQLite::Statement write(db,
                            "INSERT INTO scan_tallies(code, count, first_at, nets) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT(code) DO UPDATE SET count = excluded.count, "
                            "first_at = excluded.first_at, nets = excluded.nets");
    for (const auto& code : changed) {
      ScanSummary s;
      ReadTally(read, code, kTallyNets, s);
      const ScanSummary& more = tail[code];
      AddScans(s, more.count, more.first_at);
      for (const auto& net : more.nets) AddNet(s, net, kTallyNets);
      write.reset();
      write.bind(1, code);
      write.bind(2, s.count);
      write.bind(3, s.first_at);
      write.bind(4, JoinNets(s.nets));
      write.exec();
    }
    SQLite::Statement mark(db,
                           "UPDATE registry_meta SET value = ? WHERE key = 'scan_tallies_through'");
    mark.bind(1, std::to_string(last));
    mark.exec();
    tx.commit();
  } catch (const SQLite::Exception& e) {
    return Status::Io(std::string("汇总扫码记录失败：") + e.what(),
                      std::string("folding scans into tallies failed: ") + e.what())
        .with_reason("scan-store-failed");
  }
  return changed;
}

int64_t UnfoldedScans(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT COUNT(*) FROM scans WHERE id > ?");
  q.bind(1, FoldedThrough(db));
  q.executeStep();
  return q.getColumn(0).getInt64();
}

ScanSummaryQuery::ScanSummaryQuery(SQLite::Database& db) : db_(db), tally_(db, kTallySql) {}

ScanSummary ScanSummaryQuery::RunFolded(const std::string& code, size_t max_nets) {
  ScanSummary s;
  ReadTally(tally_, code, max_nets, s);
  return s;
}

ScanSummary ScanSummaryQuery::Run(const std::string& code, size_t max_nets) {
  // One read transaction: the tally and the tail must come from the same fold (inside a
  // caller's transaction they already do).
  std::unique_ptr<SQLite::Transaction> snapshot;
  if (sqlite3_get_autocommit(db_.getHandle()))
    snapshot = std::make_unique<SQLite::Transaction>(db_, SQLite::TransactionBehavior::DEFERRED);
  ScanSummary s = RunFolded(code, max_nets);
  if (!tail_)
    tail_ = std::make_unique<SQLite::Statement>(
        db_,
        "SELECT at, net FROM scans WHERE code = ? AND id > (SELECT CAST(value AS INTEGER) "
        "FROM registry_meta WHERE key = 'scan_tallies_through')");
  tail_->reset();
  tail_->bind(1, code);
  while (tail_->executeStep()) {
    AddScans(s, 1, tail_->getColumn(0).getString());
    AddNet(s, tail_->getColumn(1).getString(), max_nets);
  }
  tail_->reset();
  if (snapshot) snapshot->commit();
  return s;
}

ScanSummary SummarizeScans(SQLite::Database& db, const std::string& code, size_t max_nets) {
  return ScanSummaryQuery(db).Run(code, max_nets);
}

std::vector<LotScan> ScansOfLot(SQLite::Database& db, const std::string& lot_code, int64_t after_id,
                                int64_t limit) {
  // Units by (lot_id, serial), then scans by code: both indexed, whatever the table's size.
  SQLite::Statement q(db,
                      "SELECT s.id, s.code, s.kind, s.at, s.net, u.serial FROM lots l "
                      "JOIN units u ON u.lot_id = l.id JOIN scans s ON s.code = u.code "
                      "WHERE l.code = ?1 AND s.id > ?2 "
                      "UNION ALL SELECT s.id, s.code, s.kind, s.at, s.net, 0 FROM scans s "
                      "WHERE s.code = ?1 AND s.id > ?2 ORDER BY 1 LIMIT ?3");
  q.bind(1, lot_code);
  q.bind(2, after_id);
  q.bind(3, limit);
  std::vector<LotScan> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(),
                   {q.getColumn(1).getString(), q.getColumn(2).getString(),
                    q.getColumn(3).getString(), q.getColumn(4).getString()},
                   q.getColumn(5).getInt64()});
  return out;
}

namespace {

// The smallest scan id whose `at` is at or after `since_utc`, assuming `at` grows with the id
// (the writer appends scans as they come); one past the last id when there is none.
int64_t FirstScanIdSince(SQLite::Database& db, const std::string& since_utc) {
  SQLite::Statement next(db, "SELECT id, at FROM scans WHERE id >= ? ORDER BY id LIMIT 1");
  int64_t lo = 0, hi = db.execAndGet("SELECT COALESCE(MAX(id), 0) + 1 FROM scans").getInt64();
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    next.reset();
    next.bind(1, mid);
    if (!next.executeStep()) {
      hi = mid;
    } else if (next.getColumn(1).getString() < since_utc) {
      lo = next.getColumn(0).getInt64() + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace

std::vector<DayCount> ScansPerDayOfLot(SQLite::Database& db, const std::string& lot_code,
                                       const std::string& since_utc) {
  const int64_t first_id = FirstScanIdSince(db, since_utc);
  SQLite::Statement q(db,
                      "SELECT substr(datetime(s.at, '+8 hours'), 1, 10) AS day, COUNT(*) "
                      "FROM scans s WHERE s.id >= ?1 AND s.at >= ?3 AND (s.code = ?2 OR s.code IN "
                      "(SELECT u.code FROM units u JOIN lots l ON l.id = u.lot_id "
                      "WHERE l.code = ?2)) GROUP BY day ORDER BY day");
  q.bind(1, first_id);
  q.bind(2, lot_code);
  q.bind(3, since_utc);
  std::vector<DayCount> out;
  while (q.executeStep()) out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64()});
  return out;
}

int64_t ScanJournalThrough(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT value FROM registry_meta WHERE key = 'scan_journal_through'");
  return q.executeStep() ? std::stoll(q.getColumn(0).getString()) : 0;
}

int64_t CountScanMisses(SQLite::Database& db, const std::string& kind) {
  SQLite::Statement q(db, "SELECT COALESCE(SUM(count), 0) FROM scan_misses WHERE kind = ?");
  q.bind(1, kind);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

int64_t CountAllScans(SQLite::Database& db) {
  return db.execAndGet("SELECT COUNT(*) FROM scans").getInt64();
}

Result<std::string> ScanSalt(SQLite::Database& db) {
  try {
    SQLite::Statement q(db, "SELECT value FROM registry_meta WHERE key = 'scan_salt'");
    if (q.executeStep()) return q.getColumn(0).getString();
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
      return Status::Io("系统随机数不可用", "the OS random number generator is unavailable");
    // INSERT OR IGNORE then read back: two processes starting together keep one salt.
    SQLite::Statement ins(
        db, "INSERT OR IGNORE INTO registry_meta(key, value) VALUES ('scan_salt', ?)");
    ins.bind(1, HexEncode(std::string(reinterpret_cast<const char*>(bytes), sizeof bytes)));
    ins.exec();
    q.reset();
    if (q.executeStep()) return q.getColumn(0).getString();
  } catch (const SQLite::Exception& e) {
    return Status::Io(std::string("读取扫码盐值失败：") + e.what(),
                      std::string("reading the scan salt failed: ") + e.what());
  }
  return Status::Io("扫码盐值丢失", "the scan salt went missing");
}

}  // namespace agritrace
