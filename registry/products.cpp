#include "agritrace/registry/products.h"

#include "agritrace/registry/dates.h"
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

// The product a write leaves: `p` as product `id`, with `gtin` normalised (empty: none).
SavedProduct Saved(int64_t id, const ProductInput& p, const std::string& gtin,
                   const std::string& created_at, const std::string& actor) {
  Product out{id, p.org_id, p.name, p.category, p.net_content_g, std::nullopt, created_at};
  if (!gtin.empty()) out.gtin = gtin;
  return SavedProduct{std::move(out), actor};
}

void BindGtin(sql::Statement& q, int i, const std::string& gtin) {
  if (gtin.empty())
    q.Bind(i);
  else
    q.Bind(i, gtin);
}

}  // namespace

void to_json(Json& j, const Product& p) {
  j = Json{{"id", p.id},
           {"org_id", p.org_id},
           {"name", p.name},
           {"category", p.category},
           {"net_content_g", p.net_content_g},
           {"created_at", p.created_at}};
  if (p.gtin) j["gtin"] = *p.gtin;
}

void to_json(Json& j, const SavedProduct& p) {
  j = p.product;
  if (!p.actor.empty()) j["actor"] = p.actor;
}

void to_json(Json& j, const LinkedBrand& b) { j = Json{{"id", b.id}, {"name", b.name}}; }

void to_json(Json& j, const ListedProduct& p) {
  j = p.product;
  j["brands"] = p.brands;
}

Result<SavedProduct> AddProduct(Store& store, const ProductInput& p, const std::string& actor) {
  auto gtin = CheckFields(p);
  if (!gtin.ok()) return gtin.status();
  SavedProduct out;
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
    out = Saved(store.db().LastInsertId(), p, *gtin, now, actor);
    return LogEvent(store, "product.added", Json(out));
  });
  if (!s.ok()) return s;
  return out;
}

Result<SavedProduct> UpdateProduct(Store& store, int64_t id, const ProductInput& p,
                                   const std::string& actor) {
  auto gtin = CheckFields(p);
  if (!gtin.ok()) return gtin.status();
  SavedProduct out;
  Status s = store.Transact([&]() -> Status {
    auto before = GetProduct(store, id);
    if (!before.ok()) return before.status();
    if (before->org_id != p.org_id)
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
    out = Saved(id, p, *gtin, before->created_at, actor);
    return LogEvent(store, "product.updated", Json(out));
  });
  if (!s.ok()) return s;
  return out;
}

Result<Product> GetProduct(Store& store, int64_t id) {
  sql::Statement q(store.db(),
                   "SELECT org_id, name, category, net_content_g, gtin, created_at "
                   "FROM products WHERE id = ?");
  q.Bind(1, id);
  if (!q.Step()) return ProductNotFound(id);
  Product out{id,
              q.Column(0).Int64(),
              q.Column(1).String(),
              q.Column(2).String(),
              q.Column(3).Int64(),
              std::nullopt,
              q.Column(5).String()};
  if (!q.Column(4).IsNull()) out.gtin = q.Column(4).String();
  return out;
}

std::vector<ListedProduct> ListOrganisationProducts(Store& store, int64_t org_id) {
  std::vector<ListedProduct> out;
  sql::Statement q(store.db(), "SELECT id FROM products WHERE org_id = ? ORDER BY id");
  q.Bind(1, org_id);
  sql::Statement brands(store.db(),
                        "SELECT b.id, b.name FROM brand_products bp JOIN brands b "
                        "ON b.id = bp.brand_id WHERE bp.product_id = ? ORDER BY b.id");
  while (q.Step()) {
    const int64_t id = q.Column(0).Int64();
    auto p = GetProduct(store, id);
    if (!p.ok()) continue;
    ListedProduct listed{std::move(*p), {}};
    brands.Reset();
    brands.Bind(1, id);
    while (brands.Step())
      listed.brands.push_back(LinkedBrand{brands.Column(0).Int64(), brands.Column(1).String()});
    out.push_back(std::move(listed));
  }
  return out;
}

}  // namespace agritrace
