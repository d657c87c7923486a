// The bureau's reports on a seeded registry with known answers.
#include <catch2/catch.hpp>

#include "agritrace/registry/audit_reports.h"
#include "agritrace/registry/brands.h"
#include "agritrace/registry/scan_store.h"
#include "tests/support/audit_seed.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::AddScan;
using agritrace::testing::AddUnitCodes;
using agritrace::testing::DaysAgo;
using agritrace::testing::RegistryFixture;

namespace {
const Json* Row(const Report& r, const std::string& key, const std::string& value) {
  for (const auto& row : r.rows)
    if (row[key] == value) return &row;
  return nullptr;
}
}  // namespace

TEST_CASE("certificate report: output labelled against certified, expiry flags", "[audit]") {
  RegistryFixture f;
  // 5,000 kg certified; 16,000 units of 250 g = 4,000 kg issued.
  auto lot = IssueLot(*f.store, f.TeaLot(16000));
  REQUIRE(lot.ok());
  // Labels minted beyond the lot (spares): 20,004 x 250 g = 5,001 kg labelled > 5,000 kg.
  AddUnitCodes(*f.store, lot->code, 20004, "U");
  CertificationInput soon{"pollution-free", "WGH-HN-23-00123", "海南省农业农村厅", f.org, {f.tea},
                          DaysAgo(300), DaysAgo(-30), -1, {}};
  REQUIRE(AddCertification(*f.store, soon, "cli").ok());
  std::string year = lot->record["packed"].get<std::string>().substr(0, 4);
  Report r = CertificateReport(*f.store, year);
  const Json* green = Row(r, "number", f.green);
  REQUIRE(green);
  CHECK((*green)["certified_kg"] == "5000.000");
  CHECK((*green)["issued_kg"] == "4000.000");
  CHECK((*green)["labelled_kg"] == "5001.000");
  CHECK((*green)["over_output"] == true);
  CHECK((*green)["lots"] == 1);
  CHECK((*green)["expiring_soon"] == false);
  const Json* pf = Row(r, "number", "WGH-HN-23-00123");
  REQUIRE(pf);
  CHECK((*pf)["days_to_expiry"] == 30);
  CHECK((*pf)["expiring_soon"] == true);
  const Json* gi = Row(r, "number", f.gi);
  CHECK((*gi)["days_to_expiry"].is_null());
  CHECK((*gi)["over_output"] == false);
}

TEST_CASE("refusal report lists what the rules refused", "[audit]") {
  RegistryFixture f;
  auto l = f.TeaLot();
  l.certs = {f.gi};
  l.origin = "469025101202";
  REQUIRE_FALSE(IssueLot(*f.store, l).ok());
  REQUIRE_FALSE(IssueLot(*f.store, f.TeaLot(100000)).ok());
  Report r = RefusalReport(*f.store);
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0]["reason"] == "cert-output-exceeded");
  CHECK(r.rows[1]["reason"] == "gi-outside-area");
  CHECK(r.rows[1]["organisation"] == "白沙县牙叉镇茶叶专业合作社");
  CHECK(r.rows[1]["product"] == "白沙绿茶");
}

