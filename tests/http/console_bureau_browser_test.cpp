// Real Chromium through chromedriver (tests/http/console_bureau.py): a bureau-admin adds an
// organisation, a certification and a clerk, and reads the clerk's one-time password off the
// page; the clerk signs in with it and is sent to change it. Screenshots of the organisations
// and audit pages at 390 and 1280 px land in <build>/test-artifacts/ (docs/images/ holds copies).
#include <sys/stat.h>

#include "tests/http/console_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

TEST_CASE("Chromium: bureau-admin adds an organisation, a certification and a clerk", "[browser]") {
  struct stat st;
  if (stat("/usr/bin/chromedriver", &st) != 0 ||
      stat("/usr/lib/python3/dist-packages/selenium", &st) != 0)
    FAIL("chromedriver or selenium is missing: scripts/install-deps.sh test");

  ConsoleFixture f;
  f.AddAccount("ju.admin", "bureau-admin", 0, "局里的密码-2026");
  f.Start();
  const std::string artifacts = ScreenshotDir();
  auto r =
      RunProcess({"/usr/bin/python3", AGRITRACE_SOURCE_DIR "/tests/http/console_bureau.py",
                  "http://127.0.0.1:" + std::to_string(f.server->port()), "ju.admin",
                  "局里的密码-2026", std::to_string(f.org), std::to_string(f.coffee), artifacts});
  INFO(r.out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  for (const char* step :
       {"STEP organisation-added", "STEP certification-added", "STEP clerk-added",
        "STEP screenshots", "STEP clerk-must-change-password"})
    CHECK(Contains(r.out, step));

  // What the browser did is in the registry, each change naming the bureau-admin.
  sql::Statement org(
      f.store->db(), "SELECT COUNT(*) FROM organisations WHERE credit_code = '91460000MA5T0000FT'");
  REQUIRE(org.Step());
  CHECK(org.Column(0).Int64() == 1);
  auto cert = GetCertification(*f.store, "WGH-HN-26-00888");
  REQUIRE(cert.ok());
  CHECK(cert->holder == f.org);
  auto clerk = FindUser(*f.store, "li.na");
  REQUIRE(clerk.ok());
  CHECK(clerk->must_change_password);
  CHECK(clerk->org_id == f.org);
  for (const char* kind : {"organisation.added", "certification.added", "user.added"}) {
    sql::Statement q(f.store->db(), "SELECT leaf FROM events WHERE kind = ? ORDER BY idx DESC");
    q.Bind(1, kind);
    REQUIRE(q.Step());
    CHECK(Contains(q.Column(0).String(), "\"actor\":\"user:ju.admin\""));
  }
  for (const char* page : {"orgs", "audit"}) {
    CHECK(PngWidth(ReadFileText(artifacts + "/console-" + page + "-390.png")) == 390);
    CHECK(PngWidth(ReadFileText(artifacts + "/console-" + page + "-1280.png")) == 1280);
  }
}
