#include "agritrace/registry/scan_store.h"

#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>
#include <unordered_map>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/store.h"

namespace agritrace {

bool IsScanMiss(const std::string& kind) { return kind == "unknown" || kind == "malformed"; }

std::string ScanJournalKey(bool per_node, const std::string& journal_path) {
  if (!per_node) return "scan_journal_through";
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(journal_path, ec);
  return std::string("scan_journal_through:") + host + ":" + (ec ? journal_path : absolute.string());
}

Status InsertScans(sql::Connection& db, const std::vector<ScanRow>& rows,
                   int64_t journal_through, const std::string& journal_key) {
  if (rows.empty() && journal_through < 0) return Status::Ok();
  try {
    sql::Transaction tx(db, sql::TxKind::kScans);
    // Misses summed in memory first: a batch of a thousand made-up codes from one network is
    // one upsert.
    std::map<std::tuple<std::string, std::string, std::string>, int64_t> misses;
    std::unique_ptr<sql::Statement> ins;
    for (const auto& r : rows) {
      if (IsScanMiss(r.kind)) {
        ++misses[{r.at.substr(0, 10), r.net, r.kind}];
        continue;
      }
      if (!ins)
        ins = std::make_unique<sql::Statement>(
            db, "INSERT INTO scans(code, kind, at, net) VALUES (?, ?, ?, ?)");
      ins->Reset();
      ins->Bind(1, r.code);
      ins->Bind(2, r.kind);
      ins->Bind(3, r.at);
      ins->Bind(4, r.net);
      ins->Exec();
    }
    if (!misses.empty()) {
      sql::Statement up(db,
                        "INSERT INTO scan_misses(day, net_hash, kind, count) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT(day, net_hash, kind) DO UPDATE SET "
                        "count = scan_misses.count + excluded.count");
      for (const auto& [key, n] : misses) {
        up.Reset();
        up.Bind(1, std::get<0>(key));
        up.Bind(2, std::get<1>(key));
        up.Bind(3, std::get<2>(key));
        up.Bind(4, n);
        up.Exec();
      }
    }
    if (journal_through >= 0) {
      sql::Statement mark(db,
                          "INSERT INTO registry_meta(key, value) VALUES (?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
      mark.Bind(1, journal_key);
      mark.Bind(2, std::to_string(journal_through));
      mark.Exec();
    }
    tx.Commit();
  } catch (const sql::Error& e) {
    const bool busy = e.kind() == sql::Error::Kind::kBusy;
    return Status::Io(std::string("保存扫码记录失败：") + e.what(),
                      std::string("storing scans failed: ") + e.what())
        .with_reason(busy ? std::string(kDbBusy) : "scan-store-failed");
  }
  return Status::Ok();
}

int64_t ScanTalliesThrough(sql::Connection& db) {
  sql::Statement q(db, "SELECT value FROM registry_meta WHERE key = 'scan_tallies_through'");
  return q.Step() ? std::stoll(q.Column(0).String()) : 0;
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
bool ReadTally(sql::Statement& q, const std::string& code, size_t max_nets, ScanSummary& s,
               int64_t* lot_id = nullptr) {
  q.Reset();
  q.Bind(1, code);
  const bool found = q.Step();
  if (found) {
    s.count = q.Column(0).Int64();
    s.first_at = q.Column(1).String();
    s.nets = SplitNets(q.Column(2).String());
    if (s.nets.size() > max_nets) s.nets.resize(max_nets);
    s.last_at = q.Column(3).String();
    if (lot_id) *lot_id = q.Column(4).IsNull() ? 0 : q.Column(4).Int64();
  }
  q.Reset();
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
std::unordered_map<std::string, TailScans> ReadTail(sql::Connection& db, int64_t through,
                                                    int64_t* last) {
  std::unordered_map<std::string, TailScans> tail;
  BeijingDay day;
  sql::Statement rows(db, "SELECT id, code, at, net FROM scans WHERE id > ? ORDER BY id");
  rows.Bind(1, through);
  *last = through;
  while (rows.Step()) {
    *last = rows.Column(0).Int64();
    TailScans& t = tail[rows.Column(1).String()];
    const std::string at = rows.Column(2).String();
    AddScans(t.summary, 1, at, at);
    AddNet(t.summary, rows.Column(3).String(), kTallyNets);
    ++t.days[day.Of(at)];
  }
  return tail;
}

// The lot of a unit code never folded, 0 when it is no unit code.
int64_t UnitLot(sql::Statement& unit_lot, const std::string& code) {
  unit_lot.Reset();
  unit_lot.Bind(1, code);
  const int64_t lot = unit_lot.Step() ? unit_lot.Column(0).Int64() : 0;
  unit_lot.Reset();
  return lot;
}

}  // namespace

std::vector<UnfoldedCode> UnfoldedCodes(sql::Connection& db, int64_t* last_id) {
  int64_t last = 0;
  std::unordered_map<std::string, TailScans> tail = ReadTail(db, ScanTalliesThrough(db), &last);
  if (last_id) *last_id = last;
  std::vector<UnfoldedCode> out;
  out.reserve(tail.size());
  sql::Statement read(db, kTallySql);
  sql::Statement unit_lot(db, "SELECT lot_id FROM units WHERE code = ?");
  sql::Statement lot_of_code(db, "SELECT id FROM lots WHERE code = ?");
  for (auto& [code, t] : tail) {
    UnfoldedCode u;
    u.code = code;
    int64_t unit_lot_id = 0;
    if (!ReadTally(read, code, kTallyNets, u.folded, &unit_lot_id))
      unit_lot_id = UnitLot(unit_lot, code);
    u.unit = unit_lot_id != 0;
    u.lot_id = unit_lot_id;
    if (!u.unit) {  // a lot code (few of them, looked up each time)
      lot_of_code.Reset();
      lot_of_code.Bind(1, code);
      if (lot_of_code.Step()) u.lot_id = lot_of_code.Column(0).Int64();
      lot_of_code.Reset();
    }
    u.whole = u.folded;
    AddScans(u.whole, t.summary.count, t.summary.first_at, t.summary.last_at);
    for (const auto& net : t.summary.nets) AddNet(u.whole, net, kTallyNets);
    u.days = std::move(t.days);
    out.push_back(std::move(u));
  }
  return out;
}

Result<std::vector<std::string>> MergeScanTallies(sql::Connection& db) {
  std::vector<std::string> changed;
  try {
    sql::Transaction tx(db, sql::TxKind::kScans);
    int64_t last = 0;
    std::vector<UnfoldedCode> codes = UnfoldedCodes(db, &last);
    if (codes.empty()) return changed;
    // Codes in order: neighbouring tallies share pages, so each page is written once.
    std::sort(codes.begin(), codes.end(),
              [](const UnfoldedCode& a, const UnfoldedCode& b) { return a.code < b.code; });
    sql::Statement write(
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
      write.Reset();
      write.Bind(1, u.code);
      write.Bind(2, s.count);
      write.Bind(3, s.first_at);
      write.Bind(4, JoinNets(s.nets));
      if (u.unit)
        write.Bind(5, u.lot_id);
      else
        write.Bind(5);
      write.Bind(6, static_cast<int64_t>(s.nets.size()));
      write.Bind(7, s.last_at);
      write.Exec();
      changed.push_back(u.code);
    }
    sql::Statement add_day(db,
                           "INSERT INTO lot_scan_days(lot_id, day, count) VALUES (?, ?, ?) "
                           "ON CONFLICT(lot_id, day) DO UPDATE SET count = lot_scan_days.count + excluded.count");
    for (const auto& [key, n] : lot_days) {
      add_day.Reset();
      add_day.Bind(1, key.first);
      add_day.Bind(2, key.second);
      add_day.Bind(3, n);
      add_day.Exec();
    }
    sql::Statement mark(db,
                        "UPDATE registry_meta SET value = ? WHERE key = 'scan_tallies_through'");
    mark.Bind(1, std::to_string(last));
    mark.Exec();
    tx.Commit();
  } catch (const sql::Error& e) {
    return Status::Io(std::string("汇总扫码记录失败：") + e.what(),
                      std::string("folding scans into tallies failed: ") + e.what())
        .with_reason("scan-store-failed");
  }
  return changed;
}

int64_t UnfoldedScans(sql::Connection& db) {
  sql::Statement q(db, "SELECT COUNT(*) FROM scans WHERE id > ?");
  q.Bind(1, ScanTalliesThrough(db));
  q.Step();
  return q.Column(0).Int64();
}

ScanSummaryQuery::ScanSummaryQuery(sql::Connection& db) : db_(db), tally_(db, kTallySql) {}

ScanSummary ScanSummaryQuery::RunFolded(const std::string& code, size_t max_nets) {
  ScanSummary s;
  ReadTally(tally_, code, max_nets, s);
  return s;
}

ScanSummary ScanSummaryQuery::Run(const std::string& code, size_t max_nets) {
  // One read transaction: the tally and the tail must come from the same fold (inside a
  // caller's transaction they already do).
  std::unique_ptr<sql::Transaction> snapshot;
  if (!db_.InTransaction())
    snapshot = std::make_unique<sql::Transaction>(db_, sql::TxKind::kRead);
  ScanSummary s = RunFolded(code, max_nets);
  if (!tail_)
    tail_ = std::make_unique<sql::Statement>(
        db_,
        "SELECT at, net FROM scans WHERE code = ? AND id > (SELECT CAST(value AS INTEGER) "
        "FROM registry_meta WHERE key = 'scan_tallies_through')");
  tail_->Reset();
  tail_->Bind(1, code);
  while (tail_->Step()) {
    const std::string at = tail_->Column(0).String();
    AddScans(s, 1, at, at);
    AddNet(s, tail_->Column(1).String(), max_nets);
  }
  tail_->Reset();
  if (snapshot) snapshot->Commit();
  return s;
}

ScanSummary SummarizeScans(sql::Connection& db, const std::string& code, size_t max_nets) {
  return ScanSummaryQuery(db).Run(code, max_nets);
}

std::vector<LotScan> ScansOfLot(sql::Connection& db, const std::string& lot_code, int64_t after_id,
                                int64_t limit) {
  // Units by (lot_id, serial), then scans by code: both indexed, whatever the table's size.
  sql::Statement q(db,
                   "SELECT s.id, s.code, s.kind, s.at, s.net, u.serial FROM lots l "
                   "JOIN units u ON u.lot_id = l.id JOIN scans s ON s.code = u.code "
                   "WHERE l.code = ?1 AND s.id > ?2 "
                   "UNION ALL SELECT s.id, s.code, s.kind, s.at, s.net, 0 FROM scans s "
                   "WHERE s.code = ?1 AND s.id > ?2 ORDER BY 1 LIMIT ?3");
  q.Bind(1, lot_code);
  q.Bind(2, after_id);
  q.Bind(3, limit);
  std::vector<LotScan> out;
  while (q.Step())
    out.push_back({q.Column(0).Int64(),
                   {q.Column(1).String(), q.Column(2).String(),
                    q.Column(3).String(), q.Column(4).String()},
                   q.Column(5).Int64()});
  return out;
}

std::vector<DayCount> ScansPerDayOfLot(sql::Connection& db, const std::string& lot_code,
                                       const std::string& first_day, ScanTail tail_scans) {
  std::unique_ptr<sql::Transaction> snapshot;  // the days and the tail from the same fold
  if (!db.InTransaction())
    snapshot = std::make_unique<sql::Transaction>(db, sql::TxKind::kRead);
  std::map<std::string, int64_t> days;
  int64_t lot_id = 0;
  {
    sql::Statement id(db, "SELECT id FROM lots WHERE code = ?");
    id.Bind(1, lot_code);
    if (!id.Step()) return {};
    lot_id = id.Column(0).Int64();
  }
  sql::Statement folded(db, "SELECT day, count FROM lot_scan_days WHERE lot_id = ? AND day >= ?");
  folded.Bind(1, lot_id);
  folded.Bind(2, first_day);
  while (folded.Step()) days[folded.Column(0).String()] += folded.Column(1).Int64();
  if (tail_scans == ScanTail::kRead)
    for (const UnfoldedCode& u : UnfoldedCodes(db))
      if (u.lot_id == lot_id)
        for (const auto& [d, n] : u.days)
          if (d >= first_day) days[d] += n;
  if (snapshot) snapshot->Commit();
  std::vector<DayCount> out;
  for (const auto& [d, n] : days) out.push_back({d, n});
  return out;
}

int64_t ScanJournalThrough(sql::Connection& db, const std::string& journal_key) {
  sql::Statement q(db, "SELECT value FROM registry_meta WHERE key = ?");
  q.Bind(1, journal_key);
  return q.Step() ? std::stoll(q.Column(0).String()) : 0;
}

int64_t CountScanMisses(sql::Connection& db, const std::string& kind) {
  sql::Statement q(db, "SELECT COALESCE(SUM(count), 0) FROM scan_misses WHERE kind = ?");
  q.Bind(1, kind);
  q.Step();
  return q.Column(0).Int64();
}

int64_t CountAllScans(sql::Connection& db) {
  return db.QueryValue("SELECT COUNT(*) FROM scans").Int64();
}

Result<std::string> ScanSalt(sql::Connection& db) {
  try {
    sql::Statement q(db, "SELECT value FROM registry_meta WHERE key = 'scan_salt'");
    if (q.Step()) return q.Column(0).String();
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
      return Status::Io("系统随机数不可用", "the OS random number generator is unavailable");
    // An insert that does nothing on conflict, then read back: two processes starting together keep one salt.
    sql::Statement ins(
        db, "INSERT INTO registry_meta(key, value) VALUES ('scan_salt', ?) ON CONFLICT DO NOTHING");
    ins.Bind(1, HexEncode(std::string(reinterpret_cast<const char*>(bytes), sizeof bytes)));
    ins.Exec();
    q.Reset();
    if (q.Step()) return q.Column(0).String();
  } catch (const sql::Error& e) {
    return Status::Io(std::string("读取扫码盐值失败：") + e.what(),
                      std::string("reading the scan salt failed: ") + e.what());
  }
  return Status::Io("扫码盐值丢失", "the scan salt went missing");
}

}  // namespace agritrace
