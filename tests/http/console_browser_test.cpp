// Real Chromium through chromedriver (python3-selenium, tests/http/console_browser.py): a clerk
// signs in with a one-time password, is made to change it, lands on the home page with its
// lots, and signs out. Screenshots at 390 and 1280 px land in ScreenshotDir()
// (tests/support/screenshots.h).
#include <sys/stat.h>

#include "tests/http/console_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

TEST_CASE("Chromium: first sign-in, forced password change, home page, sign-out", "[browser]") {
  struct stat st;
  if (stat("/usr/bin/chromedriver", &st) != 0 ||
      stat("/usr/lib/python3/dist-packages/selenium", &st) != 0)
    FAIL("chromedriver or selenium is missing: scripts/install-deps.sh test");

  ConsoleFixture f;
  std::string lot = f.Issue(f.TeaLot());
  f.AddUnits(lot, 12);
  f.AddAccount("wang.fang", "clerk", f.org, "Kp7mQ2xR9tWz", true);
  f.Start();
  const std::string base = "http://127.0.0.1:" + std::to_string(f.server->port());
  const std::string artifacts = ScreenshotDir();

  auto r = RunProcess({"/usr/bin/python3", AGRITRACE_SOURCE_DIR "/tests/http/console_browser.py",
                       base, "wang.fang", "Kp7mQ2xR9tWz", "茶园春天-2026", artifacts});
  INFO(r.out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  for (const char* step :
       {"STEP login-page", "STEP forced-password-change", "STEP home", "STEP signed-out"})
    CHECK(Contains(r.out, step));
  CHECK(Contains(r.out, "白沙县牙叉镇茶叶专业合作社"));
  CHECK(Contains(r.out, lot));

  for (const char* page : {"login", "password", "home"}) {
    CHECK(PngWidth(ReadFileText(artifacts + "/console-" + page + "-390.png")) == 390);
    CHECK(PngWidth(ReadFileText(artifacts + "/console-" + page + "-1280.png")) == 1280);
  }
  // What the browser did is in the registry: the new password, logged with its user.
  CHECK(CheckSignIn(LoadSignIn(*f.store, "wang.fang"), "茶园春天-2026").ok());
  CHECK_FALSE(FindUser(*f.store, "wang.fang")->must_change_password);
  CHECK(f.Rows("sessions") == 0);  // signed out
  sql::Statement q(f.store->db(),
                   "SELECT leaf FROM events WHERE kind = 'user.password-changed'");
  REQUIRE(q.Step());
  CHECK(Contains(q.Column(0).String(), "\"actor\":\"user:wang.fang\""));
}
