// Issue 13's proof as one story in real Chromium (tests/http/console_scenario.py): on a registry
// holding only regions and a bureau-admin, the bureau-admin adds a cooperative and its clerk, the
// clerk changes the one-time password and adds a product, the bureau-admin certifies it, the
// clerk issues a lot of three pasted households, is refused one over the certified output, mints
// 100 codes and downloads the A4 sheet whose QR code opens the consumer page; a wrong password,
// throttling, a form without its CSRF token, another organisation's clerk and a disabled clerk's
// open session are refused on the way. Here: what all that left in the database, and nothing
// more (the refusals wrote nothing).
#include <sys/stat.h>

#include "agritrace/labeler/code_parser.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/regions.h"
#include "agritrace/registry/users.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

// The value after `tag ` on its line of `out`.
std::string LineValue(const std::string& out, const std::string& tag) {
  size_t at = out.find("\n" + tag + " ");
  if (at == std::string::npos) return "";
  at += tag.size() + 2;
  return out.substr(at, out.find_first_of(" \n", at) - at);
}

// A registry with its signing key and the regions a bureau registers first; no organisation.
struct ScenarioRegistry {
  TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<http::Server> server;

  ScenarioRegistry() {
    auto s = Store::Open(dir / "registry.db", OpenMode::kCreate);
    REQUIRE(s.ok());
    store = std::move(s).value();
    REQUIRE(store->Transact([&]() -> Status {
                store->SetMeta("name", "trace.test.example");
                store->SetMeta("base_url", "https://v.test.example");
                auto k = CreateSigningKey(*store);
                return k.ok() ? Status::Ok() : k.status();
              }).ok());
    for (auto r : std::vector<RegionInput>{{"469025", "白沙黎族自治县", false},
                                           {"469025100000", "牙叉镇", false},
                                           {"469025100201", "南溪村", true},
                                           {"469026", "昌江黎族自治县", false}})
      REQUIRE(AddRegion(*store, r).ok());
  }

  void AddAccount(const std::string& username, const std::string& role, int64_t org,
                  const std::string& password) {
    auto h = HashPassword(password);
    REQUIRE(h.ok());
    REQUIRE(AddUser(*store, {username, role, org}, *h, false, "cli").ok());
  }

  int64_t Count(const std::string& sql) { return store->db().QueryValue(sql).Int64(); }

  // The kinds of the log's events after index `after`, in order, without the checkpoints the
  // server signs on its own schedule.
  std::vector<std::string> EventKinds(int64_t after) {
    std::vector<std::string> kinds;
    sql::Statement q(store->db(),
                     "SELECT kind FROM events WHERE idx > ? AND kind <> 'log.checkpoint' "
                     "ORDER BY idx");
    q.Bind(1, after);
    while (q.Step()) kinds.push_back(q.Column(0).String());
    return kinds;
  }
};

}  // namespace

