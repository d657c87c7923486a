// Regions, signing keys, backups, the lot form's villages and the bureau's two logs (access
// denials, failed sign-ins) leave the registry as structs; `--json`, the API and the log events
// print them through to_json. These pin that JSON to the keys, types and absent fields it had
// when the services returned JSON themselves (schemas/region, region-import, key, key-list,
// backup and access-denials .schema.json).
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "agritrace/registry/backup.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/form_choices.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/regions.h"
#include "agritrace/registry/tokens.h"
#include "agritrace/registry/users.h"
#include "tests/support/process.h"
#include "tests/support/record_json.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::Keys;
using agritrace::testing::LastEventData;
using agritrace::testing::RegistryFixture;

TEST_CASE("a region's JSON: parent only when one is registered, as its event holds it",
          "[records][regions]") {
  RegistryFixture f;
  auto township = AddRegion(*f.store, {"469025102000", "荣邦乡", false});
  REQUIRE(township.ok());
  CHECK(township->parent == std::optional<std::string>("469025"));
  const Json t = Json(*township);
  CHECK(t == Json{{"code", "469025102000"},
                  {"name", "荣邦乡"},
                  {"poverty_registered", false},
                  {"parent", "469025"}});
  CHECK(LastEventData(*f.store, "region.added") == t);

  auto village = AddRegion(*f.store, {"469025102201", "荣邦村", true});
  REQUIRE(village.ok());
  CHECK(Json(*village)["poverty_registered"] == true);
  CHECK(Json(*village)["parent"] == "469025102000");

  // A county whose province is not registered has no parent: the key is absent, not null.
  auto county = AddRegion(*f.store, {"469027", "乐东黎族自治县", false});
  REQUIRE(county.ok());
  CHECK_FALSE(county->parent.has_value());
  CHECK(Keys(Json(*county)) == std::set<std::string>{"code", "name", "poverty_registered"});
  CHECK(LastEventData(*f.store, "region.added") == Json(*county));
}

TEST_CASE("a region import's JSON counts the regions, and its event lists them",
          "[records][regions]") {
  RegistryFixture f;
  testing::WriteFileText(f.dir / "r.csv", "代码,名称,贫困村\n469025102201,荣邦村,1\n"
                                          "469025102000,荣邦乡,0\n469028,陵水黎族自治县,0\n");
  auto r = ImportRegionsFile(*f.store, f.dir / "r.csv");
  INFO(r.status().en());
  REQUIRE(r.ok());
  CHECK(r->imported == 3);
  CHECK(Json(*r) == Json{{"imported", 3}});
  CHECK(Json(*r)["imported"].is_number_integer());
  // Parents first, each region as `region add --json` prints one.
  CHECK(LastEventData(*f.store, "regions.imported") ==
        Json{{"regions",
              {{{"code", "469028"}, {"name", "陵水黎族自治县"}, {"poverty_registered", false}},
               {{"code", "469025102000"},
                {"name", "荣邦乡"},
                {"poverty_registered", false},
                {"parent", "469025"}},
               {{"code", "469025102201"},
                {"name", "荣邦村"},
                {"poverty_registered", true},
                {"parent", "469025102000"}}}}});
}

TEST_CASE("a signing key's JSON: base64 public key, current and retired_at in the list",
          "[records][keys]") {
  RegistryFixture f;
  const std::vector<ListedSigningKey> before = ListSigningKeys(*f.store);
  REQUIRE(before.size() == 1);
  CHECK(before[0].current());
  const Json first = Json(before[0]);
  CHECK(Keys(first) == std::set<std::string>{"kid", "public_key", "created_at", "current"});
  CHECK(first["current"] == true);

  NewSigningKey made;
  REQUIRE(f.store
              ->Transact([&]() -> Status {
                auto k = CreateSigningKey(*f.store);
                if (!k.ok()) return k.status();
                made = *k;
                return Status::Ok();
              })
              .ok());
  REQUIRE(made.public_key.size() == 32);
  CHECK(*PublicKeyOf(*f.store, made.kid) == made.public_key);
  const Json m = Json(made);
  CHECK(m == Json{{"kid", made.kid},
                  {"public_key", Base64Encode(made.public_key)},
                  {"created_at", made.created_at}});
  CHECK(LastEventData(*f.store, "key.rotated") == m);

  const std::vector<ListedSigningKey> keys = ListSigningKeys(*f.store);
  REQUIRE(keys.size() == 2);
  CHECK(Json(keys[0]) == Json{{"kid", before[0].kid},
                              {"public_key", first["public_key"]},
                              {"created_at", before[0].created_at},
                              {"current", false},
                              {"retired_at", made.created_at}});
  Json current = m;
  current["current"] = true;
  CHECK(Json(keys[1]) == current);
}