TEST_CASE("scan report: copied codes by lot and forgery attempts by day", "[audit]") {
  RegistryFixture f;
  auto lot = IssueLot(*f.store, f.TeaLot());
  std::string code = lot->code;
  AddUnitCodes(*f.store, code, 3, "C");
  for (int i = 0; i < 7; ++i) AddScan(*f.store, "C100001", "unit", "2026-04-12T01:00:0" + std::to_string(i) + "Z", "net-a");
  for (int i = 0; i < 4; ++i) AddScan(*f.store, "C100002", "unit", "2026-04-12T02:00:00Z", "net-" + std::to_string(i));
  AddScan(*f.store, "C100003", "unit", "2026-04-12T03:00:00Z", "net-a");
  AddScan(*f.store, "ZZZZ", "unknown", "2026-04-12T03:00:00Z", "net-x");
  AddScan(*f.store, "YYYY", "unknown", "2026-04-12T04:00:00Z", "net-x");
  AddScan(*f.store, "YYYY", "malformed", "2026-04-13T04:00:00Z", "net-y");
  Report copied = CopiedCodeReport(*f.store, "", 5, 3);
  REQUIRE(copied.rows.size() == 2);
  CHECK(copied.rows[0]["code"] == "C100001");
  CHECK(copied.rows[0]["scans"] == 7);
  CHECK(copied.rows[1]["code"] == "C100002");
  CHECK(copied.rows[1]["networks"] == 4);
  CHECK(copied.rows[0]["lot"] == code);
  CHECK(copied.rows[0]["region"] == "469025100201");
  CHECK(CopiedCodeReport(*f.store, "0000000000", 5, 3).rows.empty());
  Report unknown = UnknownScanReport(*f.store);
  REQUIRE(unknown.rows.size() == 2);
  CHECK(unknown.rows[0]["day"] == "2026-04-12");
  CHECK(unknown.rows[0]["scans"] == 2);
  CHECK(unknown.rows[0]["unknown"] == 2);
  CHECK(unknown.rows[0]["malformed"] == 0);
  CHECK(unknown.rows[0]["networks"] == 1);
  CHECK(unknown.rows[1]["malformed"] == 1);
  // Misses are counted, never stored one row each.
  CHECK(CountAllScans(f.store->db()) ==
        f.store->db().QueryValue("SELECT COUNT(*) FROM scans WHERE kind = 'unit'").Int64());
}

// The console's figures come from tallies the scan writer folds (copied codes, scans per day);
// what is not folded yet is read from the tail. Either way the answer must be the same.
TEST_CASE("copied codes, scans per day and the monthly scans: the same folded, unfolded or mixed",
          "[audit][scans]") {
  RegistryFixture f;
  auto lot = IssueLot(*f.store, f.TeaLot());
  const std::string code = lot->code;
  const std::string packed = lot->record["packed"];
  AddUnitCodes(*f.store, code, 4, "C");
  // Beijing time: 2026-04-12T17:00Z is already the 13th.
  for (int i = 0; i < 7; ++i) AddScan(*f.store, "C100001", "unit", "2026-04-12T01:00:0" + std::to_string(i) + "Z", "net-a");
  for (int i = 0; i < 4; ++i) AddScan(*f.store, "C100002", "unit", "2026-04-12T17:00:00Z", "net-" + std::to_string(i));
  AddScan(*f.store, code, "lot", "2026-04-12T02:00:00Z", "net-z");
  AddScan(*f.store, "C100003", "unit", "2026-04-12T03:00:00Z", "net-a");

  auto figures = [&] {
    Report all = CopiedCodeReport(*f.store, "", 5, 3);
    Report one = CopiedCodeReport(*f.store, code, 5, 3, 0, 1);
    std::string out = all.rows.dump() + "|" + one.rows.dump() + "|" + std::to_string(one.total_rows);
    for (const auto& d : ScansPerDayOfLot(f.store->db(), code, "2026-04-01"))
      out += "|" + d.day + "=" + std::to_string(d.count);
    return out;
  };
  const std::string unfolded = figures();
  Report copied = CopiedCodeReport(*f.store, "", 5, 3);
  REQUIRE(copied.rows.size() == 2);
  CHECK(copied.rows[0]["code"] == "C100001");  // most scans first
  CHECK(copied.rows[0]["first_scan"] == "2026-04-12T01:00:00Z");
  CHECK(copied.rows[0]["last_scan"] == "2026-04-12T01:00:06Z");
  CHECK(copied.rows[1]["networks"] == 4);
  Report limited = CopiedCodeReport(*f.store, code, 5, 3, 0, 1);
  REQUIRE(limited.rows.size() == 1);
  CHECK(limited.rows[0]["code"] == "C100001");
  CHECK(limited.total_rows == 2);
  auto days = ScansPerDayOfLot(f.store->db(), code, "2026-04-01");
  REQUIRE(days.size() == 2);
  CHECK(days[0].day == "2026-04-12");
  CHECK(days[0].count == 9);  // 7 + the lot code + C100003
  CHECK(days[1].day == "2026-04-13");
  CHECK(days[1].count == 4);
  CHECK(ScansPerDayOfLot(f.store->db(), code, "2026-04-13").size() == 1);

  // Pages read as of the last fold (ScanTail::kSkip): nothing yet, then the same.
  CHECK(CopiedCodeReport(*f.store, "", 5, 3, 0, 0, ScanTail::kSkip).rows.empty());
  CHECK(ScansPerDayOfLot(f.store->db(), code, "2026-04-01", ScanTail::kSkip).empty());
  REQUIRE(MergeScanTallies(f.store->db()).ok());
  CHECK(UnfoldedScans(f.store->db()) == 0);
  CHECK(figures() == unfolded);
  CHECK(CopiedCodeReport(*f.store, "", 5, 3, 0, 0, ScanTail::kSkip).rows == copied.rows);
  CHECK(ScansPerDayOfLot(f.store->db(), code, "2026-04-01", ScanTail::kSkip).size() == 2);

  // Mixed: C100003 folded once, five more unfolded: now it is copied too, second by scans.
  for (int i = 0; i < 5; ++i) AddScan(*f.store, "C100003", "unit", "2026-04-13T03:00:00Z", "net-b");
  const std::string mixed = figures();
  Report three = CopiedCodeReport(*f.store, "", 5, 3);
  REQUIRE(three.rows.size() == 3);
  CHECK(three.rows[1]["code"] == "C100003");
  CHECK(three.rows[1]["scans"] == 6);
  CHECK(three.rows[1]["networks"] == 2);
  CHECK(three.rows[1]["last_scan"] == "2026-04-13T03:00:00Z");
  REQUIRE(MergeScanTallies(f.store->db()).ok());
  CHECK(figures() == mixed);

  // Another organisation's lots hold none of them; an unknown lot neither.
  CHECK(CopiedCodeReport(*f.store, "", 5, 3, f.other_org).rows.empty());
  CHECK(CopiedCodeReport(*f.store, "", 5, 3, f.org).rows.size() == 3);
  CHECK(CopiedCodeReport(*f.store, "0000000000", 5, 3).rows.empty());

  // The monthly report counts the lot code's and the unit codes' scans in the Beijing month.
  const std::string month = packed.substr(0, 7);
  AddScan(*f.store, "C100004", "unit", packed + "T05:00:00Z", "n");
  const Json before = MonthlyReport(*f.store, month).rows;
  REQUIRE(before.size() == 1);
  CHECK(before[0]["scans"] == 1);
  CHECK(MonthlyReport(*f.store, month, ScanTail::kSkip).rows[0]["scans"] == 0);
  REQUIRE(MergeScanTallies(f.store->db()).ok());
  CHECK(MonthlyReport(*f.store, month).rows == before);
  CHECK(MonthlyReport(*f.store, month, ScanTail::kSkip).rows == before);
}

