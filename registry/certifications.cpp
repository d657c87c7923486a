#include "agritrace/registry/certifications.h"

#include "agritrace/registry/cert_number.h"
#include "agritrace/registry/dates.h"
#include "registry/record_checks.h"

namespace agritrace {
namespace {

Status CertNotFound(const std::string& number) {
  return Status::NotFound("找不到证书 " + number + "；用 agritrace cert list 查看已登记的证书",
                          "no certificate " + number + "; see agritrace cert list")
      .with_reason("cert-unknown");
}

Certification ReadCert(Store& store, sql::Statement& q) {
  Certification c;
  c.id = q.Column(0).Int64();
  c.type = q.Column(1).String();
  c.number = q.Column(2).String();
  c.issuer = q.Column(3).String();
  c.holder = q.Column(4).Int64();
  c.valid_from = q.Column(5).String();
  if (!q.Column(6).IsNull()) c.valid_to = q.Column(6).String();
  if (!q.Column(7).IsNull()) c.annual_output_kg = q.Column(7).Int64();
  c.status = q.Column(8).String();
  if (!q.Column(9).IsNull()) c.status_reason = q.Column(9).String();
  c.created_at = q.Column(10).String();
  sql::Statement p(store.db(), "SELECT product_id FROM cert_products WHERE cert_id = ? ORDER BY 1");
  p.Bind(1, c.id);
  while (p.Step()) c.products.push_back(p.Column(0).Int64());
  sql::Statement a(store.db(), "SELECT region FROM cert_areas WHERE cert_id = ? ORDER BY 1");
  a.Bind(1, c.id);
  while (a.Step()) c.area.push_back(a.Column(0).String());
  return c;
}

constexpr const char* kSelect =
    "SELECT id, type, number, issuer, holder_org_id, valid_from, valid_to, annual_output_kg, "
    "status, status_reason, created_at FROM certifications ";
}  // namespace

void to_json(Json& j, const CertificationLotBrief& l) {
  j = {{"code", l.code}, {"packed", l.packed}, {"units", l.units}, {"total_g", l.total_g}};
}

void to_json(Json& j, const Certification& c) {
  j = {{"id", c.id},
       {"type", c.type},
       {"number", c.number},
       {"issuer", c.issuer},
       {"holder", c.holder},
       {"valid_from", c.valid_from},
       {"status", c.status},
       {"created_at", c.created_at},
       {"products", c.products}};
  if (c.valid_to) j["valid_to"] = *c.valid_to;
  if (c.annual_output_kg) j["annual_output_kg"] = *c.annual_output_kg;
  if (c.status_reason) j["status_reason"] = *c.status_reason;
  if (!c.area.empty()) j["area"] = c.area;
  if (c.expired) j["expired"] = *c.expired;
  if (c.days_to_expiry) j["days_to_expiry"] = *c.days_to_expiry;
  if (c.lots) j["lots"] = *c.lots;
}

void to_json(Json& j, const CertificationLot& l) {
  j = {{"code", l.code},           {"product_id", l.product_id}, {"product", l.product},
       {"org_id", l.org_id},       {"origin", l.origin},         {"harvested", l.harvested},
       {"packed", l.packed},       {"units", l.units},           {"total_g", l.total_g},
       {"issued_at", l.issued_at}, {"recalled", l.recalled}};
}

void to_json(Json& j, const CertificationLotList& l) {
  j = {{"number", l.number}, {"status", l.status}, {"lots", l.lots}};
}

Result<Certification> AddCertification(Store& store, const CertificationInput& in,
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

  Certification out;
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
    Json event = out;  // the record as AddCertification returns it, and who added it
    event["actor"] = actor;
    return LogEvent(store, "certification.added", event);
  });
  if (!s.ok()) return s;
  return out;
}

Result<Certification> ChangeCertificationStatus(Store& store, const std::string& number,
                                                const std::string& action,
                                                const std::string& reason,
                                                const std::string& actor) {
  std::string target = action == "suspend" ? "suspended" : action == "revoke" ? "revoked" : "active";
  if (reason.empty())
    return Status::Invalid("请用 --reason 写明原因，稽查时要看", "give a --reason; auditors read it");
  Certification out;
  Status s = store.Transact([&]() -> Status {
    sql::Statement q(store.db(), std::string(kSelect) + "WHERE number = ?");
    q.Bind(1, number);
    if (!q.Step()) return CertNotFound(number);
    Certification cert = ReadCert(store, q);
    const std::string current = cert.status;
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
    cert.status = target;
    cert.status_reason = reason;
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

Result<Certification> GetCertification(Store& store, const std::string& number) {
  sql::Statement q(store.db(), std::string(kSelect) + "WHERE number = ?");
  q.Bind(1, number);
  if (!q.Step()) return CertNotFound(number);
  Certification c = ReadCert(store, q);
  AddValidityToday(c);
  sql::Statement l(store.db(),
                   "SELECT l.code, l.packed, l.units, l.units * l.net_content_g FROM lots l "
                   "JOIN lot_certs lc ON lc.lot_id = l.id WHERE lc.cert_id = ? ORDER BY l.id");
  l.Bind(1, c.id);
  c.lots.emplace();
  while (l.Step())
    c.lots->push_back({l.Column(0).String(), l.Column(1).String(), l.Column(2).Int64(),
                       l.Column(3).Int64()});
  return c;
}

std::vector<Certification> ListCertifications(Store& store) {
  std::vector<Certification> out;
  sql::Statement q(store.db(), std::string(kSelect) + "ORDER BY id");
  while (q.Step()) {
    out.push_back(ReadCert(store, q));
    AddValidityToday(out.back());
  }
  return out;
}

Result<CertificationLotList> ListCertificationLots(Store& store, const std::string& number) {
  sql::Statement c(store.db(), "SELECT id, status FROM certifications WHERE number = ?");
  c.Bind(1, number);
  if (!c.Step()) return CertNotFound(number);
  CertificationLotList out{number, c.Column(1).String(), {}};
  sql::Statement l(store.db(),
                   "SELECT l.code, l.product_id, p.name, l.org_id, l.origin, l.harvested, "
                   "l.packed, l.units, l.units * l.net_content_g, l.issued_at, "
                   "EXISTS (SELECT 1 FROM trace_events t WHERE t.lot_id = l.id AND "
                   "t.step = 'recall') FROM lots l JOIN lot_certs lc ON lc.lot_id = l.id "
                   "JOIN products p ON p.id = l.product_id WHERE lc.cert_id = ? ORDER BY l.id");
  l.Bind(1, c.Column(0).Int64());
  while (l.Step()) {
    CertificationLot lot;
    lot.code = l.Column(0).String();
    lot.product_id = l.Column(1).Int64();
    lot.product = l.Column(2).String();
    lot.org_id = l.Column(3).Int64();
    lot.origin = l.Column(4).String();
    lot.harvested = l.Column(5).String();
    lot.packed = l.Column(6).String();
    lot.units = l.Column(7).Int64();
    lot.total_g = l.Column(8).Int64();
    lot.issued_at = l.Column(9).String();
    lot.recalled = l.Column(10).Int() != 0;
    out.lots.push_back(std::move(lot));
  }
  return out;
}

void AddValidityToday(Certification& cert) {
  if (cert.valid_to) {
    const long days = DaysBetween(TodayShanghai(), *cert.valid_to);
    cert.days_to_expiry = days;
    cert.expired = days < 0;
  } else {
    cert.days_to_expiry.reset();
    cert.expired = false;
  }
}

}  // namespace agritrace
