#include "registry/copied_codes.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "registry/scan_store.h"

namespace agritrace {

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

  // Codes with scans after the last fold: judged whole below, left out of the folded counts.
  std::vector<UnfoldedCode> unfolded;
  std::unordered_set<std::string> unfolded_codes;
  if (q.tail == ScanTail::kRead) {
    unfolded = UnfoldedCodes(db);
    for (const UnfoldedCode& u : unfolded) unfolded_codes.insert(u.code);
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
      if (!unfolded_codes.count(code))
        kept.push_back({top.getColumn(2).getInt64(), std::move(code), top.getColumn(1).getInt64()});
    }
  }

  // Codes with unfolded scans: the folded tally was counted above if it alone qualified; the
  // whole (tally plus tail) is judged now.
  auto qualifies = [&](const ScanSummary& s) {
    return s.count > q.threshold || static_cast<int64_t>(s.nets.size()) > q.networks;
  };
  std::unordered_map<std::string, const ScanSummary*> merged;  // unfolded codes kept, whole
  for (const UnfoldedCode& u : unfolded) {
    if (!u.unit || !in_scope(u.lot_id)) continue;  // a lot code, or out of scope
    if (qualifies(u.folded)) --per_lot[u.lot_id];
    if (!qualifies(u.whole)) continue;
    ++per_lot[u.lot_id];
    kept.push_back({u.whole.count, u.code, u.lot_id});
    merged.emplace(u.code, &u.whole);
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
      row.scans = m->second->count;
      row.networks = static_cast<int64_t>(m->second->nets.size());
      row.first_at = m->second->first_at;
      row.last_at = m->second->last_at;
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
