#include "registry/scan_store.h"

#include <openssl/rand.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "registry/dates.h"
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

int64_t ScanTalliesThrough(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT value FROM registry_meta WHERE key = 'scan_tallies_through'");
  return q.executeStep() ? std::stoll(q.getColumn(0).getString()) : 0;
}

namespace {

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

// Adds `count` scans, the first at `first_at` and the last at `last_at`, to a summary; AddNet
// then adds their networks, keeping at most `max_nets` distinct ones.
void AddScans(ScanSummary& s, int64_t count, const std::string& first_at,
              const std::string& last_at) {
  s.count += count;
  if (s.first_at.empty() || first_at < s.first_at) s.first_at = first_at;
  if (last_at > s.last_at) s.last_at = last_at;
}
void AddNet(ScanSummary& s, const std::string& net, size_t max_nets) {
  if (s.nets.size() < max_nets && std::find(s.nets.begin(), s.nets.end(), net) == s.nets.end())
    s.nets.push_back(net);
}

// Reads a tally into `s`; its lot (units.lot_id, 0 for a lot code) into `lot_id` when given.
// False when the code has no tally.
bool ReadTally(SQLite::Statement& q, const std::string& code, size_t max_nets, ScanSummary& s,
               int64_t* lot_id = nullptr) {
  q.reset();
  q.bind(1, code);
  const bool found = q.executeStep();
  if (found) {
    s.count = q.getColumn(0).getInt64();
    s.first_at = q.getColumn(1).getString();
    s.nets = SplitNets(q.getColumn(2).getString());
    if (s.nets.size() > max_nets) s.nets.resize(max_nets);
    s.last_at = q.getColumn(3).getString();
    if (lot_id) *lot_id = q.getColumn(4).isNull() ? 0 : q.getColumn(4).getInt64();
  }
  q.reset();
  return found;
}

constexpr const char* kTallySql =
    "SELECT count, first_at, nets, last_at, lot_id FROM scan_tallies WHERE code = ?";

// The Beijing day of RFC 3339 UTC timestamps, remembered for the hour last asked: a fold's scans
// come in time order, so nearly every call is a comparison.
class BeijingDay {
 public:
  const std::string& Of(const std::string& at) {
    if (at.compare(0, 13, hour_) != 0) {
      hour_ = at.substr(0, 13);
      day_ = ShanghaiTime(at).substr(0, 10);
    }
    return day_;
  }

 private:
  std::string hour_, day_;
};

// A code's scans in the unfolded tail: the summary, and how many fell on each Beijing day.
struct TailScans {
  ScanSummary summary;
  std::map<std::string, int64_t> days;
};

// The scans after `through`, summarised per code in memory; `last` becomes the last id read.
// Bounded by how often the recorder folds (or, once, by the history of a registry upgraded from
// schema 2).
std::unordered_map<std::string, TailScans> ReadTail(SQLite::Database& db, int64_t through,
                                                    int64_t* last) {
  std::unordered_map<std::string, TailScans> tail;
  BeijingDay day;
  SQLite::Statement rows(db, "SELECT id, code, at, net FROM scans WHERE id > ? ORDER BY id");
  rows.bind(1, through);
  *last = through;
  while (rows.executeStep()) {
    *last = rows.getColumn(0).getInt64();
    TailScans& t = tail[rows.getColumn(1).getString()];
    const std::string at = rows.getColumn(2).getString();
    AddScans(t.summary, 1, at, at);
    AddNet(t.summary, rows.getColumn(3).getString(), kTallyNets);
    ++t.days[day.Of(at)];
  }
  return tail;
}

// The lot of a unit code never folded, 0 when it is no unit code.
int64_t UnitLot(SQLite::Statement& unit_lot, const std::string& code) {
  unit_lot.reset();
  unit_lot.bind(1, code);
  const int64_t lot = unit_lot.executeStep() ? unit_lot.getColumn(0).getInt64() : 0;
  unit_lot.reset();
  return lot;
}

}  // namespace

