#include "registry/organisations.h"

#include "registry/credit_code.h"
#include "registry/dates.h"
#include "registry/record_checks.h"

namespace agritrace {

Result<Json> AddOrganisation(Store& store, const OrganisationInput& o, const std::string& actor) {
  static const char* kKinds[] = {"cooperative", "enterprise", "family-farm", "station", "collective"};
  bool kind_ok = false;
  for (auto k : kKinds) kind_ok = kind_ok || o.kind == k;
  if (!kind_ok)
    return Status::Invalid("主体类型应为 cooperative（合作社）、enterprise（企业）、family-farm（家庭农场）、"
                           "station（服务站）或 collective（村集体）：" + o.kind,
                           "kind must be cooperative, enterprise, family-farm, station or collective: " + o.kind);
  if (o.name.empty()) return Status::Invalid("主体名称不能为空", "the organisation needs a name");
  Status s = ValidateCreditCode(o.credit_code);
  if (!s.ok()) return s;
  Json out;
  s = store.Transact([&]() -> Status {
    if (Status r = RequireRegion(store, o.region); !r.ok()) return r;
    SQLite::Statement dup(store.db(), "SELECT id FROM organisations WHERE credit_code = ?");
    dup.bind(1, o.credit_code);
    if (dup.executeStep())
      return Status::Conflict("统一社会信用代码 " + o.credit_code + " 已登记为主体 " +
                                  dup.getColumn(0).getString(),
                              "credit code " + o.credit_code + " is already organisation " +
                                  dup.getColumn(0).getString());
    std::string now = NowUtc();
    SQLite::Statement ins(store.db(),
                          "INSERT INTO organisations(name, credit_code, kind, region, created_at) "
                          "VALUES (?, ?, ?, ?, ?)");
    ins.bind(1, o.name);
    ins.bind(2, o.credit_code);
    ins.bind(3, o.kind);
    ins.bind(4, o.region);
    ins.bind(5, now);
    ins.exec();
    out = {{"id", store.db().getLastInsertRowid()}, {"name", o.name},
           {"credit_code", o.credit_code}, {"kind", o.kind}, {"region", o.region},
           {"created_at", now}};
    Json event = out;
    event["actor"] = actor;
    return LogEvent(store, "organisation.added", event);
  });
  if (!s.ok()) return s;
  return out;
}

Result<Json> GetOrganisation(Store& store, int64_t id) {
  SQLite::Statement q(store.db(),
                      "SELECT name, credit_code, kind, region, created_at FROM organisations "
                      "WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return OrganisationNotFound(id);
  return Json{{"id", id}, {"name", q.getColumn(0).getString()},
              {"credit_code", q.getColumn(1).getString()}, {"kind", q.getColumn(2).getString()},
              {"region", q.getColumn(3).getString()}, {"created_at", q.getColumn(4).getString()}};
}

Json SearchOrganisations(Store& store, const std::string& query, int64_t offset, int64_t limit,
                         int64_t* total) {
  // Names by instr (no wildcards at all); credit codes by prefix, upper-cased, with LIKE's
  // wildcards escaped so that a query holding % or _ matches only itself.
  std::string code_escaped;
  for (char c : query) {
    if (c == '%' || c == '_' || c == '\\') code_escaped += '\\';
    code_escaped += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  const std::string where =
      " FROM organisations WHERE ?1 = '' OR instr(name, ?1) > 0 OR "
      "credit_code LIKE ?2 ESCAPE '\\'";
  SQLite::Statement count(store.db(), "SELECT COUNT(*)" + where);
  count.bind(1, query);
  count.bind(2, code_escaped + "%");
  count.executeStep();
  if (total) *total = count.getColumn(0).getInt64();
  SQLite::Statement q(store.db(), "SELECT id, name, credit_code, kind, region, created_at" + where +
                                      " ORDER BY id LIMIT ?3 OFFSET ?4");
  q.bind(1, query);
  q.bind(2, code_escaped + "%");
  q.bind(3, limit);
  q.bind(4, offset);
  Json out = Json::array();
  while (q.executeStep())
    out.push_back({{"id", q.getColumn(0).getInt64()}, {"name", q.getColumn(1).getString()},
                   {"credit_code", q.getColumn(2).getString()},
                   {"kind", q.getColumn(3).getString()}, {"region", q.getColumn(4).getString()},
                   {"created_at", q.getColumn(5).getString()}});
  return out;
}

}  // namespace agritrace
