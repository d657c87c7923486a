// Products changed and linked to brands by the services the console calls: checked as on
// adding, one event each naming the actor, refusals writing nothing.
#include "agritrace/registry/products.h"

#include <catch2/catch.hpp>

#include "agritrace/registry/brands.h"
#include "agritrace/registry/log_audit.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using testing::RegistryFixture;
using testing::Snapshot;

namespace {
std::string LastEvent(Store& store, const std::string& kind) {
  sql::Statement q(store.db(), "SELECT leaf FROM events WHERE kind = ? ORDER BY idx DESC");
  q.Bind(1, kind);
  return q.Step() ? q.Column(0).String() : "";
}
}  // namespace

TEST_CASE("a product changed: the row, its event with the actor, the audit agrees", "[products]") {
  RegistryFixture f;
  auto r = UpdateProduct(*f.store, f.coffee, {f.org, "白沙咖啡豆", "咖啡", 1000, "96385074"},
                         "user:wang.fang");
  REQUIRE(r.ok());
  auto p = GetProduct(*f.store, f.coffee);
  CHECK(p->name == "白沙咖啡豆");
  CHECK(p->net_content_g == 1000);
  CHECK(p->gtin == "00000096385074");  // GTIN-8 kept as GTIN-14
  CHECK(r->actor == "user:wang.fang");
  CHECK(Json(r->product) == Json(*p));
  const std::string ev = LastEvent(*f.store, "product.updated");
  CHECK(ev.find("\"actor\":\"user:wang.fang\"") != std::string::npos);
  CHECK(ev.find("白沙咖啡豆") != std::string::npos);
  auto audit = AuditTables(f.store->db(), 10);
  REQUIRE(audit.ok());
  CHECK(audit->mismatch_count == 0);

  // The change undone behind the log's back is named.
  f.store->db().Exec("UPDATE products SET name = '白沙咖啡' WHERE id = " +
                     std::to_string(f.coffee));
  audit = AuditTables(f.store->db(), 10);
  REQUIRE(audit.ok());
  REQUIRE(audit->mismatch_count == 1);
  const TableMismatch& m = audit->mismatches[0];
  CHECK(m.table == "products");
  CHECK(m.reason == "row-differs");
  CHECK(m.en.find("name") != std::string::npos);
}

TEST_CASE("a product change that breaks a rule writes nothing", "[products]") {
  RegistryFixture f;
  const std::string before = Snapshot(*f.store);
  auto gtin = UpdateProduct(*f.store, f.tea, {f.org, "白沙绿茶", "茶叶", 250, "6901234567893"});
  REQUIRE_FALSE(gtin.ok());
  CHECK(gtin.status().reason() == "gtin-check");
  auto net = UpdateProduct(*f.store, f.tea, {f.org, "白沙绿茶", "茶叶", 0, ""});
  CHECK(net.status().reason() == "product-net-content");
  auto name = UpdateProduct(*f.store, f.tea, {f.org, "", "茶叶", 250, ""});
  CHECK(name.status().reason() == "product-name");
  auto other = UpdateProduct(*f.store, f.other_product, {f.org, "芒果", "水果", 1000, ""});
  CHECK(other.status().code() == StatusCode::kForbidden);
  auto missing = UpdateProduct(*f.store, 999, {f.org, "x", "y", 1, ""});
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(Snapshot(*f.store) == before);
}

TEST_CASE("brands: the ones an organisation may use, and linking a product", "[products]") {
  RegistryFixture f;
  // A village brand of the cooperative's county, one of another county, one open to all.
  int64_t village =
      AddBrand(*f.store,
               {"南溪绿茶", "one-village-one-product", "469025100201", "county", "", 2020, {f.tea}})
          ->brand.id;
  int64_t far = AddBrand(*f.store, {"水头芒果",
                                    "one-village-one-product",
                                    "469026100201",
                                    "county",
                                    "",
                                    2020,
                                    {f.other_product}})
                    ->brand.id;
  int64_t open =
      AddBrand(*f.store, {"白沙好物", "regional-public", "469025", "county", "", 2021, {}})
          ->brand.id;
  std::vector<Brand> usable = BrandsForOrganisation(*f.store, f.org);
  REQUIRE(usable.size() == 2);
  CHECK(usable[0].id == village);
  CHECK(usable[1].id == open);

  auto linked = LinkBrandProduct(*f.store, village, f.coffee, "user:wang.fang");
  REQUIRE(linked.ok());
  CHECK(GetBrand(*f.store, village)->products == std::vector<int64_t>{f.tea, f.coffee});
  CHECK(LastEvent(*f.store, "brand.product-linked").find("\"actor\":\"user:wang.fang\"") !=
        std::string::npos);
  std::vector<ListedProduct> listed = ListOrganisationProducts(*f.store, f.org);
  REQUIRE(listed.size() == 2);
  REQUIRE(listed[1].brands.size() == 1);
  CHECK(listed[1].brands[0].name == "南溪绿茶");

  const std::string before = Snapshot(*f.store);
  CHECK(LinkBrandProduct(*f.store, village, f.coffee).status().reason() == "brand-linked");
  CHECK(LinkBrandProduct(*f.store, open, f.coffee).status().reason() == "brand-open");
  CHECK(LinkBrandProduct(*f.store, far, f.coffee).status().reason() == "brand-area");
  CHECK(LinkBrandProduct(*f.store, 99, f.coffee).status().reason() == "brand-unknown");
  CHECK(Snapshot(*f.store) == before);
}
