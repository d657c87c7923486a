// The bureau's reports over HTTP: bureau token only (401 without, 403 and logged for a
// cooperative), JSON valid against schemas/report.schema.json, CSV with BOM, and the known
// answers of the seeded registry (tests/http/audit_fixture.h).
#include "agritrace/registry/table_import.h"
#include "tests/http/audit_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

const std::vector<std::string> kRoutes = {"certs",         "refusals", "scans",
                                          "unknown-scans", "poverty",  "monthly?month=2026-04"};

Json ReportOf(AuditFixture& f, const std::string& path) {
  auto r = f.GetAs(f.bureau_token, path);
  REQUIRE(r);
  INFO(path << ": " << r->body);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/json; charset=utf-8");
  CHECK(r->get_header_value("Cache-Control") == "no-store");
  CHECK(SchemaErrors("report.schema.json", r->body) == "");
  return Json::parse(r->body);
}

const Json* RowWith(const Json& report, const std::string& key, const std::string& value) {
  for (const auto& row : report["rows"])
    if (row[key] == value) return &row;
  return nullptr;
}

}  // namespace

TEST_CASE("audit API: only a bureau token is served", "[audit_api]") {
  AuditFixture f;
  f.Start();
  for (const auto& route : kRoutes) {
    const std::string path = "/api/v1/audit/" + route;
    INFO(path);
    auto none = f.Get(path);
    REQUIRE(none);
    CHECK(none->status == 401);
    CHECK(none->get_header_value("Content-Type") == "application/problem+json");
    CHECK(Contains(none->get_header_value("WWW-Authenticate"), "Bearer"));
    CHECK(f.GetAs("agt_not-a-token", path)->status == 401);

    const int64_t denials = f.Denials();
    auto coop = f.GetAs(f.coop_token, path);
    REQUIRE(coop);
    CHECK(coop->status == 403);
    CHECK(Json::parse(coop->body)["type"] == "urn:agritrace:problem:forbidden-role");
    CHECK(f.Denials() == denials + 1);  // the attempt is logged

    ReportOf(f, path);
  }
  // The page's cookie is not a token here: the JSON API takes bearer tokens only (no CSRF
  // defence); the page's own downloads under /audit/csv/ take it.
  auto cookie = f.Get("/api/v1/audit/refusals", {{"Cookie", "agritrace_token=" + f.bureau_token}});
  REQUIRE(cookie);
  CHECK(cookie->status == 401);
  auto page_csv =
      f.Get("/audit/csv/refusals", {{"Cookie", "agritrace_token=" + f.bureau_token}});
  REQUIRE(page_csv);
  CHECK(page_csv->status == 200);
}

