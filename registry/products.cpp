#include "registry/products.h"

#include "registry/dates.h"
#include "registry/gtin.h"
#include "registry/record_checks.h"

namespace agritrace {
namespace {

// The rules of a product's fields, for adding and changing alike; the GTIN comes back as GTIN-14.
Result<std::string> CheckFields(const ProductInput& p) {
  if (p.name.empty() || p.category.empty())
    return Status::Invalid("产品名称和品类不能为空", "a product needs a name and a category")
        .with_reason("product-name");
  if (p.net_content_g <= 0 || p.net_content_g > 1000000000)
    return Status::Invalid("净含量（克）应为正整数：" + std::to_string(p.net_content_g),
                           "net content (grams) must be a positive whole number: " +
                               std::to_string(p.net_content_g))
        .with_reason("product-net-content");
  if (p.gtin.empty()) return std::string();
  auto g = NormalizeGtin(p.gtin);
  if (!g.ok()) return g.status();
  return *g;
}

Json ProductJson(int64_t id, const ProductInput& p, const std::string& gtin,
                 const std::string& created_at) {
  Json out = {{"id", id},
              {"org_id", p.org_id},
              {"name", p.name},
              {"category", p.category},
              {"net_content_g", p.net_content_g},
              {"created_at", created_at}};
  if (!gtin.empty()) out["gtin"] = gtin;
  return out;
}

void BindGtin(sql::Statement& q, int i, const std::string& gtin) {
  if (gtin.empty())
    q.Bind(i);
  else
    q.Bind(i, gtin);
}

}  // namespace

Result<Json> AddProduct(Store& store, const ProductInput& p, const std::string& actor) {
  auto gtin = CheckFields(p);
  if (!gtin.ok()) return gtin.status();
  Json out;
  Status s = store.Transact([&]() -> Status {
    if (Status r = RequireOrganisation(store, p.org_id); !r.ok()) return r;
    std::string now = NowUtc();
    sql::Statement ins(store.db(),
                       "INSERT INTO products(org_id, name, category, net_content_g, gtin, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?)");
    ins.Bind(1, p.org_id);
    ins.Bind(2, p.name);
    ins.Bind(3, p.category);
    ins.Bind(4, p.net_content_g);
    BindGtin(ins, 5, *gtin);
    ins.Bind(6, now);
    ins.Exec();
    out = ProductJson(store.db().LastInsertId(), p, *gtin, now);
    if (!actor.empty()) out["actor"] = actor;
    return LogEvent(store, "product.added", out);
  });
  if (!s.ok()) return s;
  return out;
}

Result<Json> UpdateProduct(Store& store, int64_t id, const ProductInput& p,
                           const std::string& actor) {
  auto gtin = CheckFields(p);
  if (!gtin.ok()) return gtin.status();
  Json out;
  Status s = store.Transact([&]() -> Status {
    auto before = GetProduct(store, id);
    if (!before.ok()) return before.status();
    if ((*before)["org_id"].get<int64_t>() != p.org_id)
      return Status::Forbidden("产品 " + std::to_string(id) + " 属于另一个主体，不能修改",
                               "product " + std::to_string(id) +
                                   " belongs to another organisation; it cannot be changed here")
          .with_reason("product-org");
    sql::Statement up(store.db(),
                      "UPDATE products SET name = ?, category = ?, net_content_g = ?, "
                      "gtin = ? WHERE id = ?");
    up.Bind(1, p.name);
    up.Bind(2, p.category);
    up.Bind(3, p.net_content_g);
    BindGtin(up, 4, *gtin);
    up.Bind(5, id);
    up.Exec();
    out = ProductJson(id, p, *gtin, (*before)["created_at"].get<std::string>());
    if (!actor.empty()) out["actor"] = actor;
    return LogEvent(store, "product.updated", out);
  });
  if (!s.ok()) return s;
  return out;
}

Result<Json> GetProduct(Store& store, int64_t id) {
  sql::Statement q(store.db(),
                   "SELECT org_id, name, category, net_content_g, gtin, created_at "
                   "FROM products WHERE id = ?");
  q.Bind(1, id);
  if (!q.Step()) return ProductNotFound(id);
  Json out = {{"id", id},
              {"org_id", q.Column(0).Int64()},
              {"name", q.Column(1).String()},
              {"category", q.Column(2).String()},
              {"net_content_g", q.Column(3).Int64()},
              {"created_at", q.Column(5).String()}};
  if (!q.Column(4).IsNull()) out["gtin"] = q.Column(4).String();
  return out;
}

Json ListOrganisationProducts(Store& store, int64_t org_id) {
  Json out = Json::array();
  sql::Statement q(store.db(), "SELECT id FROM products WHERE org_id = ? ORDER BY id");
  q.Bind(1, org_id);
  sql::Statement brands(store.db(),
                        "SELECT b.id, b.name FROM brand_products bp JOIN brands b "
                        "ON b.id = bp.brand_id WHERE bp.product_id = ? ORDER BY b.id");
  while (q.Step()) {
    const int64_t id = q.Column(0).Int64();
    auto p = GetProduct(store, id);
    if (!p.ok()) continue;
    Json linked = Json::array();
    brands.Reset();
    brands.Bind(1, id);
    while (brands.Step())
      linked.push_back(
          {{"id", brands.Column(0).Int64()}, {"name", brands.Column(1).String()}});
    (*p)["brands"] = linked;
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace agritrace
