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

Json ReadCert(Store& store, SQLite::Statement& q) {
  int64_t id = q.getColumn(0).getInt64();
  Json c = {{"id", id}, {"type", q.getColumn(1).getString()},
            {"number", q.getColumn(2).getString()}, {"issuer", q.getColumn(3).getString()},
            {"holder", q.getColumn(4).getInt64()}, {"valid_from", q.getColumn(5).getString()},
            {"status", q.getColumn(8).getString()}, {"created_at", q.getColumn(10).getString()}};
  if (!q.getColumn(6).isNull()) c["valid_to"] = q.getColumn(6).getString();
  if (!q.getColumn(7).isNull()) c["annual_output_kg"] = q.getColumn(7).getInt64();
  if (!q.getColumn(9).isNull()) c["status_reason"] = q.getColumn(9).getString();
  Json products = Json::array(), area = Json::array();
  SQLite::Statement p(store.db(), "SELECT product_id FROM cert_products WHERE cert_id = ? ORDER BY 1");
  p.bind(1, id);
  while (p.executeStep()) products.push_back(p.getColumn(0).getInt64());
  SQLite::Statement a(store.db(), "SELECT region FROM cert_areas WHERE cert_id = ? ORDER BY 1");
  a.bind(1, id);
  while (a.executeStep()) area.push_back(a.getColumn(0).getString());
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
    SQLite::Statement dup(store.db(), "SELECT 1 FROM certifications WHERE number = ?");
    dup.bind(1, in.number);
    if (dup.executeStep())
      return Status::Conflict("证书 " + in.number + " 已登记", "certificate " + in.number + " exists");
    for (int64_t p : in.products) {
      if (Status r = RequireProduct(store, p); !r.ok()) return r;
      SQLite::Statement own(store.db(), "SELECT org_id FROM products WHERE id = ?");
      own.bind(1, p);
      own.executeStep();
      if (own.getColumn(0).getInt64() != in.holder)
        return Status::Invalid("产品 " + std::to_string(p) + " 不属于持证主体 " + std::to_string(in.holder),
                               "product " + std::to_string(p) + " does not belong to holder " +
                                   std::to_string(in.holder))
            .with_reason("cert-product-owner");
    }
    for (const auto& r : in.area)
      if (Status st = RequireRegion(store, r); !st.ok()) return st;
    std::string now = NowUtc();
    SQLite::Statement ins(store.db(),
                          "INSERT INTO certifications(type, number, issuer, holder_org_id, valid_from, "
                          "valid_to, annual_output_kg, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, in.type);
    ins.bind(2, in.number);
    ins.bind(3, in.issuer);
    ins.bind(4, in.holder);
    ins.bind(5, *from);
    if (to.empty()) ins.bind(6); else ins.bind(6, to);
    if (in.annual_output_kg < 0) ins.bind(7); else ins.bind(7, in.annual_output_kg);
    ins.bind(8, now);
    ins.exec();
    int64_t id = store.db().getLastInsertRowid();
    SQLite::Statement lp(store.db(), "INSERT OR IGNORE INTO cert_products VALUES (?, ?)");
    for (int64_t p : in.products) {
      lp.reset();
      lp.bind(1, id);
      lp.bind(2, p);
      lp.exec();
    }
    SQLite::Statement la(store.db(), "INSERT OR IGNORE INTO cert_areas VALUES (?, ?)");
    for (const auto& r : in.area) {
      la.reset();
      la.bind(1, id);
      la.bind(2, r);
      la.exec();
    }
    SQLite::Statement q(store.db(), std::string(kSelect) + "WHERE id = ?");
    q.bind(1, id);
    q.executeStep();
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
    SQLite::Statement q(store.db(), std::string(kSelect) + "WHERE number = ?");
    q.bind(1, number);
    if (!q.executeStep()) return CertNotFound(number);
    Json cert = ReadCert(store, q);
    std::string current = cert["status"];
    if (current == "revoked")
      return Status::Conflict("证书 " + number + " 已撤销，不能再更改；如需继续使用请登记新证书",
                              "certificate " + number + " is revoked and cannot change; register a new one")
          .with_reason("cert-revoked");
    if (current == target)
      return Status::Conflict("证书 " + number + " 已经是 " + target + " 状态",
                              "certificate " + number + " is already " + target);
    SQLite::Statement up(store.db(),
                         "UPDATE certifications SET status = ?, status_reason = ? WHERE number = ?");
    up.bind(1, target);
    up.bind(2, reason);
    up.bind(3, number);
    up.exec();
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
  SQLite::Statement q(store.db(), std::string(kSelect) + "WHERE number = ?");
  q.bind(1, number);
  if (!q.executeStep()) return CertNotFound(number);
  Json c = ReadCert(store, q);
  AddValidityToday(c);
  Json lots = Json::array();
  SQLite::Statement l(store.db(),
                      "SELECT l.code, l.packed, l.units, l.units * l.net_content_g FROM lots l "
                      "JOIN lot_certs lc ON lc.lot_id = l.id WHERE lc.cert_id = ? ORDER BY l.id");
  l.bind(1, c["id"].get<int64_t>());
  while (l.executeStep())
    lots.push_back({{"code", l.getColumn(0).getString()}, {"packed", l.getColumn(1).getString()},
                    {"units", l.getColumn(2).getInt64()}, {"total_g", l.getColumn(3).getInt64()}});
  c["lots"] = lots;
  return c;
}

Json ListCertifications(Store& store) {
  Json out = Json::array();
  SQLite::Statement q(store.db(), std::string(kSelect) + "ORDER BY id");
  while (q.executeStep()) {
    Json c = ReadCert(store, q);
    AddValidityToday(c);
    out.push_back(c);
  }
  return out;
}

Result<Json> ListCertificationLots(Store& store, const std::string& number) {
  SQLite::Statement c(store.db(), "SELECT id, status FROM certifications WHERE number = ?");
  c.bind(1, number);
  if (!c.executeStep()) return CertNotFound(number);
  Json lots = Json::array();
  SQLite::Statement l(store.db(),
                      "SELECT l.code, l.product_id, p.name, l.org_id, l.origin, l.harvested, "
                      "l.packed, l.units, l.units * l.net_content_g, l.issued_at, "
                      "EXISTS (SELECT 1 FROM trace_events t WHERE t.lot_id = l.id AND "
                      "t.step = 'recall') FROM lots l JOIN lot_certs lc ON lc.lot_id = l.id "
                      "JOIN products p ON p.id = l.product_id WHERE lc.cert_id = ? ORDER BY l.id");
  l.bind(1, c.getColumn(0).getInt64());
  while (l.executeStep())
    lots.push_back({{"code", l.getColumn(0).getString()},
                    {"product_id", l.getColumn(1).getInt64()},
                    {"product", l.getColumn(2).getString()},
                    {"org_id", l.getColumn(3).getInt64()},
                    {"origin", l.getColumn(4).getString()},
                    {"harvested", l.getColumn(5).getString()},
                    {"packed", l.getColumn(6).getString()},
                    {"units", l.getColumn(7).getInt64()},
                    {"total_g", l.getColumn(8).getInt64()},
                    {"issued_at", l.getColumn(9).getString()},
                    {"recalled", l.getColumn(10).getInt() != 0}});
  return Json{{"number", number}, {"status", c.getColumn(1).getString()}, {"lots", lots}};
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
