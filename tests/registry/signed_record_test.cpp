// Lots and 承诺达标合格证 share their signed part (include/agritrace/registry/signed_record.h):
// one reader of the row (registry/signed_record_row.h), one JSON of the part. These pin that
// each record still prints exactly what it did.
#include "agritrace/registry/signed_record.h"
#include "registry/signed_record_row.h"

#include <catch2/catch.hpp>

#include <set>

#include "agritrace/registry/hgz.h"
#include "agritrace/registry/lots.h"
#include "tests/support/record_json.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::Keys;
using agritrace::testing::RegistryFixture;
using agritrace::testing::SampleHgz;

TEST_CASE("a signed part prints what an issue answers, not its bytes", "[records]") {
  const SignedRecord r{{{"schema", "agritrace.lot.v1"}}, R"({"schema":"agritrace.lot.v1"})",
                       "c2lnbmF0dXJl", "k-2026", 7};
  CHECK(Json(r) == Json{{"record", {{"schema", "agritrace.lot.v1"}}},
                        {"signature", "c2lnbmF0dXJl"},
                        {"kid", "k-2026"},
                        {"event_index", 7}});
}

TEST_CASE("an issued hgz certificate prints as IssueHgz always answered", "[hgz][records]") {
  RegistryFixture f;
  const std::string lot = IssueLot(*f.store, f.TeaLot(100))->code;
  auto issued = IssueHgz(*f.store, SampleHgz(lot));
  REQUIRE(issued.ok());
  const Json j = *issued;
  CHECK(Keys(j) == std::set<std::string>{"number", "record", "signature", "kid", "event_index"});
  auto got = GetHgz(*f.store, issued->number);
  REQUIRE(got.ok());
  CHECK(j["number"] == got->number);
  CHECK(j["record"] == got->record);
  CHECK(j["signature"] == got->signature);
  CHECK(j["kid"] == got->kid);
  CHECK(j["event_index"] == got->event_index);
  CHECK(issued->record_canonical == got->record_canonical);
  CHECK(Json::parse(got->record_canonical) == got->record);
}

TEST_CASE("lots and hgz certificates read their signed part from the row alike",
          "[lots][hgz][records]") {
  RegistryFixture f;
  auto issued = IssueLot(*f.store, f.TeaLot(100));
  REQUIRE(issued.ok());
  auto hgz = IssueHgz(*f.store, SampleHgz(issued->code));
  REQUIRE(hgz.ok());

  sql::Statement lots(f.store->db(),
                      "SELECT record_json, signature, kid, event_index FROM lots WHERE code = ?");
  lots.Bind(1, issued->code);
  REQUIRE(lots.Step());
  const SignedRecord lot_part = ReadSignedRecord(lots, 0);
  CHECK(lot_part.record == issued->record);
  CHECK(lot_part.record_canonical == issued->record_canonical);
  CHECK(lot_part.signature == issued->signature);
  CHECK(lot_part.kid == issued->kid);
  CHECK(lot_part.event_index == issued->event_index);

  sql::Statement certs(f.store->db(),
                       "SELECT number, record_json, signature, kid, event_index FROM hgz "
                       "WHERE number = ?");
  certs.Bind(1, hgz->number);
  REQUIRE(certs.Step());
  const SignedRecord hgz_part = ReadSignedRecord(certs, 1);
  CHECK(Json(hgz_part) == Json(static_cast<const SignedRecord&>(*hgz)));
  CHECK(hgz_part.record_canonical == hgz->record_canonical);
  CHECK(hgz_part.event_index > lot_part.event_index);

  // The stored records print the part's keys and their own.
  CHECK(Keys(Json(*GetLot(*f.store, issued->code))) ==
        std::set<std::string>{"code", "record", "record_canonical", "signature", "kid",
                              "event_index", "recalled", "trace"});
  CHECK(Keys(Json(*GetHgz(*f.store, hgz->number))) ==
        std::set<std::string>{"number", "record", "record_canonical", "signature", "kid",
                              "event_index", "signature_valid", "lot_recalled"});
}
