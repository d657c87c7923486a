// Lots leave the registry as structs (issue 12); the API's answers and the CLI's --json print
// them through to_json, so every field must come out under its old name, absent where it was
// absent.
#include <catch2/catch.hpp>

#include <set>

#include "agritrace/registry/json_result.h"
#include "agritrace/registry/lot_list.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/users.h"
#include "tests/support/audit_seed.h"
#include "tests/support/record_json.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::AddUnitCodes;
using agritrace::testing::DaysAgo;
using agritrace::testing::Keys;
using agritrace::testing::RegistryFixture;

namespace {
// Checks that event `idx` of the log is of `kind` and its leaf, the bytes hashed into the Merkle
// tree, is exactly the event with `data`: what the service logged before it returned structs.
void CheckLeaf(Store& store, int64_t idx, const std::string& kind, const Json& data) {
  sql::Statement ev(store.db(), "SELECT kind, at, leaf FROM events WHERE idx = ?");
  ev.Bind(1, idx);
  REQUIRE(ev.Step());
  CHECK(ev.Column(0).String() == kind);
  const Json event = {{"seq", idx}, {"kind", kind}, {"at", ev.Column(1).String()}, {"data", data}};
  CHECK(ev.Column(2).String() == *CanonicalJson(event));
}
}  // namespace

TEST_CASE("an issued lot prints as IssueLot always answered", "[lots]") {
  RegistryFixture f;
  auto issued = IssueLot(*f.store, f.TeaLot(), "user:wang.fang");
  REQUIRE(issued.ok());
  const Json j = *issued;
  CHECK(Keys(j) == std::set<std::string>{"code", "record", "signature", "kid", "event_index"});
  CHECK(j["code"] == issued->code);
  CHECK(j["record"]["code"] == issued->code);
  CHECK(j["event_index"].is_number_integer());

  auto lot = GetLot(*f.store, issued->code);
  REQUIRE(lot.ok());
  CHECK(j["record"] == lot->record);
  CHECK(j["signature"] == lot->signature);
  CHECK(j["kid"] == lot->kid);
  CHECK(j["event_index"] == lot->event_index);
  // The signed bytes come along, though the answer never printed them.
  CHECK(issued->record_canonical == lot->record_canonical);
  // The lot.issued event: the record, signature and key beside the console's actor.
  CheckLeaf(*f.store, issued->event_index, "lot.issued",
            {{"record", lot->record},
             {"signature", lot->signature},
             {"kid", lot->kid},
             {"actor", "user:wang.fang"}});
}

TEST_CASE("a trace step and a recall print their log event and its index", "[lots]") {
  RegistryFixture f;
  const std::string code = IssueLot(*f.store, f.TeaLot())->code;

  auto step = AddTraceEvent(*f.store, code, "shipping", "2026-04-11T09:00:00+08:00", "469025",
                            "顺丰", "发往海口");
  REQUIRE(step.ok());
  const Json shipped = {{"lot", code},
                        {"step", "shipping"},
                        {"at", "2026-04-11T01:00:00Z"},
                        {"place", "469025"},
                        {"actor", "顺丰"},
                        {"note", "发往海口"}};
  Json answer = shipped;
  answer["event_index"] = step->event.event_index;
  CHECK(Json(*step) == answer);
  CHECK(step->lot == code);
  // The event's data is the answer without the index it could not know yet.
  CheckLeaf(*f.store, step->event.event_index, "lot.trace", shipped);

  // A recall has no place, and the CLI and API name no actor: those keys are absent.
  auto recall = RecallLot(*f.store, code, "农残超标");
  REQUIRE(recall.ok());
  const Json recalled = Json(*recall);
  CHECK(Keys(recalled) == std::set<std::string>{"lot", "step", "at", "note", "event_index"});
  CHECK(recalled["lot"] == code);
  CHECK(recalled["step"] == "recall");
  CHECK(recalled["note"] == "农残超标");
  CHECK(recalled["event_index"] == step->event.event_index + 1);
  CheckLeaf(*f.store, recall->event.event_index, "lot.recalled",
            {{"lot", code}, {"step", "recall"}, {"at", recall->event.at}, {"note", "农残超标"}});
  // The console's recall names its user.
  const std::string other = IssueLot(*f.store, f.TeaLot())->code;
  auto by_user = RecallLot(*f.store, other, "包装破损", "user:li.lei");
  REQUIRE(by_user.ok());
  CHECK(Json(*by_user)["actor"] == "user:li.lei");

  // What was answered is what the lot shows afterwards.
  auto lot = GetLot(*f.store, code);
  REQUIRE(lot.ok());
  REQUIRE(lot->trace.size() == 2);
  CHECK(Json(lot->trace[0]) == Json(step->event));
  CHECK(Json(lot->trace[1]) == Json(recall->event));
  CHECK(RecallLot(*f.store, code, "again").status().code() == StatusCode::kConflict);
}

