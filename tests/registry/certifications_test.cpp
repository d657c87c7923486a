// Certifications leave the registry as structs; their JSON (the API's answers, `cert --json`, the
// "certification.added" event's data) keeps the keys it had, absent ones absent.
#include <catch2/catch.hpp>

#include <set>

#include "agritrace/registry/form_choices.h"
#include "agritrace/registry/json_result.h"
#include "tests/support/record_json.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::DaysAgo;
using agritrace::testing::Keys;
using agritrace::testing::LastEventData;
using agritrace::testing::RegistryFixture;

namespace {
const std::set<std::string> kRecordKeys = {"id",         "type",    "number",    "issuer",
                                           "holder",     "valid_from", "valid_to", "annual_output_kg",
                                           "status",     "created_at", "products"};
}  // namespace

TEST_CASE("a certification's JSON has its record's keys, and only the ones it has", "[certs]") {
  RegistryFixture f;
  // The fixture's green-food certificate: limited output, a valid_to by its type, no area.
  auto added_event = LastEventData(*f.store, "certification.added");  // the GI, added last
  CHECK(Keys(added_event) == std::set<std::string>{"id", "type", "number", "issuer", "holder",
                                                   "valid_from", "status", "created_at",
                                                   "products", "area", "actor"});
  CHECK(added_event["area"] == Json::array({"469025100000"}));

  CertificationInput open{"pollution-free", "WGH-HN-26-00123", "海南省农业农村厅", f.org,
                          {f.tea, f.coffee}, DaysAgo(10), AddDays(TodayShanghai(), 20), -1, {}};
  auto added = AddCertification(*f.store, open, "token:7");
  REQUIRE(added.ok());
  CHECK(added->products == std::vector<int64_t>{f.tea, f.coffee});
  CHECK_FALSE(added->annual_output_kg.has_value());
  CHECK_FALSE(added->expired.has_value());
  CHECK_FALSE(added->lots.has_value());
  std::set<std::string> expected = kRecordKeys;
  expected.erase("annual_output_kg");
  CHECK(Keys(Json(*added)) == expected);
  // The event's data is the returned record and its actor, byte for byte as before.
  Json event = LastEventData(*f.store, "certification.added");
  CHECK(event["actor"] == "token:7");
  event.erase("actor");
  CHECK(event == Json(*added));
  CHECK(*JsonResult(added) == Json(*added));

  // Read back: the live validity and the lots under it.
  REQUIRE(IssueLot(*f.store, f.TeaLot()).ok());
  auto green = GetCertification(*f.store, f.green);
  REQUIRE(green.ok());
  const Json g = *green;
  expected = kRecordKeys;
  expected.insert({"expired", "days_to_expiry", "lots"});
  CHECK(Keys(g) == expected);
  CHECK(g["annual_output_kg"] == 5000);
  CHECK(g["expired"] == false);
  CHECK(g["days_to_expiry"] == green->days_to_expiry.value());
  REQUIRE(g["lots"].size() == 1);
  CHECK(Keys(g["lots"][0]) == std::set<std::string>{"code", "packed", "units", "total_g"});
  CHECK(g["lots"][0]["units"] == 100);
  CHECK(g["lots"][0]["total_g"] == 25000);

  // A GI: open-ended (no valid_to, no days_to_expiry), with its area; no lots yet is [].
  auto gi = GetCertification(*f.store, f.gi);
  REQUIRE(gi.ok());
  const Json j = *gi;
  CHECK_FALSE(j.contains("valid_to"));
  CHECK_FALSE(j.contains("days_to_expiry"));
  CHECK(j["expired"] == false);
  CHECK(j["area"] == Json::array({"469025100000"}));
  CHECK(j["lots"] == Json::array());

  // A status change adds its reason.
  auto suspended = ChangeCertificationStatus(*f.store, open.number, "suspend", "抽检", "cli");
  REQUIRE(suspended.ok());
  CHECK(suspended->status == "suspended");
  CHECK(Json(*suspended)["status_reason"] == "抽检");
  CHECK(Keys(Json(*suspended)).count("expired") == 0);

  // The list: each with its validity, none with lots, oldest first.
  const Json all = ListCertifications(*f.store);
  REQUIRE(all.size() == 3);
  CHECK(all[0]["number"] == f.green);
  CHECK(all[2]["number"] == open.number);
  CHECK(all[2]["days_to_expiry"] == 20);
  for (const auto& c : all) {
    CHECK(c.contains("expired"));
    CHECK_FALSE(c.contains("lots"));
  }
}

TEST_CASE("a certificate's lots and the lot form's choices keep their JSON keys", "[certs]") {
  RegistryFixture f;
  REQUIRE(IssueLot(*f.store, f.TeaLot()).ok());
  auto lots = ListCertificationLots(*f.store, f.green);
  REQUIRE(lots.ok());
  const Json j = *lots;
  CHECK(Keys(j) == std::set<std::string>{"number", "status", "lots"});
  CHECK(j["number"] == f.green);
  CHECK(j["status"] == "active");
  REQUIRE(j["lots"].size() == 1);
  CHECK(Keys(j["lots"][0]) ==
        std::set<std::string>{"code", "product_id", "product", "org_id", "origin", "harvested",
                              "packed", "units", "total_g", "issued_at", "recalled"});
  CHECK(j["lots"][0]["product"] == "白沙绿茶");
  CHECK(j["lots"][0]["recalled"] == false);
  CHECK(ListCertificationLots(*f.store, "AGI99999").status().code() == StatusCode::kNotFound);

  const auto choices = ActiveCertificationsFor(*f.store, f.org, f.tea);
  REQUIRE(choices.size() == 2);
  CHECK(choices[0].number == f.green);
  CHECK(Keys(Json(choices[0])) == std::set<std::string>{"number", "type", "valid_from", "valid_to",
                                                        "annual_output_kg", "products"});
  CHECK(Keys(Json(choices[1])) == std::set<std::string>{"number", "type", "valid_from", "products"});
  CHECK(Json(choices[1])["products"] == Json::array({f.tea}));
  CHECK(ActiveCertificationsFor(*f.store, f.org, f.coffee).empty());
}
