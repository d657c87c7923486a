#include "agritrace/registry/brands.h"

#include <algorithm>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/products.h"
#include "agritrace/registry/regions.h"
#include "registry/record_checks.h"

namespace agritrace {

void to_json(Json& j, const Brand& b) {
  j = Json{{"id", b.id},       {"name", b.name}, {"scheme", b.scheme},    {"region", b.region},
           {"level", b.level}, {"year", b.year}, {"products", b.products}};
  if (b.recognised_by) j["recognised_by"] = *b.recognised_by;
}

void to_json(Json& j, const AddedBrand& b) {
  j = b.brand;
  j["created_at"] = b.created_at;
}

void to_json(Json& j, const BrandProductLink& l) {
  j = Json{{"brand_id", l.brand_id}, {"product_id", l.product_id}};
  if (!l.actor.empty()) j["actor"] = l.actor;
}

Result<AddedBrand> AddBrand(Store& store, const BrandInput& b) {
  static const char* kSchemes[] = {"one-village-one-product", "one-township-one-product",
                                   "one-county-one-product", "regional-public"};
  static const char* kLevels[] = {"national", "provincial", "municipal", "county"};
  bool scheme_ok = false, level_ok = false;
  for (auto s : kSchemes) scheme_ok = scheme_ok || b.scheme == s;
  for (auto l : kLevels) level_ok = level_ok || b.level == l;
  if (!scheme_ok)
    return Status::Invalid("品牌类型应为 one-village-one-product（一村一品）、one-township-one-product（一乡一品）、"
                           "one-county-one-product（一县一品）或 regional-public（区域公用品牌）：" + b.scheme,
                           "scheme must be one-village-one-product, one-township-one-product, "
                           "one-county-one-product or regional-public: " + b.scheme);
  if (!level_ok)
    return Status::Invalid("认定级别应为 national、provincial、municipal 或 county：" + b.level,
                           "level must be national, provincial, municipal or county: " + b.level);
  int this_year = std::stoi(TodayShanghai().substr(0, 4));
  if (b.year < 1980 || b.year > this_year)
    return Status::Invalid("认定年份不合理：" + std::to_string(b.year),
                           "recognition year is out of range: " + std::to_string(b.year));
  if (b.name.empty()) return Status::Invalid("品牌名称不能为空", "the brand needs a name");
  AddedBrand out;
  Status s = store.Transact([&]() -> Status {
    if (Status r = RequireRegion(store, b.region); !r.ok()) return r;
    for (int64_t p : b.products)
      if (Status r = RequireProduct(store, p); !r.ok()) return r;
    std::string now = NowUtc();
    sql::Statement ins(store.db(),
                       "INSERT INTO brands(name, scheme, region, level, year, recognised_by, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    ins.Bind(1, b.name);
    ins.Bind(2, b.scheme);
    ins.Bind(3, b.region);
    ins.Bind(4, b.level);
    ins.Bind(5, b.year);
    if (b.recognised_by.empty()) ins.Bind(6); else ins.Bind(6, b.recognised_by);
    ins.Bind(7, now);
    ins.Exec();
    int64_t id = store.db().LastInsertId();
    sql::Statement link(store.db(), "INSERT INTO brand_products VALUES (?, ?) ON CONFLICT DO NOTHING");
    for (int64_t p : b.products) {
      link.Reset();
      link.Bind(1, id);
      link.Bind(2, p);
      link.Exec();
    }
    out.brand = Brand{id, b.name, b.scheme, b.region, b.level, b.year, std::nullopt, b.products};
    if (!b.recognised_by.empty()) out.brand.recognised_by = b.recognised_by;
    out.created_at = now;
    return LogEvent(store, "brand.added", Json(out));
  });
  if (!s.ok()) return s;
  return out;
}

Result<Brand> GetBrand(Store& store, int64_t id) {
  sql::Statement q(store.db(),
                   "SELECT name, scheme, region, level, year, recognised_by FROM brands "
                   "WHERE id = ?");
  q.Bind(1, id);
  if (!q.Step())
    return Status::NotFound("找不到编号为 " + std::to_string(id) + " 的品牌",
                            "no brand with id " + std::to_string(id))
        .with_reason("brand-unknown");
  Brand out{id,
            q.Column(0).String(),
            q.Column(1).String(),
            q.Column(2).String(),
            q.Column(3).String(),
            q.Column(4).Int(),
            std::nullopt,
            {}};
  if (!q.Column(5).IsNull()) out.recognised_by = q.Column(5).String();
  sql::Statement p(store.db(), "SELECT product_id FROM brand_products WHERE brand_id = ?");
  p.Bind(1, id);
  while (p.Step()) out.products.push_back(p.Column(0).Int64());
  return out;
}

namespace {
bool Nested(const std::string& a, const std::string& b) {
  return RegionContains(a, b) || RegionContains(b, a);
}
}  // namespace

std::vector<Brand> BrandsForOrganisation(Store& store, int64_t org_id) {
  std::vector<Brand> out;
  auto org = GetOrganisation(store, org_id);
  if (!org.ok()) return out;
  const std::string region = org->region;
  sql::Statement q(store.db(), "SELECT id, region FROM brands ORDER BY id");
  while (q.Step())
    if (Nested(q.Column(1).String(), region))
      if (auto b = GetBrand(store, q.Column(0).Int64()); b.ok()) out.push_back(std::move(*b));
  return out;
}

Result<BrandProductLink> LinkBrandProduct(Store& store, int64_t brand_id, int64_t product_id,
                                          const std::string& actor) {
  BrandProductLink out;
  Status s = store.Transact([&]() -> Status {
    auto brand = GetBrand(store, brand_id);
    if (!brand.ok()) return brand.status();
    auto product = GetProduct(store, product_id);
    if (!product.ok()) return product.status();
    auto org = GetOrganisation(store, product->org_id);
    if (!org.ok()) return org.status();
    const std::string& name = brand->name;
    const std::string& pname = product->name;
    const std::vector<int64_t>& listed = brand->products;
    if (listed.empty())
      return Status::Conflict("品牌 " + name + " 不限产品，任何产品的批次都可使用，无需关联",
                              "brand " + name + " is open to every product: lots of any product "
                              "may carry it, there is nothing to link")
          .with_reason("brand-open");
    if (std::find(listed.begin(), listed.end(), product_id) != listed.end())
      return Status::Conflict("产品 " + pname + " 已关联品牌 " + name,
                              "product " + pname + " is already linked to brand " + name)
          .with_reason("brand-linked");
    if (!Nested(brand->region, org->region))
      return Status::Forbidden("品牌 " + name + " 属于行政区划 " + brand->region +
                                   "，不在本主体所在地区，不能关联",
                               "brand " + name + " belongs to region " + brand->region +
                                   ", outside this organisation's area")
          .with_reason("brand-area");
    sql::Statement link(store.db(), "INSERT INTO brand_products VALUES (?, ?)");
    link.Bind(1, brand_id);
    link.Bind(2, product_id);
    link.Exec();
    out = BrandProductLink{brand_id, product_id, actor};
    return LogEvent(store, "brand.product-linked", Json(out));
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace agritrace