TEST_CASE("audit API: the seeded registry's known answers, as JSON and CSV", "[audit_api]") {
  AuditFixture f;
  f.Start();
  Json certs = ReportOf(f, "/api/v1/audit/certs?year=" + f.year);
  REQUIRE(certs["rows"].size() == 4);
  const Json* over = RowWith(certs, "number", f.over_cert);
  REQUIRE(over);
  CHECK((*over)["certified_kg"] == "10.000");
  CHECK((*over)["issued_kg"] == "10.000");
  CHECK((*over)["labelled_kg"] == "11.000");
  CHECK((*over)["over_output"] == true);
  CHECK((*over)["lots"] == 1);
  CHECK((*over)["holder"] == kHostileHolder);
  const Json* soon = RowWith(certs, "number", f.soon_cert);
  REQUIRE(soon);
  CHECK((*soon)["days_to_expiry"] == 30);
  CHECK((*soon)["expiring_soon"] == true);
  // Another year has the certificates but none of this year's lots.
  Json other = ReportOf(f, "/api/v1/audit/certs?year=1999");
  CHECK((*RowWith(other, "number", f.over_cert))["lots"] == 0);

  auto csv = f.GetAs(f.bureau_token, "/api/v1/audit/certs?year=" + f.year + "&format=csv");
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  CHECK(csv->get_header_value("Content-Disposition") ==
        "attachment; filename=\"agritrace-certs-" + f.year + ".csv\"");
  CHECK(csv->body.rfind("\xEF\xBB\xBFnumber,type,holder,status,valid_to,days_to_expiry,"
                        "expiring_soon,certified_kg,lots,issued_kg,labelled_kg,over_output\r\n",
                        0) == 0);
  CHECK(Count(csv->body, "\r\n") == 5);  // header and four certificates
  // RFC 4180: the holder's quotes are doubled inside a quoted field.
  CHECK(Contains(csv->body, f.over_cert +
                                ",pollution-free,\"合作社<script>alert(\"\"x\"\")</script>\","
                                "active,"));
  CHECK(Contains(csv->body, ",false,10.000,1,10.000,11.000,true\r\n"));

  // As an Excel workbook, read back by the import reader: Chinese headings, counts and
  // kilograms as number cells, the hostile holder as plain text.
  auto xlsx = f.GetAs(f.bureau_token, "/api/v1/audit/certs?year=" + f.year + "&format=xlsx");
  REQUIRE(xlsx);
  CHECK(xlsx->status == 200);
  CHECK(xlsx->get_header_value("Content-Disposition") ==
        "attachment; filename=\"agritrace-certs-" + f.year + ".xlsx\"");
  std::vector<TableRow> rows;
  REQUIRE(ForEachTableRow(xlsx->body, [&](const TableRow& row) {
            rows.push_back(row);
            return Status::Ok();
          }).ok());
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].cells[0].text == "证书编号");
  CHECK(rows[0].cells[9].text == "发放量（公斤）");
  bool found = false;
  for (const TableRow& row : rows) {
    if (row.cells[0].text != f.over_cert) continue;
    found = true;
    CHECK(row.cells[2].text == "合作社<script>alert(\"x\")</script>");
    CHECK((row.cells[8].number && row.cells[8].text == "1"));    // lots
    CHECK((row.cells[10].number && row.cells[10].text == "11"));  // labelled_kg
    CHECK(row.cells[11].text == "TRUE");                         // over_output
  }
  CHECK(found);

  Json refusals = ReportOf(f, "/api/v1/audit/refusals");
  REQUIRE(refusals["rows"].size() == 1);
  CHECK(refusals["rows"][0]["reason"] == "cert-unknown");
  CHECK(Contains(refusals["rows"][0]["message"], kHostileCert));

  Json copied = ReportOf(f, "/api/v1/audit/scans");
  REQUIRE(copied["rows"].size() == 1);
  CHECK(copied["rows"][0]["code"] == "C100001");
  CHECK(copied["rows"][0]["scans"] == 7);
  CHECK(copied["rows"][0]["lot"] == f.lot);
  CHECK(ReportOf(f, "/api/v1/audit/scans?threshold=7")["rows"].empty());
  CHECK(ReportOf(f, "/api/v1/audit/scans?threshold=0")["rows"].size() == 2);
  CHECK(ReportOf(f, "/api/v1/audit/scans?lot=0000000000")["rows"].empty());

  Json unknown = ReportOf(f, "/api/v1/audit/unknown-scans");
  REQUIRE(unknown["rows"].size() == 1);
  CHECK(unknown["rows"][0]["day"] == "2026-04-12");
  CHECK(unknown["rows"][0]["scans"] == 2);

  Json poverty = ReportOf(f, "/api/v1/audit/poverty");
  REQUIRE(poverty["rows"].size() == 1);
  CHECK(poverty["rows"][0]["household_kg"] == "20.000");
  CHECK(poverty["rows"][0]["poor_share_percent"] == "60.0");

  auto monthly = f.GetAs(f.bureau_token, "/api/v1/audit/monthly?month=" + f.month + "&format=csv");
  REQUIRE(monthly);
  CHECK(monthly->status == 200);
  CHECK(monthly->get_header_value("Content-Disposition") ==
        "attachment; filename=\"agritrace-monthly-" + f.month + ".csv\"");
  CHECK(monthly->body ==
        "\xEF\xBB\xBFregion,region_name,lots,units,kg,products,scans\r\n"
        "469025100201,南溪村,1,40,10.000,1,8\r\n");
}

TEST_CASE("audit API: bad parameters are problems, in zh and en", "[audit_api]") {
  AuditFixture f;
  f.Start();
  struct Case {
    std::string path;
    int status;
    std::string type;
  };
  for (const Case& c : std::vector<Case>{
           {"/api/v1/audit/monthly", 400, "parameter-missing"},
           {"/api/v1/audit/monthly?month=2026-13", 422, "report-month"},
           {"/api/v1/audit/monthly?month=2026-04-01", 422, "report-month"},
           {"/api/v1/audit/certs?year=20x6", 422, "report-year"},
           {"/api/v1/audit/certs?format=xml", 422, "parameter-out-of-range"},
           {"/api/v1/audit/scans?threshold=-1", 400, "parameter-invalid"},
           {"/api/v1/audit/scans?networks=lots", 400, "parameter-invalid"},
           {"/api/v1/audit/scans?threshold=99999999999", 422, "parameter-out-of-range"},
           {"/api/v1/audit/scans?networks=16", 422, "parameter-out-of-range"},
       }) {
    INFO(c.path);
    ExpectProblem(f.GetAs(f.bureau_token, c.path), c.status, c.type);
  }
  // The reports only read: a POST is refused before anything else.
  auto c = f.Client();
  auto post = c.Post("/api/v1/audit/certs", {{"Authorization", "Bearer " + f.bureau_token}}, "{}",
                     "application/json");
  REQUIRE(post);
  CHECK(post->status == 405);
}
