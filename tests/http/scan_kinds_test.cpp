// What counts as a scan (DESIGN.md §7–§8): a HEAD is answered like a GET but is no scan, and
// lookups of unknown or malformed codes are counted per network per day, not stored one row each.
#include "agritrace/registry/audit_reports.h"
#include "agritrace/registry/scan_store.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

TEST_CASE("HEAD is answered like GET but records no scan", "[scans][head]") {
  VerifyFixture f;
  const auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  f.Start();
  auto c = f.Client();
  // More HEADs than the scan threshold (5): a GET must still be the first scan.
  for (const std::string path : {"/q/", "/Q/", "/api/v1/verify/", "/q/", "/Q/", "/q/"}) {
    INFO(path);
    auto head = c.Head((path + units[0]).c_str());
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->body.empty());
    CHECK(head->get_header_value("Content-Type") == (path == "/api/v1/verify/"
                                                         ? "application/json; charset=utf-8"
                                                         : "text/html; charset=utf-8"));
  }
  // Unknown and malformed codes: the GET's status, and nothing counted either.
  auto unknown = c.Head(("/q/" + FreshUnitCode()).c_str());
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  auto malformed = c.Head("/q/ABC");
  REQUIRE(malformed);
  CHECK(malformed->status == 400);

  auto get = f.Get("/api/v1/verify/" + units[0]);
  REQUIRE(get);
  Json v = Json::parse(get->body);
  CHECK(v["status"] == "genuine");
  CHECK(v["scan_count"] == 1);
  f.server->Stop();
  CHECK(f.ScanRows() == 1);
  CHECK(CountScanMisses(f.store->db(), "unknown") == 0);
  CHECK(CountScanMisses(f.store->db(), "malformed") == 0);
}

TEST_CASE("unknown and malformed lookups are counted per network and day, not stored each",
          "[scans][misses]") {
  VerifyFixture f;
  const auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  f.Start();
  auto c = f.Client();
  for (int i = 0; i < 1000; ++i) {
    auto r = c.Get(("/api/v1/verify/BAD" + std::to_string(i)).c_str());
    REQUIRE(r);
    REQUIRE(r->status == 200);  // the verify JSON says "mistyped"
  }
  for (int i = 0; i < 20; ++i) REQUIRE(c.Get(("/q/" + FreshUnitCode()).c_str()));
  REQUIRE(c.Get(("/q/" + units[0]).c_str()));
  f.server->Stop();

  sql::Connection& db = f.store->db();
  // One network: one row per kind, two if the lookups straddled midnight (UTC).
  CHECK(db.QueryValue("SELECT COUNT(*) FROM scan_misses WHERE kind = 'malformed'").Int() <= 2);
  CHECK(db.QueryValue("SELECT COUNT(*) FROM scan_misses WHERE kind = 'unknown'").Int() <= 2);
  CHECK(CountScanMisses(db, "malformed") == 1000);
  CHECK(CountScanMisses(db, "unknown") == 20);
  CHECK(f.ScanRows() == 1);  // the one real scan
  // The bureau's report reads the counters.
  Report report = UnknownScanReport(*f.store);
  REQUIRE_FALSE(report.rows.empty());
  int64_t scans = 0, unknown = 0, malformed = 0;
  for (const auto& row : report.rows) {
    scans += row["scans"].get<int64_t>();
    unknown += row["unknown"].get<int64_t>();
    malformed += row["malformed"].get<int64_t>();
    CHECK(row["networks"] == 1);
  }
  CHECK(scans == 1020);
  CHECK(unknown == 20);
  CHECK(malformed == 1000);
}