TEST_CASE("poverty report: share from registered-poor households", "[audit]") {
  RegistryFixture f;
  BrandInput b{"白沙绿茶", "regional-public", "469025", "provincial", "", 2019, {f.tea}};
  int64_t brand = AddBrand(*f.store, b)->brand.id;
  auto l1 = f.TeaLot();  // 12 kg poor + 8 kg not
  l1.brand_id = brand;
  REQUIRE(IssueLot(*f.store, l1).ok());
  auto l2 = f.TeaLot();
  l2.brand_id = brand;
  l2.households = {{"H-0003", 10000, false}, {"H-0004", 3333, true}};
  REQUIRE(IssueLot(*f.store, l2).ok());
  Report r = PovertyReport(*f.store);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0]["household_kg"] == "33.333");
  CHECK(r.rows[0]["poor_kg"] == "15.333");
  CHECK(r.rows[0]["poor_share_percent"] == "46.0");  // 15.333 / 33.333 = 45.999… → 46.0
  CHECK(r.rows[0]["brand"] == "白沙绿茶");
  CHECK(r.rows[0]["lots"] == 2);
}

TEST_CASE("monthly report and its CSV for spreadsheets", "[audit]") {
  RegistryFixture f;
  auto lot = IssueLot(*f.store, f.TeaLot(40));
  std::string packed = lot->record["packed"];
  AddUnitCodes(*f.store, lot->code, 2, "M");
  AddScan(*f.store, "M100001", "unit", packed + "T05:00:00Z", "n");
  REQUIRE(IssueLot(*f.store, f.TeaLot(60)).ok());
  Report r = MonthlyReport(*f.store, packed.substr(0, 7));
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0]["region_name"] == "南溪村");
  CHECK(r.rows[0]["lots"] == 2);
  CHECK(r.rows[0]["units"] == 100);
  CHECK(r.rows[0]["kg"] == "25.000");
  CHECK(r.rows[0]["scans"] == 1);
  std::string csv = ReportCsv(r);
  CHECK(csv.rfind("\xEF\xBB\xBFregion,region_name,lots,units,kg,products,scans\r\n", 0) == 0);
  CHECK(csv.find("469025100201,南溪村,2,100,25.000,1,1\r\n") != std::string::npos);
  CHECK(MonthlyReport(*f.store, "1999-01").rows.empty());
  Report quoted{"t", "t", {"a"}, Json::array({{{"a", "x,\"y\""}}})};
  CHECK(ReportCsv(quoted).find("\"x,\"\"y\"\"\"") != std::string::npos);
}