std::vector<UnfoldedCode> UnfoldedCodes(SQLite::Database& db, int64_t* last_id) {
  int64_t last = 0;
  std::unordered_map<std::string, TailScans> tail = ReadTail(db, ScanTalliesThrough(db), &last);
  if (last_id) *last_id = last;
  std::vector<UnfoldedCode> out;
  out.reserve(tail.size());
  SQLite::Statement read(db, kTallySql);
  SQLite::Statement unit_lot(db, "SELECT lot_id FROM units WHERE code = ?");
  SQLite::Statement lot_of_code(db, "SELECT id FROM lots WHERE code = ?");
  for (auto& [code, t] : tail) {
    UnfoldedCode u;
    u.code = code;
    int64_t unit_lot_id = 0;
    if (!ReadTally(read, code, kTallyNets, u.folded, &unit_lot_id))
      unit_lot_id = UnitLot(unit_lot, code);
    u.unit = unit_lot_id != 0;
    u.lot_id = unit_lot_id;
    if (!u.unit) {  // a lot code (few of them, looked up each time)
      lot_of_code.reset();
      lot_of_code.bind(1, code);
      if (lot_of_code.executeStep()) u.lot_id = lot_of_code.getColumn(0).getInt64();
      lot_of_code.reset();
    }
    u.whole = u.folded;
    AddScans(u.whole, t.summary.count, t.summary.first_at, t.summary.last_at);
    for (const auto& net : t.summary.nets) AddNet(u.whole, net, kTallyNets);
    u.days = std::move(t.days);
    out.push_back(std::move(u));
  }
  return out;
}

Result<std::vector<std::string>> MergeScanTallies(SQLite::Database& db) {
  std::vector<std::string> changed;
  try {
    SQLite::Transaction tx(db);
    int64_t last = 0;
    std::vector<UnfoldedCode> codes = UnfoldedCodes(db, &last);
    if (codes.empty()) return changed;
    // Codes in order: neighbouring tallies share pages, so each page is written once.
    std::sort(codes.begin(), codes.end(),
              [](const UnfoldedCode& a, const UnfoldedCode& b) { return a.code < b.code; });
    SQLite::Statement write(
        db,
        "INSERT INTO scan_tallies(code, count, first_at, nets, lot_id, net_count, last_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET count = excluded.count, "
        "first_at = excluded.first_at, nets = excluded.nets, lot_id = excluded.lot_id, "
        "net_count = excluded.net_count, last_at = excluded.last_at");
    std::map<std::pair<int64_t, std::string>, int64_t> lot_days;
    changed.reserve(codes.size());
    for (const UnfoldedCode& u : codes) {
      const ScanSummary& s = u.whole;
      if (u.lot_id != 0)
        for (const auto& [d, n] : u.days) lot_days[{u.lot_id, d}] += n;
      write.reset();
      write.bind(1, u.code);
      write.bind(2, s.count);
      write.bind(3, s.first_at);
      write.bind(4, JoinNets(s.nets));
      if (u.unit)
        write.bind(5, u.lot_id);
      else
        write.bind(5);
      write.bind(6, static_cast<int64_t>(s.nets.size()));
      write.bind(7, s.last_at);
      write.exec();
      changed.push_back(u.code);
    }
    SQLite::Statement add_day(db,
                              "INSERT INTO lot_scan_days(lot_id, day, count) VALUES (?, ?, ?) "
                              "ON CONFLICT(lot_id, day) DO UPDATE SET count = count + excluded.count");
    for (const auto& [key, n] : lot_days) {
      add_day.reset();
      add_day.bind(1, key.first);
      add_day.bind(2, key.second);
      add_day.bind(3, n);
      add_day.exec();
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
  q.bind(1, ScanTalliesThrough(db));
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
    const std::string at = tail_->getColumn(0).getString();
    AddScans(s, 1, at, at);
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

std::vector<DayCount> ScansPerDayOfLot(SQLite::Database& db, const std::string& lot_code,
                                       const std::string& first_day, ScanTail tail_scans) {
  std::unique_ptr<SQLite::Transaction> snapshot;  // the days and the tail from the same fold
  if (sqlite3_get_autocommit(db.getHandle()))
    snapshot = std::make_unique<SQLite::Transaction>(db, SQLite::TransactionBehavior::DEFERRED);
  std::map<std::string, int64_t> days;
  int64_t lot_id = 0;
  {
    SQLite::Statement id(db, "SELECT id FROM lots WHERE code = ?");
    id.bind(1, lot_code);
    if (!id.executeStep()) return {};
    lot_id = id.getColumn(0).getInt64();
  }
  SQLite::Statement folded(db, "SELECT day, count FROM lot_scan_days WHERE lot_id = ? AND day >= ?");
  folded.bind(1, lot_id);
  folded.bind(2, first_day);
  while (folded.executeStep()) days[folded.getColumn(0).getString()] += folded.getColumn(1).getInt64();
  if (tail_scans == ScanTail::kRead)
    for (const UnfoldedCode& u : UnfoldedCodes(db))
      if (u.lot_id == lot_id)
        for (const auto& [d, n] : u.days)
          if (d >= first_day) days[d] += n;
  if (snapshot) snapshot->commit();
  std::vector<DayCount> out;
  for (const auto& [d, n] : days) out.push_back({d, n});
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
