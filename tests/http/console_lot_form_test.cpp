// Real Chromium through chromedriver (python3-selenium, tests/http/console_lot_form.py): a
// clerk adds a product, issues a lot of three households pasted from a spreadsheet after a
// preview of the totals, and is refused a lot over the certified output, the reason beside the
// certificates. Screenshots of the lot form at 390 and 1280 px land in <build>/test-artifacts/,
// or in $AGRITRACE_SCREENSHOTS (e.g. docs/images, relative to the source tree) when it is set.
#include <sys/stat.h>

#include <cstdlib>

#include "agritrace/registry/products.h"
#include "tests/http/console_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

TEST_CASE("Chromium: a product added, a lot pasted, previewed and issued, one over output refused",
          "[browser]") {
  struct stat st;
  if (stat("/usr/bin/chromedriver", &st) != 0 ||
      stat("/usr/lib/python3/dist-packages/selenium", &st) != 0)
    FAIL("chromedriver or selenium is missing: scripts/install-deps.sh test");

  ConsoleFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, "茶园春天-2026");
  f.Start();
  const std::string base = "http://127.0.0.1:" + std::to_string(f.server->port());
  const std::string out = ScreenshotDir();

  auto r = RunProcess({"/usr/bin/python3", AGRITRACE_SOURCE_DIR "/tests/http/console_lot_form.py",
                       base, "wang.fang", "茶园春天-2026", DaysAgo(10), DaysAgo(5), out});
  INFO(r.out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  for (const char* step : {"STEP signed-in", "STEP product-added", "STEP previewed", "STEP issued",
                           "STEP listed", "STEP over-output-refused"})
    CHECK(Contains(r.out, step));

  // What the browser did is in the registry: one product more, one lot of three households,
  // issued by the user; the refused lot left nothing.
  sql::Statement p(f.store->db(), "SELECT id FROM products WHERE name = '白沙红茶'");
  REQUIRE(p.Step());
  REQUIRE(f.Rows("lots") == 1);
  const std::string code = f.store->db().QueryValue("SELECT code FROM lots").String();
  CHECK(Contains(r.out, "LOT " + code));
  auto lot = GetLot(*f.store, code);
  REQUIRE(lot.ok());
  CHECK(lot->record["product"]["name"] == "白沙红茶");
  CHECK(lot->record["households"].size() == 3);
  CHECK(lot->record["total_g"] == 25000);
  sql::Statement ev(f.store->db(), "SELECT leaf FROM events WHERE kind = 'lot.issued'");
  REQUIRE(ev.Step());
  CHECK(Contains(ev.Column(0).String(), "\"actor\":\"user:wang.fang\""));

  CHECK(PngWidth(ReadFileText(out + "/console-lot-form-390.png")) == 390);
  CHECK(PngWidth(ReadFileText(out + "/console-lot-form-1280.png")) == 1280);
}