TEST_CASE("report parameters: years and months are checked, reports become JSON", "[audit]") {
  CHECK(CheckReportYear("2026").ok());
  for (const char* bad : {"26", "20260", "abcd", "", "2026-04"}) {
    INFO(bad);
    Status s = CheckReportYear(bad);
    CHECK(s.code() == StatusCode::kInvalid);
    CHECK(s.reason() == "report-year");
  }
  CHECK(CheckReportMonth("2026-04").ok());
  CHECK(CheckReportMonth("2026-12").ok());
  for (const char* bad : {"2026-13", "2026-00", "2026-4", "2026", "2026-04-01", "x"}) {
    INFO(bad);
    Status s = CheckReportMonth(bad);
    CHECK(s.code() == StatusCode::kInvalid);
    CHECK(s.reason() == "report-month");
    CHECK(s.zh().find("YYYY-MM") != std::string::npos);
  }
  Report r{"标题", "title", {"a", "b"}, Json::array({{{"a", "x"}, {"b", 1}}})};
  CHECK(ReportJson(r) == Json{{"title_zh", "标题"},
                              {"title_en", "title"},
                              {"columns", {"a", "b"}},
                              {"rows", {{{"a", "x"}, {"b", 1}}}}});
}

TEST_CASE("hgz reports: certificates per organisation and month, lots without one", "[audit][hgz]") {
  RegistryFixture f;
  const std::string covered = IssueLot(*f.store, f.TeaLot(100))->code;    // 25 kg
  const std::string uncovered = IssueLot(*f.store, f.TeaLot(40))->code;   // 10 kg
  const std::string recalled = IssueLot(*f.store, f.TeaLot(10))->code;
  REQUIRE(RecallLot(*f.store, recalled, "抽检不合格").ok());
  REQUIRE(IssueHgz(*f.store, testing::SampleHgz(covered)).ok());  // 12.5 kg
  HgzInput pieces = testing::SampleHgz(covered);
  pieces.weight_g = 0, pieces.pieces = 10;  // 2.5 kg
  REQUIRE(IssueHgz(*f.store, pieces).ok());

  Report r = HgzReport(*f.store);
  const std::string month = TodayShanghai().substr(0, 7);
  const std::string packed_month = DaysAgo(5).substr(0, 7);
  const Json* row = Row(r, "month", month);
  REQUIRE(row);
  CHECK((*row)["organisation"] == "白沙县牙叉镇茶叶专业合作社");
  CHECK((*row)["credit_code"] == "91350100M000100Y43");
  CHECK((*row)["certificates"] == 2);
  CHECK((*row)["lots_covered"] == 1);
  CHECK((*row)["covered_kg"] == "15.000");
  if (packed_month == month) {  // the lots were packed five days ago: the same month or the last
    CHECK((*row)["lots_packed"] == 3);
    CHECK((*row)["packed_kg"] == "37.500");
    CHECK((*row)["covered_percent"] == "40.0");
  } else {
    CHECK((*row)["lots_packed"] == 0);
    CHECK((*row)["covered_percent"].is_null());
    const Json* earlier = Row(r, "month", packed_month);
    REQUIRE(earlier);
    CHECK((*earlier)["certificates"] == 0);
    CHECK((*earlier)["packed_kg"] == "37.500");
  }

  Report without = LotsWithoutHgzReport(*f.store);
  REQUIRE(without.rows.size() == 1);  // neither the covered lot nor the recalled one
  CHECK(without.rows[0]["lot"] == uncovered);
  CHECK(without.rows[0]["kg"] == "10.000");
  CHECK(ReportCsv(without).find(uncovered) != std::string::npos);
}
