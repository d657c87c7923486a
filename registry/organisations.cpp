#include "agritrace/registry/organisations.h"

#include "agritrace/registry/dates.h"
#include "registry/credit_code.h"
#include "registry/record_checks.h"

namespace agritrace {

void to_json(Json& j, const Organisation& o) {
  j = Json{{"id", o.id},       {"name", o.name},     {"credit_code", o.credit_code},
           {"kind", o.kind},   {"region", o.region}, {"created_at", o.created_at}};
}

namespace {
// A row of columns id, name, credit_code, kind, region, created_at.
Organisation OrganisationRow(sql::Statement& q) {
  return Organisation{q.Column(0).Int64(),  q.Column(1).String(), q.Column(2).String(),
                      q.Column(3).String(), q.Column(4).String(), q.Column(5).String()};
}
}  // namespace

Result<Organisation> AddOrganisation(Store& store, const OrganisationInput& o,
                                     const std::string& actor) {
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
  Organisation out;
  s = store.Transact([&]() -> Status {
    if (Status r = RequireRegion(store, o.region); !r.ok()) return r;
    sql::Statement dup(store.db(), "SELECT id FROM organisations WHERE credit_code = ?");
    dup.Bind(1, o.credit_code);
    if (dup.Step())
      return Status::Conflict("统一社会信用代码 " + o.credit_code + " 已登记为主体 " +
                                  dup.Column(0).String(),
                              "credit code " + o.credit_code + " is already organisation " +
                                  dup.Column(0).String());
    std::string now = NowUtc();
    sql::Statement ins(store.db(),
                       "INSERT INTO organisations(name, credit_code, kind, region, created_at) "
                       "VALUES (?, ?, ?, ?, ?)");
    ins.Bind(1, o.name);
    ins.Bind(2, o.credit_code);
    ins.Bind(3, o.kind);
    ins.Bind(4, o.region);
    ins.Bind(5, now);
    ins.Exec();
    out = Organisation{store.db().LastInsertId(), o.name, o.credit_code, o.kind, o.region, now};
    Json event = Json(out);
    event["actor"] = actor;
    return LogEvent(store, "organisation.added", event);
  });
  if (!s.ok()) return s;
  return out;
}

Result<Organisation> GetOrganisation(Store& store, int64_t id) {
  sql::Statement q(store.db(),
                   "SELECT id, name, credit_code, kind, region, created_at FROM organisations "
                   "WHERE id = ?");
  q.Bind(1, id);
  if (!q.Step()) return OrganisationNotFound(id);
  return OrganisationRow(q);
}

OrganisationSearch SearchOrganisations(Store& store, const std::string& query, int64_t offset,
                                       int64_t limit) {
  // Names containing the query, case and all, with no wildcards (replace() rather than SQLite's
  // instr, which PostgreSQL lacks); credit codes by prefix, upper-cased, with LIKE's wildcards
  // escaped so that a query holding % or _ matches only itself.
  std::string code_escaped;
  for (char c : query) {
    if (c == '%' || c == '_' || c == '\\') code_escaped += '\\';
    code_escaped += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  const std::string where =
      " FROM organisations WHERE ?1 = '' OR replace(name, ?1, '') <> name OR "
      "credit_code LIKE ?2 ESCAPE '\\'";
  sql::Statement count(store.db(), "SELECT COUNT(*)" + where);
  count.Bind(1, query);
  count.Bind(2, code_escaped + "%");
  count.Step();
  OrganisationSearch out;
  out.total = count.Column(0).Int64();
  sql::Statement q(store.db(), "SELECT id, name, credit_code, kind, region, created_at" + where +
                                      " ORDER BY id LIMIT ?3 OFFSET ?4");
  q.Bind(1, query);
  q.Bind(2, code_escaped + "%");
  q.Bind(3, limit);
  q.Bind(4, offset);
  while (q.Step()) out.items.push_back(OrganisationRow(q));
  return out;
}

}  // namespace agritrace
