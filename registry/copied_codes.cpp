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

// Networks in a tally's newline-separated list.
size_t SplitCount(const std::string& nets) {
  return nets.empty() ? 0 : static_cast<size_t>(std::count(nets.begin(), nets.end(), '\n')) + 1;
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
  if (q.tail == ScanTail::kRead) {
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

  // Folded tallies past a threshold, in scope. Counted inside SQLite per lot (an index range,
  // no row reaches this code), and only the first `limit` read here: most scans first through
  // index scan_tallies_count, then those past only the network threshold, which have fewer.
  const std::string in_lots =
      scope ? " AND lot_id IN (SELECT id FROM lots WHERE (?3 = '' OR code = ?3) AND "
              "(?4 = 0 OR org_id = ?4))"
            : " AND lot_id IS NOT NULL";
  const std::string past_count = "count > ?1" + in_lots;
  const std::string past_nets_only = "net_count > ?2 AND count <= ?1" + in_lots;
  auto bind = [&](SQLite::Statement& st) {  // the parameters a statement has (the highest used)
    const int n = st.getBindParameterCount();
    st.bind(1, q.threshold);
    if (n >= 2) st.bind(2, q.networks);
    if (n >= 4) {
      st.bind(3, q.lot_code);
      st.bind(4, q.org_id);
    }
  };
  std::unordered_map<int64_t, int64_t> per_lot;  // lot -> codes that look copied
  for (const std::string& where : {past_count, past_nets_only}) {
    SQLite::Statement count(db, "SELECT lot_id, COUNT(*) FROM scan_tallies WHERE " + where +
                                    " GROUP BY lot_id");
    bind(count);
    while (count.executeStep()) per_lot[count.getColumn(0).getInt64()] += count.getColumn(1).getInt64();
  }

  // Candidates, with their scans, most first; the rows are filled in at the end. Folded codes
  // come most scanned first, so the first `limit` are enough; a code with unfolded scans may
  // outrank them, so those are all kept until the sort below.
  struct Candidate {
    int64_t scans;
    std::string code;
    int64_t lot_id;
  };
  std::vector<Candidate> kept;
  for (const std::string& where : {past_count, past_nets_only}) {
    SQLite::Statement top(db, "SELECT code, lot_id, count FROM scan_tallies WHERE " + where +
                                  " ORDER BY count DESC");
    bind(top);
    while ((q.limit == 0 || kept.size() < q.limit) && top.executeStep()) {
      std::string code = top.getColumn(0).getString();
      if (!tail.count(code))
        kept.push_back({top.getColumn(2).getInt64(), std::move(code), top.getColumn(1).getInt64()});
    }
  }

  // Codes with unfolded scans: their tally plus their tail, judged whole.
  SQLite::Statement tally(db,
                          "SELECT count, first_at, nets, last_at, lot_id FROM scan_tallies "
                          "WHERE code = ?");
  SQLite::Statement unit(db, "SELECT lot_id FROM units WHERE code = ?");
  std::unordered_map<std::string, Tail> merged;  // tail codes that qualify, whole
  auto qualifies = [&](int64_t scans, int64_t nets) {
    return scans > q.threshold || nets > q.networks;
  };
  for (auto& [code, t] : tail) {
    Tail whole = t;
    int64_t lot = 0;
    bool counted = false;  // its folded tally alone was counted above
    tally.reset();
    tally.bind(1, code);
    if (tally.executeStep()) {
      const int64_t folded = tally.getColumn(0).getInt64();
      whole.count += folded;
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
      counted = lot != 0 && in_scope(lot) &&
                qualifies(folded, static_cast<int64_t>(SplitCount(nets)));
    }
    tally.reset();
    if (lot == 0) {
      unit.reset();
      unit.bind(1, code);
      if (unit.executeStep()) lot = unit.getColumn(0).getInt64();
      unit.reset();
    }
    if (counted) --per_lot[lot];
    if (lot == 0 || !in_scope(lot)) continue;
    if (!qualifies(whole.count, static_cast<int64_t>(whole.nets.size()))) continue;
    ++per_lot[lot];
    kept.push_back({whole.count, code, lot});
    merged.emplace(code, std::move(whole));
  }
  for (const auto& [lot, n] : per_lot) {
    out.total += n;
    if (n > 0) ++out.lots;
  }

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