TEST_CASE("Chromium: issue 13's whole story, bureau-admin to consumer page, with its refusals",
          "[browser]") {
  struct stat st;
  if (stat("/usr/bin/chromedriver", &st) != 0 ||
      stat("/usr/lib/python3/dist-packages/selenium", &st) != 0 || stat("/usr/bin/zbarimg", &st))
    FAIL("chromedriver, selenium or zbarimg is missing: scripts/install-deps.sh test");

  ScenarioRegistry f;
  f.AddAccount("ju.admin", "bureau-admin", 0, "局里的密码-2026");
  // Another organisation with its clerk, who must not see the cooperative's lot.
  auto other = AddOrganisation(*f.store, {"昌江某企业", "91620105L015101280", "enterprise", "469026"},
                               "cli");
  REQUIRE(other.ok());
  f.AddAccount("zhao.lei", "clerk", other->id, "昌江的密码-2026");
  const int64_t setup_events = f.Count("SELECT MAX(idx) FROM events");

  // Sign-in failures: a burst of 4 per network and per name, refilled far slower than the run.
  constexpr int kBurst = 4;
  http::ServerOptions options = TestServerOptions();
  options.auth_failure_limit = {0.0001, kBurst};
  auto server = http::Server::Open(f.store->path(), std::move(options));
  REQUIRE(server.ok());
  f.server = std::move(server).value();
  REQUIRE(f.server->Start().ok());
  TempDir downloads;

  auto r = RunProcess({"/usr/bin/python3", AGRITRACE_SOURCE_DIR "/tests/http/console_scenario.py",
                       "http://127.0.0.1:" + std::to_string(f.server->port()), "ju.admin",
                       "局里的密码-2026", "zhao.lei", "昌江的密码-2026", DaysAgo(10), DaysAgo(5),
                       downloads.path(), std::to_string(kBurst)},
                      {"PYTHONDONTWRITEBYTECODE=1"});
  INFO(r.out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  for (const char* step :
       {"STEP wrong-password-refused", "STEP admin-signed-in", "STEP organisation-added",
        "STEP clerk-added", "STEP clerk-password-changed", "STEP csrf-refused",
        "STEP product-added", "STEP certification-added", "STEP lot-issued",
        "STEP over-output-refused", "STEP minted", "STEP downloaded labels-", "STEP consumer-page",
        "STEP other-organisation-not-found", "STEP disabled-session-ended", "STEP throttled"})
    CHECK(Contains(r.out, step));

  // The organisation, its clerk (password changed, then disabled, no session left) and product.
  const std::string org = LineValue(r.out, "ORG");
  REQUIRE_FALSE(org.empty());
  CHECK(f.Count("SELECT COUNT(*) FROM organisations WHERE credit_code = '91460000MA5T0000FT' "
                "AND id = " + org) == 1);
  auto clerk = FindUser(*f.store, "li.na");
  REQUIRE(clerk.ok());
  CHECK(std::to_string(clerk->org_id) == org);
  CHECK_FALSE(clerk->must_change_password);
  CHECK(clerk->disabled);
  CHECK(f.Count("SELECT COUNT(*) FROM sessions WHERE user_id = " + std::to_string(clerk->id)) == 0);
  // The form without its CSRF token wrote nothing: one product, the one added with its token.
  CHECK(f.Count("SELECT COUNT(*) FROM products") == 1);
  CHECK(f.Count("SELECT COUNT(*) FROM products WHERE name = '南溪红茶' AND id = " +
                LineValue(r.out, "PRODUCT") + " AND org_id = " + org) == 1);
  auto cert = GetCertification(*f.store, "WGH-HN-26-00888");
  REQUIRE(cert.ok());
  CHECK(std::to_string(cert->holder) == org);

  // One lot, of three households, under the certificate; the refused one left no lot.
  REQUIRE(f.Count("SELECT COUNT(*) FROM lots") == 1);
  const std::string code = f.store->db().QueryValue("SELECT code FROM lots").String();
  CHECK(LineValue(r.out, "LOT") == code);
  auto lot = GetLot(*f.store, code);
  REQUIRE(lot.ok());
  CHECK(lot->record["households"].size() == 3);
  CHECK(lot->record["total_g"] == 25000);
  CHECK(f.Count("SELECT COUNT(*) FROM units") == 100);
  auto parsed = labeler::ParseCode(LineValue(r.out, "QR"));
  REQUIRE(parsed.ok());
  CHECK(f.Count("SELECT COUNT(*) FROM units WHERE code = '" + parsed->code + "'") == 1);

  // The log holds exactly the story's changes, each by the user who made it in the browser
  // (a print run's end names its run, whose start names the user): nothing from the CSRF-less
  // form, the lot over the certified output or the refused sign-ins.
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"organisation.added", "ju.admin"}, {"user.added", "ju.admin"},
      {"user.password-changed", "li.na"}, {"product.added", "li.na"},
      {"certification.added", "ju.admin"}, {"lot.issued", "li.na"},
      {"units.minted", "li.na"},          {"labels.print-started", "li.na"},
      {"labels.print-ended", ""},         {"user.disabled", "ju.admin"}};
  std::vector<std::string> kinds;
  for (const auto& [kind, _] : expected) kinds.push_back(kind);
  CHECK(f.EventKinds(setup_events) == kinds);
  for (const auto& [kind, user] : expected) {
    if (user.empty()) continue;
    sql::Statement q(f.store->db(), "SELECT leaf FROM events WHERE kind = ? AND idx > ?");
    q.Bind(1, kind);
    q.Bind(2, setup_events);
    REQUIRE(q.Step());
    INFO(kind);
    CHECK(Contains(q.Column(0).String(), "\"actor\":\"user:" + user + "\""));
  }

  // The other organisation's clerk was answered "no such lot", and the bureau sees why.
  sql::Statement denial(f.store->db(), "SELECT route, reason FROM access_denials");
  REQUIRE(denial.Step());
  CHECK(denial.Column(0).String() == "GET /console/lots/" + code);
  CHECK(Contains(denial.Column(1).String(), "zhao.lei"));
  CHECK_FALSE(denial.Step());
  // Sign-in failures: the first wrong password and the burst's rest were checked and logged;
  // the throttled ones (even the right password) were refused before any check.
  CHECK(f.Count("SELECT COUNT(*) FROM sign_in_failures WHERE username = 'ju.admin' AND "
                "reason = 'wrong-password'") == kBurst);
  CHECK(f.Count("SELECT COUNT(*) FROM sign_in_failures") == kBurst);
}