TEST_CASE("the console's lot list and the registry's totals print under their old keys",
          "[lots]") {
  RegistryFixture f;
  const std::string first = IssueLot(*f.store, f.TeaLot(40))->code;
  const std::string second = IssueLot(*f.store, f.TeaLot(10))->code;
  AddUnitCodes(*f.store, first, 5, "L");
  REQUIRE(RecallLot(*f.store, second, "抽检不合格").ok());

  auto lots = ListOrganisationLots(*f.store, f.org, 0, 10);
  REQUIRE(lots.ok());
  REQUIRE(lots->size() == 2);
  // Newest first.
  CHECK(Json((*lots)[0]) == Json{{"code", second},
                                 {"product", "白沙绿茶"},
                                 {"packed", DaysAgo(5)},
                                 {"units", 10},
                                 {"codes_minted", 0},
                                 {"recalled", true}});
  CHECK(Json((*lots)[1]) == Json{{"code", first},
                                 {"product", "白沙绿茶"},
                                 {"packed", DaysAgo(5)},
                                 {"units", 40},
                                 {"codes_minted", 5},
                                 {"recalled", false}});
  auto page = ListOrganisationLots(*f.store, f.org, 1, 1);
  REQUIRE(page.ok());
  REQUIRE(page->size() == 1);
  CHECK((*page)[0].code == first);
  CHECK(ListOrganisationLots(*f.store, f.other_org, 0, 10)->empty());
  CHECK(ListOrganisationLots(*f.store, f.org, 0, kMaxLotPageSize + 1).status().code() ==
        StatusCode::kInvalid);
  CHECK(ListOrganisationLots(*f.store, f.org, 0, 0).status().code() == StatusCode::kInvalid);

  // One account enabled and one disabled; one certificate of two suspended.
  auto hash = HashPassword("secret-password-1");
  REQUIRE(hash.ok());
  REQUIRE(AddUser(*f.store, {"wang.fang", "clerk", f.org}, *hash, true, "cli").ok());
  REQUIRE(AddUser(*f.store, {"li.lei", "clerk", f.org}, *hash, true, "cli").ok());
  REQUIRE(DisableUser(*f.store, "li.lei", "cli").ok());
  REQUIRE(ChangeCertificationStatus(*f.store, f.gi, "suspend", "年检未过", "cli").ok());
  const RegistryTotals totals = RegistryCounts(*f.store);
  CHECK(Json(totals) == Json{{"organisations", 2},
                             {"certifications", 2},
                             {"active_certifications", 1},
                             {"lots", 2},
                             {"users", 1}});
}

TEST_CASE("a lot prints as the JSON GetLot always answered", "[lots]") {
  RegistryFixture f;
  auto issued = IssueLot(*f.store, f.TeaLot());
  REQUIRE(issued.ok());
  const std::string code = issued->code;
  REQUIRE(AddTraceEvent(*f.store, code, "shipping", "2026-04-11T09:00:00+08:00", "469025", "顺丰",
                        "发往海口")
              .ok());
  REQUIRE(RecallLot(*f.store, code, "农残超标").ok());

  auto lot = GetLot(*f.store, code);
  REQUIRE(lot.ok());
  const Json j = *lot;
  CHECK(Keys(j) == std::set<std::string>{"code", "record", "record_canonical", "signature", "kid",
                                         "event_index", "recalled", "trace"});
  CHECK(j["code"] == code);
  CHECK(j["record"] == lot->record);
  CHECK(j["record_canonical"] == lot->record_canonical);
  CHECK(j["signature"] == lot->signature);
  CHECK(j["kid"] == lot->kid);
  CHECK(j["event_index"] == lot->event_index);
  CHECK(j["recalled"] == true);
  REQUIRE(j["trace"].size() == 2);
  // A step prints what was given; the recall gave no place and no actor, so it has none.
  CHECK(j["trace"][0] == Json({{"step", "shipping"},
                               {"at", "2026-04-11T01:00:00Z"},
                               {"place", "469025"},
                               {"actor", "顺丰"},
                               {"note", "发往海口"},
                               {"event_index", lot->trace[0].event_index}}));
  CHECK(Keys(j["trace"][1]) == std::set<std::string>{"step", "at", "note", "event_index"});
  CHECK(j["trace"][1]["step"] == "recall");

  // A refusal stays a refusal through JsonResult.
  auto missing = JsonResult(GetLot(*f.store, "0000000000"));
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().reason() == "lot-unknown");
}
