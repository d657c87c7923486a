#include "registry/certifications.h"

#include "registry/cert_number.h"
#include "registry/dates.h"
#include "registry/record_checks.h"

namespace agritrace {
namespace {

Status CertNotFound(const std::string& number) {
  return Status::NotFound("找不到证书 " + number + "；用 agritrace cert list 查看已登记的证书",
                          "no certificate " + number + "; see agritrace cert list")
      .with_reason("cert-unknown");
}

Json ReadCert(Store& store, sql::Statement& q) {
  int64_t id = q.Column(0).Int64();
  Json c = {{"id", id}, {"type", q.Column(1).String()},
            {"number", q.Column(2).String()}, {"issuer", q.Column(3).String()},
            {"holder", q.Column(4).Int64()}, {"valid_from", q.Column(5).String()},
            {"status", q.Column(8).String()}, {"created_at", q.Column(10).String()}};
  if (!q.Column(6).IsNull()) c["valid_to"] = q.Column(6).String();
  if (!q.Column(7).IsNull()) c["annual_output_kg"] = q.Column(7).Int64();
  if (!q.Column(9).IsNull()) c["status_reason"] = q.Column(9).String();
  Json products = Json::array(), area = Json::array();
  sql::Statement p(store.db(), "SELECT product_id FROM cert_products WHERE cert_id = ? ORDER BY 1");
  p.Bind(1, id);
  while (p.Step()) products.push_back(p.Column(0).Int64());
  sql::Statement a(store.db(), "SELECT region FROM cert_areas WHERE cert_id = ? ORDER BY 1");
  a.Bind(1, id);
  while (a.Step()) area.push_back(a.Column(0).String());
  c["products"] = products;
  if (!area.empty()) c["area"] = area;
  return c;
}

constexpr const char* kSelect =
    "SELECT id, type, number, issuer, holder_org_id, valid_from, valid_to, annual_output_kg, "
    "status, status_reason, created_at FROM certifications ";
}  // namespace

Result<Json> AddCertification(Store& store, const CertificationInput& in,
                              const std::string& actor) {
  const CertType* type = FindCertType(in.type);
  if (!type)
    return Status::Invalid("认证类型应为 green-food（绿色食品）、organic（有机产品）、geographic-indication"
                           "（地理标志）、pollution-free（无公害）或 sc-license（SC 许可）：" + in.type,
                           "type must be green-food, organic, geographic-indication, pollution-free "
                           "or sc-license: " + in.type);
  if (Status s = ValidateCertNumber(*type, in.number); !s.ok()) return s;
  if (in.issuer.empty()) return Status::Invalid("请填写发证机构（--issuer）", "give the issuing body (--issuer)");
  if (in.products.empty())
    return Status::Invalid("证书至少要覆盖一个产品（--product）", "a certificate covers at least one product (--product)");
  auto from = ParseDate(in.valid_from, "有效期起始日", "valid-from");
  if (!from.ok()) return from.status();
  std::string to;
  if (!in.valid_to.empty()) {
    auto t = ParseDate(in.valid_to, "有效期截止日", "valid-to");
    if (!t.ok()) return t.status();
    to = *t;
    if (to <= *from)
      return Status::Invalid("有效期截止日 " + to + " 必须晚于起始日 " + *from,
                             "valid-to " + to + " must be after valid-from " + *from)
          .with_reason("validity-order");
  } else if (type->validity_years > 0) {
    to = ValidityEnd(*from, type->validity_years);
  } else if (type->validity_years < 0) {
    return Status::Invalid(std::string(type->name_zh) + "证书请按发证时的有效期填写 --valid-to",
                           std::string(type->name_en) + " certificates need --valid-to as issued");
  }
  bool gi = type->key == "geographic-indication";
  if (gi && in.area.empty())
    return Status::Invalid("地理标志证书需要保护区域（--area 行政区划代码，可多个）",
                           "a geographic indication needs its protected area (--area REGION...)");
  if (!gi && !in.area.empty())
    return Status::Invalid("只有地理标志证书有保护区域（--area）",
                           "only geographic indications have a protected area (--area)");
  if (in.annual_output_kg == 0 || in.annual_output_kg < -1)
    return Status::Invalid("年核定产量（公斤）应为正整数", "certified annual output (kg) must be positive");

  Json out;
  Status s = store.Transact([&]() -> Status {
    if (Status r = RequireOrganisation(store, in.holder); !r.ok()) return r;
    sql::Statement dup(store.db(), "SELECT 1 FROM certifications WHERE number = ?");
    dup.Bind(1, in.number);
    if (dup.Step())
      return Status::Conflict("证书 " + in.number + " 已登记", "certificate " + in.number + " exists");
    for (int64_t p : in.products) {
      if (Status r = RequireProduct(store, p); !r.ok()) return r;
      sql::Statement own(store.db(), "SELECT org_id FROM products WHERE id = ?");
      own.Bind(1, p);
      own.Step();
      if (own.Column(0).Int64() != in.holder)
        return Status::Invalid("产品 " + std::to_string(p) + " 不属于持证主体 " + std::to_string(in.holder),
                               "product " + std::to_string(p) + " does not belong to holder " +
                                   std::to_string(in.holder))
            .with_reason("cert-product-owner");
    }
    for (const auto& r : in.area)
      if (Status st = RequireRegion(store, r); !st.ok()) return st;
    std::string now = NowUtc();
    sql::Statement ins(store.db(),
                       "INSERT INTO certifications(type, number, issuer, holder_org_id, valid_from, "
                       "valid_to, annual_output_kg, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.Bind(1, in.type);
    ins.Bind(2, in.number);
    ins.Bind(3, in.issuer);
    ins.Bind(4, in.holder);
    ins.Bind(5, *from);
    if (to.empty()) ins.Bind(6); else ins.Bind(6, to);
    if (in.annual_output_kg < 0) ins.Bind(7); else ins.Bind(7, in.annual_output_kg);
    ins.Bind(8, now);
    ins.Exec();
    int64_t id = store.db().LastInsertId();
    sql::Statement lp(store.db(), "INSERT INTO cert_products VALUES (?, ?) ON CONFLICT DO NOTHING");
    for (int64_t p : in.products) {
      lp.Reset();
      lp.Bind(1, id);
      lp.Bind(2, p);
      lp.Exec();
    }
    sql::Statement la(store.db(), "INSERT INTO cert_areas VALUES (?, ?) ON CONFLICT DO NOTHING");
    for (const auto& r : in.area) {
      la.Reset();
      la.Bind(1, id);
      la.Bind(2, r);
      la.Exec();
    }
    sql::Statement q(store.db(), std::string(kSelect) + "WHERE id = ?");
    q.Bind(1, id);
    q.Step();
    out = ReadCert(store, q);
    Json event = out;
    event["actor"] = actor;
    return LogEvent(store, "certification.added", event);
  });
  if (!s.ok()) return s;
  return out;
}

Result<Json> ChangeCertificationStatus(Store& store, const std::string& number,
                                       const std::string& action, const std::string& reason,
                                       const std::string& actor) {
  std::string target = action == "suspend" ? "suspended" : action == "revoke" ? "revoked" : "active";
  if (reason.empty())
    return Status::Invalid("请用 --reason 写明原因，稽查时要看", "give a --reason; auditors read it");
  Json out;
  Status s = store.Transact([&]() -> Status {
    sql::Statement q(store.db(), std::string(kSelect) + "WHERE number = ?");
    q.Bind(1, number);
    if (!q.Step()) return CertNotFound(number);
    Json cert = ReadCert(store, q);
    std::string current = cert["status"];
    if (current == "revoked")
      return Status::Conflict("证书 " + number + " 已撤销，不能再更改；如需继续使用请登记新证书",
                              "certificate " + number + " is revoked and cannot change; register a new one")
          .with_reason("cert-revoked");
    if (current == target)
      return Status::Conflict("证书 " + number + " 已经是 " + target + " 状态",
                              "certificate " + number + " is already " + target);
    sql::Statement up(store.db(),
                      "UPDATE certifications SET status = ?, status_reason = ? WHERE number = ?");
    up.Bind(1, target);
    up.Bind(2, reason);
    up.Bind(3, number);
    up.Exec();
    cert["status"] = target;
    cert["status_reason"] = reason;
    out = cert;
    return LogEvent(store, "certification." + target,
                    {{"number", number},
                     {"from", current},
                     {"to", target},
                     {"reason", reason},
                     {"actor", actor}});
  });
  if (!s.ok()) return s;
  return out;
}

Result<Json> GetCertification(Store& store, const std::string& number) {
  sql::Statement q(store.db(), std::string(kSelect) + "WHERE number = ?");
  q.Bind(1, number);
  if (!q.Step()) return CertNotFound(number);
  Json c = ReadCert(store, q);
  AddValidityToday(c);
  Json lots = Json::array();
  sql::Statement l(store.db(),
                   "SELECT l.code, l.packed, l.units, l.units * l.net_content_g FROM lots l "
                   "JOIN lot_certs lc ON lc.lot_id = l.id WHERE lc.cert_id = ? ORDER BY l.id");
  l.Bind(1, c["id"].get<int64_t>());
  while (l.Step())
    lots.push_back({{"code", l.Column(0).String()}, {"packed", l.Column(1).String()},
                    {"units", l.Column(2).Int64()}, {"total_g", l.Column(3).Int64()}});
  c["lots"] = lots;
  return c;
}

Json ListCertifications(Store& store) {
  Json out = Json::array();
  sql::Statement q(store.db(), std::string(kSelect) + "ORDER BY id");
  while (q.Step()) {
    Json c = ReadCert(store, q);
    AddValidityToday(c);
    out.push_back(c);
  }
  return out;
}

Result<Json> ListCertificationLots(Store& store, const std::string& number) {
  sql::Statement c(store.db(), "SELECT id, status FROM certifications WHERE number = ?");
  c.Bind(1, number);
  if (!c.Step()) return CertNotFound(number);
  Json lots = Json::array();
  sql::Statement l(store.db(),
                   "SELECT l.code, l.product_id, p.name, l.org_id, l.origin, l.harvested, "
                   "l.packed, l.units, l.units * l.net_content_g, l.issued_at, "
                   "EXISTS (SELECT 1 FROM trace_events t WHERE t.lot_id = l.id AND "
                   "t.step = 'recall') FROM lots l JOIN lot_certs lc ON lc.lot_id = l.id "
                   "JOIN products p ON p.id = l.product_id WHERE lc.cert_id = ? ORDER BY l.id");
  l.Bind(1, c.Column(0).Int64());
  while (l.Step())
    lots.push_back({{"code", l.Column(0).String()},
                    {"product_id", l.Column(1).Int64()},
                    {"product", l.Column(2).String()},
                    {"org_id", l.Column(3).Int64()},
                    {"origin", l.Column(4).String()},
                    {"harvested", l.Column(5).String()},
                    {"packed", l.Column(6).String()},
                    {"units", l.Column(7).Int64()},
                    {"total_g", l.Column(8).Int64()},
                    {"issued_at", l.Column(9).String()},
                    {"recalled", l.Column(10).Int() != 0}});
  return Json{{"number", number}, {"status", c.Column(1).String()}, {"lots", lots}};
}

void AddValidityToday(Json& cert) {
  std::string today = TodayShanghai();
  if (cert.contains("valid_to")) {
    long days = DaysBetween(today, cert["valid_to"].get<std::string>());
    cert["days_to_expiry"] = days;
    cert["expired"] = days < 0;
  } else {
    cert["expired"] = false;
  }
}

}  // namespace agritrace
