#include "agritrace/registry/lot_list.h"

namespace agritrace {

Result<Json> ListOrganisationLots(Store& store, int64_t org_id, int64_t offset, int64_t limit) {
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
  Json out = Json::array();
  while (q.Step())
    out.push_back({{"code", q.Column(0).String()},
                   {"product", q.Column(1).String()},
                   {"packed", q.Column(2).String()},
                   {"units", q.Column(3).Int64()},
                   {"codes_minted", q.Column(4).Int64()},
                   {"recalled", q.Column(5).Int() != 0}});
  return out;
}

int64_t CountOrganisationLots(Store& store, int64_t org_id) {
  sql::Statement q(store.db(), "SELECT COUNT(*) FROM lots WHERE org_id = ?");
  q.Bind(1, org_id);
  q.Step();
  return q.Column(0).Int64();
}

Json RegistryCounts(Store& store) {
  auto count = [&](const char* sql) { return store.db().QueryValue(sql).Int64(); };
  return {{"organisations", count("SELECT COUNT(*) FROM organisations")},
          {"certifications", count("SELECT COUNT(*) FROM certifications")},
          {"active_certifications",
           count("SELECT COUNT(*) FROM certifications WHERE status = 'active'")},
          {"lots", count("SELECT COUNT(*) FROM lots")},
          {"users", count("SELECT COUNT(*) FROM users WHERE disabled = 0")}};
}

}  // namespace agritrace
