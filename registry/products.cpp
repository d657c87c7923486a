#include "registry/products.h"

#include "registry/dates.h"
#include "registry/gtin.h"
#include "registry/record_checks.h"

namespace agritrace {

Result<Json> AddProduct(Store& store, const ProductInput& p) {
  if (p.name.empty() || p.category.empty())
    return Status::Invalid("产品名称和品类不能为空", "a product needs a name and a category");
  if (p.net_content_g <= 0 || p.net_content_g > 1000000000)
    return Status::Invalid("净含量（克）应为正整数：" + std::to_string(p.net_content_g),
                           "net content (grams) must be a positive whole number: " +
                               std::to_string(p.net_content_g));
  std::string gtin;
  if (!p.gtin.empty()) {
    auto g = NormalizeGtin(p.gtin);
    if (!g.ok()) return g.status();
    gtin = *g;
  }
  Json out;
  Status s = store.Transact([&]() -> Status {
    if (Status r = RequireOrganisation(store, p.org_id); !r.ok()) return r;
    std::string now = NowUtc();
    SQLite::Statement ins(store.db(),
                          "INSERT INTO products(org_id, name, category, net_content_g, gtin, "
                          "created_at) VALUES (?, ?, ?, ?, ?, ?)");
    ins.bind(1, p.org_id);
    ins.bind(2, p.name);
    ins.bind(3, p.category);
    ins.bind(4, p.net_content_g);
    if (gtin.empty()) ins.bind(5); else ins.bind(5, gtin);
    ins.bind(6, now);
    ins.exec();
    out = {{"id", store.db().getLastInsertRowid()}, {"org_id", p.org_id}, {"name", p.name},
           {"category", p.category}, {"net_content_g", p.net_content_g}, {"created_at", now}};
    if (!gtin.empty()) out["gtin"] = gtin;
    return LogEvent(store, "product.added", out);
  });
  if (!s.ok()) return s;
  return out;
}

Result<Json> GetProduct(Store& store, int64_t id) {
  SQLite::Statement q(store.db(),
                      "SELECT org_id, name, category, net_content_g, gtin, created_at "
                      "FROM products WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return ProductNotFound(id);
  Json out = {{"id", id}, {"org_id", q.getColumn(0).getInt64()},
              {"name", q.getColumn(1).getString()}, {"category", q.getColumn(2).getString()},
              {"net_content_g", q.getColumn(3).getInt64()},
              {"created_at", q.getColumn(5).getString()}};
  if (!q.getColumn(4).isNull()) out["gtin"] = q.getColumn(4).getString();
  return out;
}

}  // namespace agritrace
