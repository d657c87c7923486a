#include "agritrace/registry/copied_codes.h"


#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "agritrace/registry/scan_store.h"

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

CopiedCodes FindCopiedCodes(sql::Connection& db, const CopiedCodeQuery& q) {
  std::unique_ptr<sql::Transaction> snapshot;  // tallies and tail from the same fold
  if (!db.InTransaction())
    snapshot = std::make_unique<sql::Transaction>(db, sql::TxKind::kRead);
  CopiedCodes out;

  // The lots in scope; none given means every lot.
  std::optional<std::unordered_set<int64_t>> scope;
  if (!q.lot_code.empty() || q.org_id > 0) {
    sql::Statement lots(db,
                        "SELECT id FROM lots WHERE (?1 = '' OR code = ?1) AND "
                        "(?2 = 0 OR org_id = ?2)");
    lots.Bind(1, q.lot_code);
    lots.Bind(2, q.org_id);
    scope.emplace();
    while (lots.Step()) scope->insert(lots.Column(0).Int64());
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
  auto bind = [&](sql::Statement& st) {  // the parameters a statement has (the highest used)
    const int n = st.ParameterCount();
    st.Bind(1, q.threshold);
    if (n >= 2) st.Bind(2, q.networks);
    if (n >= 4) {
      st.Bind(3, q.lot_code);
      st.Bind(4, q.org_id);
    }
  };
  std::unordered_map<int64_t, int64_t> per_lot;  // lot -> codes that look copied
  for (const std::string& where : {past_count, past_nets_only}) {
    sql::Statement count(db, "SELECT lot_id, COUNT(*) FROM scan_tallies WHERE " + where +
                                    " GROUP BY lot_id");
    bind(count);
    while (count.Step()) per_lot[count.Column(0).Int64()] += count.Column(1).Int64();
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
    sql::Statement top(db, "SELECT code, lot_id, count FROM scan_tallies WHERE " + where +
                                  " ORDER BY count DESC");
    bind(top);
    while ((q.limit == 0 || kept.size() < q.limit) && top.Step()) {
      std::string code = top.Column(0).String();
      if (!unfolded_codes.count(code))
        kept.push_back({top.Column(2).Int64(), std::move(code), top.Column(1).Int64()});
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

  sql::Statement lot_row(db, "SELECT code, origin FROM lots WHERE id = ?");
  sql::Statement folded(db,
                        "SELECT count, net_count, first_at, last_at FROM scan_tallies "
                        "WHERE code = ?");
  std::unordered_map<int64_t, std::pair<std::string, std::string>> lot_names;
  for (const Candidate& c : kept) {
    CopiedCode row;
    row.code = c.code;
    auto named = lot_names.find(c.lot_id);
    if (named == lot_names.end()) {
      lot_row.Reset();
      lot_row.Bind(1, c.lot_id);
      std::pair<std::string, std::string> name;
      if (lot_row.Step())
        name = {lot_row.Column(0).String(), lot_row.Column(1).String()};
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
      folded.Reset();
      folded.Bind(1, c.code);
      if (folded.Step()) {
        row.scans = folded.Column(0).Int64();
        row.networks = folded.Column(1).Int64();
        row.first_at = folded.Column(2).String();
        row.last_at = folded.Column(3).String();
      }
    }
    out.rows.push_back(std::move(row));
  }
  if (snapshot) snapshot->Commit();
  return out;
}

}  // namespace agritrace
