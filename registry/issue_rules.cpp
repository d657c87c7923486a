#include "agritrace/registry/issue_rules.h"

#include <algorithm>
#include <cstdio>
#include <regex>

#include "agritrace/registry/brands.h"
#include "agritrace/registry/cert_number.h"
#include "agritrace/registry/checked_math.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/products.h"
#include "agritrace/registry/regions.h"
#include "registry/record_checks.h"

namespace agritrace {
namespace {

Status Refuse(const char* reason, const std::string& zh, const std::string& en) {
  return Status::Invalid(zh, en).with_reason(reason);
}

Status CheckDates(const LotInput& lot, std::string* harvested, std::string* packed) {
  auto h = ParseDate(lot.harvested, "采收日期", "harvest date");
  if (!h.ok()) return h.status();
  auto p = ParseDate(lot.packed, "包装日期", "packing date");
  if (!p.ok()) return p.status();
  if (*h > *p)
    return Refuse("date-order", "采收日期 " + *h + " 晚于包装日期 " + *p + "，请核对",
                  "harvest date " + *h + " is after packing date " + *p + "; check the dates");
  std::string today = TodayShanghai();
  if (*p > today)
    return Refuse("date-future", "包装日期 " + *p + " 在今天（" + today + "）之后，不能预先发放",
                  "packing date " + *p + " is after today (" + today + "); lots cannot be issued ahead");
  *harvested = *h;
  *packed = *p;
  return Status::Ok();
}

// A household id is a pseudonym chosen by the cooperative. Anything shaped like a resident
// identity number (18 characters, 17 digits and a digit or X) is refused: none may be stored.
Status CheckHouseholds(const std::vector<Household>& hs) {
  static const std::regex kIdNumber(R"(\d{17}[\dXx])");
  // The sum is shown on the consumer page and summed again by the poverty report: keep it far
  // from int64's end (10^12 g, a million tonnes a lot).
  constexpr int64_t kMaxHouseholdGrams = 1000000000000;
  int64_t total_g = 0;
  for (const auto& h : hs) {
    if (h.id.empty() || h.id.size() > 64)
      return Refuse("household-id", "农户编号不能为空且不超过 64 个字符", "household ids are 1 to 64 characters");
    if (std::regex_search(h.id, kIdNumber))
      return Refuse("household-personal-id",
                    "农户编号 " + h.id.substr(0, 4) + "… 像是身份证号；请改用合作社内部编号（如 H-0001），不得登记身份证号",
                    "household id " + h.id.substr(0, 4) + "… looks like an identity number; use the cooperative's own pseudonym (e.g. H-0001)");
    if (h.grams <= 0)
      return Refuse("household-mass", "农户 " + h.id + " 的交售重量应大于 0", "household " + h.id + " must contribute more than 0 kg");
    if (!SumWithin(total_g, h.grams, kMaxHouseholdGrams))
      return Refuse("household-mass", "农户交售重量合计不能超过 10 亿公斤（至农户 " + h.id + "）",
                    "households' contributions add up to more than 1,000,000,000 kg (at household " + h.id + ")");
    total_g += h.grams;
  }
  return Status::Ok();
}

Json CertRecord(sql::Statement& q) {
  Json c = {{"type", q.Column(1).String()}, {"number", q.Column(2).String()},
            {"issuer", q.Column(3).String()}, {"valid_from", q.Column(5).String()}};
  if (!q.Column(6).IsNull()) c["valid_to"] = q.Column(6).String();
  return c;
}

Status CheckCert(Store& store, const std::string& number, const LotInput& lot,
                 const std::string& packed, int64_t org_id, int64_t total_g, CheckedLot* out) {
  sql::Statement q(store.db(),
                   "SELECT id, type, number, issuer, holder_org_id, valid_from, valid_to, "
                   "annual_output_kg, status FROM certifications WHERE number = ?");
  q.Bind(1, number);
  if (!q.Step())
    return Status::NotFound("找不到证书 " + number + "；请核对编号，或先用 agritrace cert add 登记",
                            "no certificate " + number + "; check the number or register it with agritrace cert add")
        .with_reason("cert-unknown");
  int64_t id = q.Column(0).Int64();
  const CertType* type = FindCertType(q.Column(1).String());
  std::string name_zh = std::string(type ? type->name_zh : "") + "证书 " + number;
  std::string name_en = "certificate " + number;
  std::string status = q.Column(8).String();
  if (status == "revoked")
    return Refuse("cert-revoked", name_zh + " 已被撤销，不能再用于新批次", name_en + " is revoked and cannot cover new lots");
  if (status == "suspended")
    return Refuse("cert-suspended", name_zh + " 已暂停，恢复前不能用于新批次", name_en + " is suspended; no new lots until it is reinstated");
  if (q.Column(4).Int64() != org_id)
    return Refuse("cert-holder", name_zh + " 不属于本批次产品的生产主体，不能使用", name_en + " is not held by this lot's organisation");
  std::string from = q.Column(5).String();
  std::string to = q.Column(6).IsNull() ? "" : q.Column(6).String();
  if (packed < from || (!to.empty() && packed > to))
    return Refuse("cert-not-valid-on-packing-date",
                  name_zh + " 的有效期为 " + from + " 至 " + (to.empty() ? "长期" : to) + "，不覆盖包装日期 " + packed,
                  name_en + " is valid " + from + " to " + (to.empty() ? "open-ended" : to) + ", not on the packing date " + packed);
  sql::Statement cover(store.db(), "SELECT 1 FROM cert_products WHERE cert_id = ? AND product_id = ?");
  cover.Bind(1, id);
  cover.Bind(2, lot.product_id);
  if (!cover.Step())
    return Refuse("cert-product", name_zh + " 不覆盖产品 " + std::to_string(lot.product_id) + "；请向发证机构申请增加该产品",
                  name_en + " does not cover product " + std::to_string(lot.product_id));
  if (type && type->key == "geographic-indication") {
    bool inside = false;
    sql::Statement area(store.db(), "SELECT region FROM cert_areas WHERE cert_id = ?");
    area.Bind(1, id);
    while (!inside && area.Step()) inside = RegionContains(area.Column(0).String(), lot.origin);
    if (!inside)
      return Refuse("gi-outside-area", "产地 " + lot.origin + " 不在地理标志 " + number + " 的保护区域内",
                    "origin " + lot.origin + " is outside the protected area of " + number);
  }
  if (!q.Column(7).IsNull()) {
    // A limit too large for grams in int64 is no limit; the sum of accepted lots stays below it.
    int64_t limit_g = CheckedMul(q.Column(7).Int64(), 1000).value_or(INT64_MAX);
    sql::Statement used(store.db(),
                        "SELECT COALESCE(SUM(l.units * l.net_content_g), 0) FROM lots l "
                        "JOIN lot_certs lc ON lc.lot_id = l.id "
                        "WHERE lc.cert_id = ? AND substr(l.packed, 1, 4) = ?");
    used.Bind(1, id);
    used.Bind(2, packed.substr(0, 4));
    used.Step();
    int64_t already = used.Column(0).Int64();
    if (!SumWithin(already, total_g, limit_g)) {
      auto kg = [](int64_t g) {
        char buf[32];
        if (g % 1000) snprintf(buf, sizeof buf, "%lld.%03lld", (long long)(g / 1000), (long long)(g % 1000));
        else snprintf(buf, sizeof buf, "%lld", (long long)(g / 1000));
        return std::string(buf);
      };
      return Refuse("cert-output-exceeded",
                    name_zh + " 年核定产量 " + kg(limit_g) + " 公斤，" + packed.substr(0, 4) + " 年已发放 " + kg(already) +
                        " 公斤，本批 " + kg(total_g) + " 公斤将超出；请减少数量或核对证书",
                    name_en + " certifies " + kg(limit_g) + " kg a year; " + kg(already) + " kg already issued in " +
                        packed.substr(0, 4) + ", this lot's " + kg(total_g) + " kg would exceed it");
    }
  }
  out->cert_ids.push_back(id);
  out->certifications.push_back(CertRecord(q));
  return Status::Ok();
}
}  // namespace

Result<CheckedLot> CheckIssueRules(Store& store, const LotInput& lot) {
  CheckedLot out;
  auto product = GetProduct(store, lot.product_id);
  if (!product.ok()) return product.status();
  out.product = Json(*product);
  out.product.erase("created_at");
  out.product.erase("org_id");
  const int64_t org_id = product->org_id;
  auto org = GetOrganisation(store, org_id);
  if (!org.ok()) return org.status();
  out.producer = Json(*org);
  out.producer.erase("created_at");

  if (Status s = RequireRegion(store, lot.origin); !s.ok()) return s;
  sql::Statement region(store.db(), "SELECT name, poverty_registered FROM regions WHERE code = ?");
  region.Bind(1, lot.origin);
  region.Step();
  out.origin = {{"code", lot.origin}, {"name", region.Column(0).String()},
                {"full_name", RegionFullName(store, lot.origin)},
                {"poverty_registered", region.Column(1).Int() != 0}};

  std::string harvested, packed;
  if (Status s = CheckDates(lot, &harvested, &packed); !s.ok()) return s;
  out.harvested = harvested;
  out.packed = packed;
  if (lot.units <= 0 || lot.units > 100000000)
    return Refuse("units", "件数应为 1 到 1 亿之间的整数：" + std::to_string(lot.units),
                  "units must be between 1 and 100,000,000: " + std::to_string(lot.units));
  out.net_content_g = product->net_content_g;
  out.total_g = out.net_content_g * lot.units;
  if (Status s = CheckHouseholds(lot.households); !s.ok()) return s;
  for (const auto& i : lot.inspections)
    if (i.result == "fail")
      return Refuse("inspection-failed", "检测报告 " + i.report + "（" + i.agency + "）结论为不合格，该批次不能发放追溯码",
                    "inspection report " + i.report + " (" + i.agency + ") failed; the lot cannot be issued");

  for (size_t i = 0; i < lot.certs.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (lot.certs[i] == lot.certs[j])
        return Refuse("cert-repeated", "证书 " + lot.certs[i] + " 重复填写", "certificate " + lot.certs[i] + " is given twice");
  for (const auto& number : lot.certs)
    if (Status s = CheckCert(store, number, lot, packed, org_id, out.total_g, &out); !s.ok()) return s;

  if (lot.brand_id) {
    auto brand = GetBrand(store, lot.brand_id);
    if (!brand.ok()) return brand.status();
    const std::vector<int64_t>& products = brand->products;
    if (!products.empty() && std::find(products.begin(), products.end(), lot.product_id) == products.end())
      return Refuse("brand-product", "品牌 " + brand->name + " 不包含产品 " + std::to_string(lot.product_id),
                    "brand " + brand->name + " does not include product " + std::to_string(lot.product_id));
    out.brand = Json(*brand);
    out.brand.erase("products");
    out.brand.erase("recognised_by");
  }
  return out;
}

}  // namespace agritrace
