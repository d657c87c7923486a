#include "agritrace/registry/lot_list.h"

namespace agritrace {

Result<std::vector<ListedLot>> ListOrganisationLots(Store& store, int64_t org_id, int64_t offset,
                                                    int64_t limit) {
  if (limit < 1 || limit > kMaxLotPageSize || offset < 0)
    return Status::Invalid("每页 1 到 " + std::to_string(kMaxLotPageSize) + " 个批次",
                           "a page holds 1 to " + std::to_string(kMaxLotPageSize) + " lots");
  // Codes minted: the largest serial, as serials run 1..N (unit_store.h); recall is a trace
  // step (lots.h).
  sql::Statement q(store.db(),
                   "SELECT l.code, p.name, l.packed, l.units, "
                   "(SELECT COALESCE(MAX(u.serial), 0) FROM units u WHERE u.lot_id = l.id), "
                   "EXISTS (SELECT 1 FROM trace_events t WHERE t.lot_id = l.id AND "
                   "t.step = 'recall') "
                   "FROM lots l JOIN products p ON p.id = l.product_id "
                   "WHERE l.org_id = ? ORDER BY l.id DESC LIMIT ? OFFSET ?");
  q.Bind(1, org_id);
  q.Bind(2, limit);
  q.Bind(3, offset);
  std::vector<ListedLot> out;
  while (q.Step())
    out.push_back(ListedLot{q.Column(0).String(), q.Column(1).String(), q.Column(2).String(),
                            q.Column(3).Int64(), q.Column(4).Int64(), q.Column(5).Int() != 0});
  return out;
}

int64_t CountOrganisationLots(Store& store, int64_t org_id) {
  sql::Statement q(store.db(), "SELECT COUNT(*) FROM lots WHERE org_id = ?");
  q.Bind(1, org_id);
  q.Step();
  return q.Column(0).Int64();
}

RegistryTotals RegistryCounts(Store& store) {
  auto count = [&](const char* sql) { return store.db().QueryValue(sql).Int64(); };
  RegistryTotals t;
  t.organisations = count("SELECT COUNT(*) FROM organisations");
  t.certifications = count("SELECT COUNT(*) FROM certifications");
  t.active_certifications = count("SELECT COUNT(*) FROM certifications WHERE status = 'active'");
  t.lots = count("SELECT COUNT(*) FROM lots");
  t.users = count("SELECT COUNT(*) FROM users WHERE disabled = 0");
  return t;
}

void to_json(Json& j, const ListedLot& lot) {
  j = {{"code", lot.code},   {"product", lot.product},           {"packed", lot.packed},
       {"units", lot.units}, {"codes_minted", lot.codes_minted}, {"recalled", lot.recalled}};
}

void to_json(Json& j, const RegistryTotals& t) {
  j = {{"organisations", t.organisations},
       {"certifications", t.certifications},
       {"active_certifications", t.active_certifications},
       {"lots", t.lots},
       {"users", t.users}};
}

}  // namespace agritrace
