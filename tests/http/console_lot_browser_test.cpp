// Real Chromium through chromedriver (python3-selenium, tests/http/console_lot_page.py): a clerk
// opens a lot, adds a trace step, mints 100 codes, downloads the A4 PDF, a QR code from the file
// decodes (zbarimg) to a minted code whose consumer page opens. Screenshots of the lot page at
// 390 and 1280 px land in <build>/test-artifacts/, or in $AGRITRACE_SCREENSHOTS when set
// (docs/images/ for the guide).
#include <sys/stat.h>

#include <cstdlib>

#include "agritrace/labeler/code_parser.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/scan_store.h"
#include "tests/http/console_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

// The value after `tag ` on its line of `out`.
std::string LineValue(const std::string& out, const std::string& tag) {
  size_t at = out.find(tag + " ");
  if (at == std::string::npos) return "";
  at += tag.size() + 1;
  return out.substr(at, out.find_first_of(" \n", at) - at);
}

}  // namespace

TEST_CASE("Chromium: a lot's page, a trace step, 100 codes, the A4 PDF decoded and opened",
          "[browser]") {
  struct stat st;
  if (stat("/usr/bin/chromedriver", &st) != 0 ||
      stat("/usr/lib/python3/dist-packages/selenium", &st) != 0 || stat("/usr/bin/zbarimg", &st))
    FAIL("chromedriver, selenium or zbarimg is missing: scripts/install-deps.sh test");

  ConsoleFixture f;
  const std::string lot = f.Issue(f.TeaLot(100));
  REQUIRE(AddTraceEvent(*f.store, lot, "packing", "2026-11-20T08:00:00+08:00", "", "", "装箱")
              .ok());
  // Scans of the lot code over the last days, for the chart in the screenshots.
  std::vector<ScanRow> scans;
  for (int day = 12; day >= 0; --day)
    for (int i = 0; i < (day * 7) % 11 + 1; ++i)
      scans.push_back({lot, "lot", AddDays(TodayShanghai(), -day) + "T02:00:00Z",
                       "net" + std::to_string(i)});
  REQUIRE(InsertScans(f.store->db(), scans).ok());
  f.AddAccount("wang.fang", "clerk", f.org, "茶园春天-2026");
  f.Start();
  const std::string base = "http://127.0.0.1:" + std::to_string(f.server->port());
  const std::string shots = ScreenshotDir();
  TempDir downloads;

  auto r = RunProcess({"/usr/bin/python3", AGRITRACE_SOURCE_DIR "/tests/http/console_lot_page.py",
                       base, "wang.fang", "茶园春天-2026", lot, shots, downloads.path()});
  INFO(r.out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  for (const char* step : {"STEP lot-page", "STEP trace-step", "STEP minted",
                           "STEP downloaded labels-" , "STEP consumer-page"})
    CHECK(Contains(r.out, step));

  // What the browser did is in the registry, by the clerk.
  sql::Statement trace(f.store->db(),
                       "SELECT actor, note FROM trace_events WHERE step = 'shipping'");
  REQUIRE(trace.Step());
  CHECK(trace.Column(0).String() == "user:wang.fang");
  CHECK(trace.Column(1).String() == "冷链车发往海口批发市场");
  CHECK(f.Rows("units") == 100);
  // The decoded QR is one of the minted codes, and its consumer page showed the product.
  auto parsed = labeler::ParseCode(LineValue(r.out, "QR"));
  REQUIRE(parsed.ok());
  CHECK(f.store->db()
            .QueryValue("SELECT COUNT(*) FROM units WHERE code = '" + parsed->code + "'")
            .Int64() == 1);
  CHECK(Contains(r.out, "白沙绿茶"));

  CHECK(PngWidth(ReadFileText(shots + "/console-lot-page-390.png")) == 390);
  CHECK(PngWidth(ReadFileText(shots + "/console-lot-page-1280.png")) == 1280);
}
