// Organisations, products and brands leave the registry as structs; the API and `--json` print
// them through to_json. These pin the JSON to the keys, types and absent fields it had when the
// services returned JSON themselves (schemas/organisation, product and brand .schema.json).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "agritrace/registry/brands.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/products.h"
#include "tests/support/record_json.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using testing::Keys;
using testing::RegistryFixture;

TEST_CASE("an organisation's JSON: every field under its name", "[records]") {
  RegistryFixture f;
  auto added = AddOrganisation(*f.store, {"细水乡家庭农场", "91469025MA5T0A1B2J", "family-farm",
                                          "469025101000"},
                               "cli");
  REQUIRE(added.ok());
  auto got = GetOrganisation(*f.store, added->id);
  REQUIRE(got.ok());
  CHECK(Json(*got) == Json{{"id", added->id},
                           {"name", "细水乡家庭农场"},
                           {"credit_code", "91469025MA5T0A1B2J"},
                           {"kind", "family-farm"},
                           {"region", "469025101000"},
                           {"created_at", added->created_at}});
  CHECK(Json(*added) == Json(*got));
  CHECK(Json(*got)["id"].is_number_integer());

  const OrganisationSearch found = SearchOrganisations(*f.store, "细水", 0, 10);
  CHECK(found.total == 1);
  REQUIRE(found.items.size() == 1);
  CHECK(Json(found.items[0]) == Json(*got));
  const OrganisationSearch page = SearchOrganisations(*f.store, "", 1, 1);
  CHECK(page.total == 3);
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].id == f.other_org);
}

TEST_CASE("a product's JSON: gtin only when there is one, actor only when named", "[records]") {
  RegistryFixture f;
  auto tea = GetProduct(*f.store, f.tea);
  REQUIRE(tea.ok());
  const Json t = Json(*tea);
  CHECK(Keys(t) == std::set<std::string>{"id", "org_id", "name", "category", "net_content_g",
                                         "gtin", "created_at"});
  CHECK(t["id"] == f.tea);
  CHECK(t["org_id"] == f.org);
  CHECK(t["name"] == "白沙绿茶");
  CHECK(t["category"] == "茶叶");
  CHECK(t["net_content_g"] == 250);
  CHECK(t["gtin"] == "06901234567892");
  CHECK(t["created_at"] == tea->created_at);

  auto coffee = GetProduct(*f.store, f.coffee);
  REQUIRE(coffee.ok());
  CHECK_FALSE(coffee->gtin.has_value());
  CHECK(Keys(Json(*coffee)) == std::set<std::string>{"id", "org_id", "name", "category",
                                                     "net_content_g", "created_at"});

  auto added = AddProduct(*f.store, {f.org, "白沙红茶", "茶叶", 100, ""});
  REQUIRE(added.ok());
  CHECK_FALSE(Json(*added).contains("actor"));
  CHECK(Json(*added) == Json(*GetProduct(*f.store, added->product.id)));
  auto changed = UpdateProduct(*f.store, added->product.id, {f.org, "白沙红茶", "茶叶", 200, ""},
                               "user:wang.fang");
  REQUIRE(changed.ok());
  Json c = Json(*changed);
  CHECK(c["actor"] == "user:wang.fang");
  c.erase("actor");
  CHECK(c == Json(*GetProduct(*f.store, added->product.id)));

  std::vector<ListedProduct> listed = ListOrganisationProducts(*f.store, f.org);
  REQUIRE(listed.size() == 3);
  Json l = Json(listed[0]);
  CHECK(l["brands"] == Json::array());
  l.erase("brands");
  CHECK(l == t);
}

TEST_CASE("a brand's JSON: as added, as read, and a link", "[records]") {
  RegistryFixture f;
  auto added = AddBrand(*f.store, {"南溪绿茶", "one-village-one-product", "469025100201", "county",
                                   "白沙县农业农村局", 2020, {f.tea}});
  REQUIRE(added.ok());
  const Json a = Json(*added);
  CHECK(Keys(a) == std::set<std::string>{"id", "name", "scheme", "region", "level", "year",
                                         "recognised_by", "products", "created_at"});
  CHECK(a["year"] == 2020);
  CHECK(a["products"] == Json::array({f.tea}));
  CHECK(a["recognised_by"] == "白沙县农业农村局");
  CHECK(a["created_at"] == added->created_at);

  auto got = GetBrand(*f.store, added->brand.id);
  REQUIRE(got.ok());
  Json without_time = a;
  without_time.erase("created_at");
  CHECK(Json(*got) == without_time);

  auto open = AddBrand(*f.store, {"白沙好物", "regional-public", "469025", "county", "", 2021, {}});
  REQUIRE(open.ok());
  CHECK_FALSE(Json(*open).contains("recognised_by"));
  CHECK(Json(*open)["products"] == Json::array());
  CHECK(Keys(Json(*GetBrand(*f.store, open->brand.id))) ==
        std::set<std::string>{"id", "name", "scheme", "region", "level", "year", "products"});

  auto link = LinkBrandProduct(*f.store, added->brand.id, f.coffee);
  REQUIRE(link.ok());
  CHECK(Json(*link) == Json{{"brand_id", added->brand.id}, {"product_id", f.coffee}});
  CHECK(GetBrand(*f.store, added->brand.id)->products ==
        std::vector<int64_t>{f.tea, f.coffee});
  std::vector<ListedProduct> listed = ListOrganisationProducts(*f.store, f.org);
  REQUIRE(listed.size() == 2);
  CHECK(Json(listed[1])["brands"] ==
        Json::array({Json{{"id", added->brand.id}, {"name", "南溪绿茶"}}}));
}
