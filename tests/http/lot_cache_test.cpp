// The lot cache keeps live data live: registry changes show within the refresh interval, a
// record altered behind the registry's back fails its signature check within max_age, and
// codes minted after a miss are found.
#include "agritrace/http/lot_cache.h"

#include "agritrace/registry/certifications.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;
using namespace std::chrono_literals;

namespace {

std::string StatusOf(VerifyFixture& f, const std::string& code) {
  auto r = f.Get("/api/v1/verify/" + code);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return Json::parse(r->body)["status"];
}

// Polls until `code` reports `want`; returns how long that took (or 10 s when it never did).
std::chrono::milliseconds Await(VerifyFixture& f, const std::string& code,
                                const std::string& want) {
  auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < 10s) {
    if (StatusOf(f, code) == want)
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - t0);
    std::this_thread::sleep_for(10ms);
  }
  return 10s;
}

}  // namespace

TEST_CASE("with the default refresh, a revocation and a recall show within it", "[cache]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 1);
  http::ServerOptions o = TestServerOptions();
  o.lot_cache = http::LotCacheOptions{};  // refresh 100 ms
  o.scan_threshold = 1000;
  f.Start(o);
  REQUIRE(StatusOf(f, units[0]) == "genuine");
  REQUIRE(StatusOf(f, lot) == "genuine");
  REQUIRE(ChangeCertificationStatus(*f.store, f.green, "revoke", "冒用", "cli").ok());
  CHECK(Await(f, units[0], "revoked") < 1s);
  CHECK(StatusOf(f, lot) == "revoked");
  REQUIRE(RecallLot(*f.store, lot, "农残超标").ok());
  CHECK(Await(f, lot, "recalled") < 1s);
}

TEST_CASE("a record altered without an event fails its signature check within max_age", "[cache]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 1);
  http::ServerOptions o = TestServerOptions();
  o.lot_cache.max_age = 300ms;
  o.scan_threshold = 1000;
  f.Start(o);
  REQUIRE(StatusOf(f, units[0]) == "genuine");
  f.store->db().Exec("UPDATE lots SET record_json = replace(record_json, '白沙绿茶', '白沙红茶')");
  auto took = Await(f, units[0], "signature-invalid");
  CHECK(took < 2s);
}

TEST_CASE("unknown codes are not remembered: a code minted later is found", "[cache]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  http::ServerOptions o = TestServerOptions();
  o.lot_cache = http::LotCacheOptions{};
  f.Start(o);
  std::string code = FreshUnitCode();
  CHECK(StatusOf(f, code) == "unknown");
  sql::Statement ins(
      f.store->db(),
      "INSERT INTO units(code, lot_id, serial) SELECT ?, id, 1 FROM lots WHERE code = ?");
  ins.Bind(1, code);
  ins.Bind(2, lot);
  REQUIRE(ins.Exec() == 1);
  // Found now. Its earlier lookup was a miss, counted per network and day only
  // (005_scan_misses.sql), so this is the code's first scan.
  CHECK(StatusOf(f, code) == "genuine");
}

TEST_CASE("the cache shares one lot between its units and re-reads it after a change", "[cache]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 2);
  SignatureCache signatures;
  VerifyLookup lookup(f.store->db(), &signatures);
  http::LotCache cache({std::chrono::milliseconds(0), std::chrono::milliseconds(60000), 100, 100});
  auto a = cache.Unit(units[0], lookup);
  auto b = cache.Unit(units[1], lookup);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->lot == b->lot);  // the same object: read once
  CHECK(a->serial == 1);
  CHECK(b->serial == 2);
  CHECK(a->lot->unit_code.empty());
  CHECK(a->lot->record["product"]["name"] == "白沙绿茶");
  auto by_lot = cache.Lot(lot, lookup);
  REQUIRE(by_lot.ok());
  CHECK(by_lot->lot == a->lot);
  REQUIRE(AddTraceEvent(*f.store, lot, "retail", "2026-06-01T00:00:00Z", "", "超市", "").ok());
  auto after = cache.Unit(units[0], lookup);
  REQUIRE(after.ok());
  CHECK(after->lot != a->lot);
  REQUIRE(after->lot->trace.size() == 1);
  CHECK(after->lot->trace[0].actor == "超市");
  auto missing = cache.Unit(FreshUnitCode(), lookup);
  CHECK_FALSE(missing.ok());
  CHECK(missing.status().reason() == "code-unknown");
}
