// Lots leave the registry as structs (issue 12); the API's answers and the CLI's --json print
// them through to_json, so every field must come out under its old name, absent where it was
// absent.
#include <catch2/catch.hpp>

#include <set>

#include "agritrace/registry/json_result.h"
#include "agritrace/registry/lots.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::RegistryFixture;

namespace {
std::set<std::string> Keys(const Json& j) {
  std::set<std::string> keys;
  for (const auto& [key, _] : j.items()) keys.insert(key);
  return keys;
}
}  // namespace

TEST_CASE("a lot prints as the JSON GetLot always answered", "[lots]") {
  RegistryFixture f;
  auto issued = IssueLot(*f.store, f.TeaLot());
  REQUIRE(issued.ok());
  const std::string code = (*issued)["code"];
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
