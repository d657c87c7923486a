// Read-only lookups behind a scan: unit and lot codes, live certificate status, trace and
// recall, the signature check and its cache, the published keys.
#include "agritrace/registry/verify_lookup.h"

#include <catch2/catch.hpp>

#include "agritrace/registry/certifications.h"
#include "agritrace/registry/crockford.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::DaysAgo;
using agritrace::testing::RegistryFixture;

namespace {

std::string AddUnit(RegistryFixture& f, const std::string& lot_code, int serial) {
  std::string code = crockford::Random(15);
  code.push_back(crockford::CheckChar(code));
  sql::Statement ins(
      f.store->db(),
      "INSERT INTO units(code, lot_id, serial) SELECT ?, id, ? FROM lots WHERE code = ?");
  ins.Bind(1, code);
  ins.Bind(2, serial);
  ins.Bind(3, lot_code);
  REQUIRE(ins.Exec() == 1);
  return code;
}

}  // namespace

TEST_CASE("a unit code finds its lot, record, key and certificates", "[lookup]") {
  RegistryFixture f;
  auto issued = IssueLot(*f.store, f.TeaLot());
  REQUIRE(issued.ok());
  std::string lot = issued->code;
  std::string unit = AddUnit(f, lot, 7);
  VerifyLookup lookup(f.store->db(), nullptr);
  std::string today = TodayShanghai();

  auto r = lookup.ByUnitCode(unit, today);
  REQUIRE(r.ok());
  CHECK(r->lot_code == lot);
  CHECK(r->unit_code == unit);
  CHECK(r->serial == 7);
  CHECK(r->product_gtin == "06901234567892");
  CHECK(r->record_json == *CanonicalJson(issued->record));
  CHECK(r->signature == issued->signature);
  CHECK(r->kid == issued->kid);
  CHECK(r->public_key.size() == 32);
  CHECK(KeyId(r->public_key) == r->kid);
  CHECK(r->signature_valid);
  REQUIRE(r->certifications.size() == 1);
  CHECK(r->certifications[0].number == f.green);
  CHECK(r->certifications[0].issuer == "中国绿色食品发展中心");
  CHECK(r->certifications[0].live == "active");
  CHECK_FALSE(r->recalled);
  CHECK(r->trace.empty());

  auto by_lot = lookup.ByLotCode(lot, today);
  REQUIRE(by_lot.ok());
  CHECK(by_lot->unit_code.empty());
  CHECK(by_lot->serial == 0);
  CHECK(by_lot->record_json == r->record_json);

  auto missing = lookup.ByUnitCode("0000000000000000", today);
  CHECK_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().reason() == "code-unknown");
  CHECK_FALSE(lookup.ByLotCode(unit, today).ok());  // a unit code is not a lot code
  // Statements are reusable after a miss.
  CHECK(lookup.ByUnitCode(unit, today).ok());
}

TEST_CASE("certificate status is live: revoked, suspended, expired by today's date", "[lookup]") {
  RegistryFixture f;
  std::string lot = IssueLot(*f.store, f.TeaLot())->code;
  VerifyLookup lookup(f.store->db(), nullptr);
  auto valid_to =
      f.store->db()
          .QueryValue("SELECT valid_to FROM certifications WHERE number = '" + f.green + "'")
          .String();
  CHECK(lookup.ByLotCode(lot, valid_to)->certifications[0].live == "active");
  CHECK(lookup.ByLotCode(lot, AddDays(valid_to, 1))->certifications[0].live == "expired");
  REQUIRE(ChangeCertificationStatus(*f.store, f.green, "suspend", "整改", "cli").ok());
  auto s = lookup.ByLotCode(lot, TodayShanghai());
  CHECK(s->certifications[0].live == "suspended");
  CHECK(s->certifications[0].status_reason == "整改");
  // Revocation outranks expiry.
  REQUIRE(ChangeCertificationStatus(*f.store, f.green, "revoke", "冒用", "cli").ok());
  CHECK(lookup.ByLotCode(lot, AddDays(valid_to, 1))->certifications[0].live == "revoked");
}

TEST_CASE("trace events in time order, the recall among them", "[lookup]") {
  RegistryFixture f;
  std::string lot = IssueLot(*f.store, f.TeaLot())->code;
  REQUIRE(
      AddTraceEvent(*f.store, lot, "shipping", "2026-05-02T00:00:00Z", "469025100201", "顺丰", "")
          .ok());
  REQUIRE(AddTraceEvent(*f.store, lot, "packing", "2026-05-01T00:00:00Z", "", "", "真空包装").ok());
  REQUIRE(RecallLot(*f.store, lot, "农残超标").ok());
  VerifyLookup lookup(f.store->db(), nullptr);
  auto r = lookup.ByLotCode(lot, TodayShanghai());
  REQUIRE(r.ok());
  REQUIRE(r->trace.size() == 3);
  CHECK(r->trace[0].step == "packing");
  CHECK(r->trace[0].note == "真空包装");
  CHECK(r->trace[0].place.empty());
  CHECK(r->trace[1].step == "shipping");
  CHECK(r->trace[1].place_name == "南溪村");
  CHECK(r->trace[1].actor == "顺丰");
  CHECK(r->trace[2].step == "recall");
  CHECK(r->recalled);
  CHECK(r->recall_reason == "农残超标");
  CHECK(r->recalled_at == r->trace[2].at);
}

TEST_CASE("an altered record fails the signature check, cached or not", "[lookup]") {
  RegistryFixture f;
  std::string lot = IssueLot(*f.store, f.TeaLot())->code;
  SignatureCache cache;
  VerifyLookup lookup(f.store->db(), &cache);
  CHECK(lookup.ByLotCode(lot, TodayShanghai())->signature_valid);
  CHECK(lookup.ByLotCode(lot, TodayShanghai())->signature_valid);  // from the cache
  f.store->db().Exec("UPDATE lots SET record_json = replace(record_json, '白沙绿茶', '白沙红茶')");
  CHECK_FALSE(lookup.ByLotCode(lot, TodayShanghai())->signature_valid);
  CHECK_FALSE(
      VerifyLookup(f.store->db(), nullptr).ByLotCode(lot, TodayShanghai())->signature_valid);
  CHECK_FALSE(VerifyRecordSignature("short", "x", "y"));
  CHECK_FALSE(VerifyRecordSignature(std::string(32, 'k'), "x", "not base64url!"));
}

TEST_CASE("public keys, current and retired", "[lookup]") {
  RegistryFixture f;
  REQUIRE(f.store
              ->Transact([&]() -> Status {
                auto k = CreateSigningKey(*f.store);
                return k.ok() ? Status::Ok() : k.status();
              })
              .ok());
  VerifyLookup lookup(f.store->db(), nullptr);
  auto keys = lookup.PublicKeys();
  REQUIRE(keys.size() == 2);
  CHECK_FALSE(keys[0].retired_at.empty());
  CHECK(keys[1].retired_at.empty());
  for (const auto& k : keys) CHECK(KeyId(k.public_key) == k.kid);
  CHECK(lookup.RegistryName() == "trace.test.example");
}
