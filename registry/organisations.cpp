#include "registry/organisations.h"

#include "registry/credit_code.h"
#include "registry/dates.h"
#include "registry/record_checks.h"

namespace agritrace {

Result<Json> AddOrganisation(Store& store, const OrganisationInput& o) {
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
    return LogEvent(store, "organisation.added", out);
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

}  // namespace agritrace