TEST_CASE("a backup's JSON: out, keys, bytes, pages and events", "[records][backup][sqlite]") {
  RegistryFixture f;
  const std::string out = f.dir / "backup.db";
  auto r = BackupRegistry(f.dir / "registry.db", out);
  INFO(r.status().en());
  REQUIRE(r.ok());
  const int64_t events = f.store->db().QueryValue("SELECT COUNT(*) FROM events").Int64();
  const int64_t bytes = static_cast<int64_t>(std::filesystem::file_size(out));
  CHECK(r->pages > 0);
  CHECK(Json(*r) == Json{{"out", out},
                         {"keys", 1},
                         {"bytes", bytes},
                         {"pages", r->pages},
                         {"events", events}});
}

TEST_CASE("the lot form's villages: each with its full name, and whether more matched",
          "[records][form]") {
  RegistryFixture f;
  const VillageChoices two = FindVillages(*f.store, "", 2);
  CHECK(two.more);
  CHECK(Json(two) ==
        Json{{"villages",
              {{{"code", "469025100201"},
                {"name", "南溪村"},
                {"full_name", "白沙黎族自治县牙叉镇南溪村"},
                {"poverty_registered", true}},
               {{"code", "469025101202"},
                {"name", "元门村"},
                {"full_name", "白沙黎族自治县细水乡元门村"},
                {"poverty_registered", false}}}},
             {"more", true}});
  // By the township's name; none left over.
  const VillageChoices shilu = FindVillages(*f.store, "石碌", 10);
  CHECK_FALSE(shilu.more);
  REQUIRE(shilu.villages.size() == 1);
  CHECK(shilu.villages[0].code == "469026100201");
  const VillageChoices none = FindVillages(*f.store, "没有这个村", 10);
  CHECK(Json(none) == Json{{"villages", Json::array()}, {"more", false}});
}

TEST_CASE("an access denial's JSON: the token's fields only when there is a token",
          "[records][tokens]") {
  RegistryFixture f;
  auto coop = CreateToken(*f.store, {"cooperative", f.org, "合作社接口"});
  auto bureau = CreateToken(*f.store, {"bureau", 0, "县局"});
  REQUIRE(coop.ok());
  REQUIRE(bureau.ok());
  RecordAccessDenial(*f.store, coop->token.id, "GET /api/v1/lots/X", "other-organisation");
  RecordAccessDenial(*f.store, coop->token.id, "GET /api/v1/lots/X", "other-organisation");
  RecordAccessDenial(*f.store, bureau->token.id, "POST /api/v1/lots", "role");
  RecordAccessDenial(*f.store, 0, "GET /console/orgs", "user:wang.fang");

  const std::vector<AccessDenial> all = ListAccessDenials(*f.store, 0, 10);
  REQUIRE(all.size() == 3);
  const Json c = Json(all[0]);
  CHECK(c == Json{{"id", all[0].id},
                  {"at", all[0].at},
                  {"first_at", all[0].first_at},
                  {"count", 2},
                  {"route", "GET /api/v1/lots/X"},
                  {"reason", "other-organisation"},
                  {"token_id", coop->token.id},
                  {"token_name", "合作社接口"},
                  {"role", "cooperative"},
                  {"org_id", f.org}});
  CHECK(all[0].first_at <= all[0].at);
  // A bureau token has no organisation; a console denial has no token at all.
  CHECK(Keys(Json(all[1])) == std::set<std::string>{"id", "at", "first_at", "count", "route",
                                                    "reason", "token_id", "token_name", "role"});
  CHECK(Json(all[1])["role"] == "bureau");
  CHECK(Keys(Json(all[2])) ==
        std::set<std::string>{"id", "at", "first_at", "count", "route", "reason"});
  CHECK(Json(all[2])["count"] == 1);

  // Paging by id, and the latest first for the audit page.
  const std::vector<AccessDenial> after = ListAccessDenials(*f.store, all[0].id, 10);
  REQUIRE(after.size() == 2);
  CHECK(after[0].id == all[1].id);
  const std::vector<AccessDenial> recent = RecentAccessDenials(*f.store, 10);
  REQUIRE(recent.size() == 3);
  CHECK(recent[0].at >= recent[2].at);
}

TEST_CASE("a failed sign-in's JSON: id, at, username, net and reason", "[records][users]") {
  RegistryFixture f;
  RecordSignInFailure(*f.store, "wang.fang", "net-hash-1", "wrong-password");
  RecordSignInFailure(*f.store, "nobody", "net-hash-2", "unknown-user");
  const std::vector<SignInFailure> all = ListSignInFailures(*f.store, 0, 10);
  REQUIRE(all.size() == 2);
  CHECK(Json(all[0]) == Json{{"id", all[0].id},
                             {"at", all[0].at},
                             {"username", "wang.fang"},
                             {"net", "net-hash-1"},
                             {"reason", "wrong-password"}});
  CHECK(Json(all[0])["id"].is_number_integer());
  // Newest first for the bureau's overview.
  const std::vector<SignInFailure> recent = RecentSignInFailures(*f.store, 1);
  REQUIRE(recent.size() == 1);
  CHECK(Json(recent[0]) == Json(all[1]));
}
