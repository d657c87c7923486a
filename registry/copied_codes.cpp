#include "registry/copied_codes.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "registry/scan_store.h"

namespace agritrace {
namespace {

// A code's scans after the last fold.
struct Tail {
  int64_t count = 0;
  std::string first_at, last_at;
  std::vector<std::string> nets;  // distinct, at most kTallyNets
};

void AddTallyNets(std::vector<std::string>& nets, const std::string& net) {
  if (nets.size() < kTallyNets && std::find(nets.begin(), nets.end(), net) == nets.end())
    nets.push_back(net);
}

}  // namespace

Status CheckNetworkThreshold(int64_t networks, const std::string& option) {
  const int64_t max = static_cast<int64_t>(kTallyNets) - 1;
  if (networks >= 0 && networks <= max) return Status::Ok();
  return Status::Invalid(option + " 应为 0 到 " + std::to_string(max) + "：每个码最多记 " +
                             std::to_string(kTallyNets) + " 个不同网络，更大的值永远不会触发",
                         option + " must be 0 to " + std::to_string(max) + ": a code keeps at most " +
                             std::to_string(kTallyNets) +
                             " distinct networks, so a larger value could never be passed")
      .with_reason("network-threshold");
}

CopiedCodes FindCopiedCodes(SQLite::Database& db, const CopiedCodeQuery& q) {
  std::unique_ptr<SQLite::Transaction> snapshot;  // tallies and tail from the same fold
  if (sqlite3_get_autocommit(db.getHandle()))
    snapshot = std::make_unique<SQLite::Transaction>(db, SQLite::TransactionBehavior::DEFERRED);
  CopiedCodes out;

  // The lots in scope; none given means every lot.
  std::optional<std::unordered_set<int64_t>> scope;
  if (!q.lot_code.empty() || q.org_id > 0) {
    SQLite::Statement lots(db,
                           "SELECT id FROM lots WHERE (?1 = '' OR code = ?1) AND "
                           "(?2 = 0 OR org_id = ?2)");
    lots.bind(1, q.lot_code);
    lots.bind(2, q.org_id);
    scope.emplace();
    while (lots.executeStep()) scope->insert(lots.getColumn(0).getInt64());
    if (scope->empty()) return out;
  }
  auto in_scope = [&](int64_t lot) { return !scope || scope->count(lot) > 0; };

  // The unfolded tail: bounded by how often the scan recorder folds.
  std::unordered_map<std::string, Tail> tail;
  {
    SQLite::Statement rows(db, "SELECT code, at, net FROM scans WHERE id > ? AND kind = 'unit'");
    rows.bind(1, ScanTalliesThrough(db));
    while (rows.executeStep()) {
      Tail& t = tail[rows.getColumn(0).getString()];
      const std::string at = rows.getColumn(1).getString();
      ++t.count;
      if (t.first_at.empty() || at < t.first_at) t.first_at = at;
      if (at > t.last_at) t.last_at = at;
      AddTallyNets(t.nets, rows.getColumn(2).getString());
    }
  }

  // Candidates, with their scans, most first; the rows are filled in at the end.
  struct Candidate {
    int64_t scans;
    std::string code;
    int64_t lot_id;
  };
  std::vector<Candidate> kept;
  std::unordered_set<int64_t> lots;
  // Folded codes come most scanned first, so the first `limit` of them are enough; a code with
  // unfolded scans may outrank them, so those are all kept until the sort below.
  auto take = [&](int64_t scans, const std::string& code, int64_t lot_id, bool unfolded = false) {
    ++out.total;
    lots.insert(lot_id);
    if (unfolded || q.limit == 0 || kept.size() < q.limit) kept.push_back({scans, code, lot_id});
  };
  // Folded tallies past the scan threshold (index scan_tallies_count, most scans first), then
  // those past only the network threshold, which all have fewer scans.
  SQLite::Statement by_count(db,
                             "SELECT code, lot_id, count FROM scan_tallies WHERE count > ?1 AND "
                             "lot_id IS NOT NULL ORDER BY count DESC");
  by_count.bind(1, q.threshold);
  while (by_count.executeStep()) {
    const std::string code = by_count.getColumn(0).getString();
    const int64_t lot = by_count.getColumn(1).getInt64();
    if (in_scope(lot) && !tail.count(code)) take(by_count.getColumn(2).getInt64(), code, lot);
  }
  SQLite::Statement by_nets(db,
                            "SELECT code, lot_id, count FROM scan_tallies WHERE net_count > ?2 AND "
                            "count <= ?1 AND lot_id IS NOT NULL ORDER BY count DESC");
  by_nets.bind(1, q.threshold);
  by_nets.bind(2, q.networks);
  while (by_nets.executeStep()) {
    const std::string code = by_nets.getColumn(0).getString();
    const int64_t lot = by_nets.getColumn(1).getInt64();
    if (in_scope(lot) && !tail.count(code)) take(by_nets.getColumn(2).getInt64(), code, lot);
  }

  // Codes with unfolded scans: their tally plus their tail, judged whole.
  SQLite::Statement tally(db,
                          "SELECT count, first_at, nets, last_at, lot_id FROM scan_tallies "
                          "WHERE code = ?");
  SQLite::Statement unit(db, "SELECT lot_id FROM units WHERE code = ?");
  std::unordered_map<std::string, Tail> merged;  // tail codes that qualify, whole
  for (auto& [code, t] : tail) {
    Tail whole = t;
    int64_t lot = 0;
    tally.reset();
    tally.bind(1, code);
    if (tally.executeStep()) {
      whole.count += tally.getColumn(0).getInt64();
      const std::string first = tally.getColumn(1).getString();
      if (first < whole.first_at) whole.first_at = first;
      const std::string last = tally.getColumn(3).getString();
      if (last > whole.last_at) whole.last_at = last;
      const std::string nets = tally.getColumn(2).getString();
      std::vector<std::string> all;
      for (size_t pos = 0; pos < nets.size();) {
        size_t end = std::min(nets.find('\n', pos), nets.size());
        if (end > pos) AddTallyNets(all, nets.substr(pos, end - pos));
        pos = end + 1;
      }
      for (const auto& n : t.nets) AddTallyNets(all, n);
      whole.nets = std::move(all);
      lot = tally.getColumn(4).isNull() ? 0 : tally.getColumn(4).getInt64();
    }
    tally.reset();
    if (lot == 0) {
      unit.reset();
      unit.bind(1, code);
      if (unit.executeStep()) lot = unit.getColumn(0).getInt64();
      unit.reset();
    }
    if (lot == 0 || !in_scope(lot)) continue;
    const auto nets = static_cast<int64_t>(whole.nets.size());
    if (whole.count <= q.threshold && nets <= q.networks) continue;
    take(whole.count, code, lot, true);
    merged.emplace(code, std::move(whole));
  }
  out.lots = static_cast<int64_t>(lots.size());

  std::sort(kept.begin(), kept.end(), [](const Candidate& a, const Candidate& b) {
    return a.scans != b.scans ? a.scans > b.scans : a.code < b.code;
  });
  if (q.limit > 0 && kept.size() > q.limit) kept.resize(q.limit);

  SQLite::Statement lot_row(db, "SELECT code, origin FROM lots WHERE id = ?");
  SQLite::Statement folded(db,
                           "SELECT count, net_count, first_at, last_at FROM scan_tallies "
                           "WHERE code = ?");
  std::unordered_map<int64_t, std::pair<std::string, std::string>> lot_names;
  for (const Candidate& c : kept) {
    CopiedCode row;
    row.code = c.code;
    auto named = lot_names.find(c.lot_id);
    if (named == lot_names.end()) {
      lot_row.reset();
      lot_row.bind(1, c.lot_id);
      std::pair<std::string, std::string> name;
      if (lot_row.executeStep())
        name = {lot_row.getColumn(0).getString(), lot_row.getColumn(1).getString()};
      named = lot_names.emplace(c.lot_id, name).first;
    }
    row.lot_code = named->second.first;
    row.origin = named->second.second;
    if (auto m = merged.find(c.code); m != merged.end()) {
      row.scans = m->second.count;
      row.networks = static_cast<int64_t>(m->second.nets.size());
      row.first_at = m->second.first_at;
      row.last_at = m->second.last_at;
    } else {
      folded.reset();
      folded.bind(1, c.code);
      if (folded.executeStep()) {
        row.scans = folded.getColumn(0).getInt64();
        row.networks = folded.getColumn(1).getInt64();
        row.first_at = folded.getColumn(2).getString();
        row.last_at = folded.getColumn(3).getString();
      }
    }
    out.rows.push_back(std::move(row));
  }
  if (snapshot) snapshot->commit();
  return out;
}

}  // namespace agritrace
