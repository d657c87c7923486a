#include "registry/lot_list.h"

namespace agritrace {

Result<Json> ListOrganisationLots(Store& store, int64_t org_id, int64_t offset, int64_t limit) {
  if (limit < 1 || limit > kMaxLotPageSize || offset < 0)
    return Status::Invalid("每页 1 到 " + std::to_string(kMaxLotPageSize) + " 个批次",
                           "a page holds 1 to " + std::to_string(kMaxLotPageSize) + " lots");
  // Codes minted: the largest serial, as serials run 1..N (unit_store.h); recall is a trace
  // step (lots.h).
  SQLite::Statement q(store.db(),
                      "SELECT l.code, p.name, l.packed, l.units, "
                      "(SELECT COALESCE(MAX(u.serial), 0) FROM units u WHERE u.lot_id = l.id), "
                      "EXISTS (SELECT 1 FROM trace_events t WHERE t.lot_id = l.id AND "
                      "t.step = 'recall') "
                      "FROM lots l JOIN products p ON p.id = l.product_id "
                      "WHERE l.org_id = ? ORDER BY l.id DESC LIMIT ? OFFSET ?");
  q.bind(1, org_id);
  q.bind(2, limit);
  q.bind(3, offset);
  Json out = Json::array();
  while (q.executeStep())
    out.push_back({{"code", q.getColumn(0).getString()},
                   {"product", q.getColumn(1).getString()},
                   {"packed", q.getColumn(2).getString()},
                   {"units", q.getColumn(3).getInt64()},
                   {"codes_minted", q.getColumn(4).getInt64()},
                   {"recalled", q.getColumn(5).getInt() != 0}});
  return out;
}

int64_t CountOrganisationLots(Store& store, int64_t org_id) {
  SQLite::Statement q(store.db(), "SELECT COUNT(*) FROM lots WHERE org_id = ?");
  q.bind(1, org_id);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

Json RegistryCounts(Store& store) {
  auto count = [&](const char* sql) { return store.db().execAndGet(sql).getInt64(); };
  return {{"organisations", count("SELECT COUNT(*) FROM organisations")},
          {"certifications", count("SELECT COUNT(*) FROM certifications")},
          {"active_certifications",
           count("SELECT COUNT(*) FROM certifications WHERE status = 'active'")},
          {"lots", count("SELECT COUNT(*) FROM lots")},
          {"users", count("SELECT COUNT(*) FROM users WHERE disabled = 0")}};
}

}  // namespace agritrace
