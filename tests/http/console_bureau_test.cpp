// The bureau's console pages over HTTP on 127.0.0.1 (issue 13): organisations, certifications and
// accounts through the registry's services with the signed-in user as actor; who may do what
// (403 and nothing written otherwise, the denial logged); a disable ending a session; the audit
// page's logs; the home page's alerts; CSRF.
#include "http/http_response.h"
#include "tests/http/console_fixture.h"
#include "tests/support/audit_seed.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

constexpr const char* kAdminPassword = "局里的密码-2026";
constexpr const char* kManagerPassword = "合作社负责人-2026";

std::string Location(const httplib::Result& r) { return r ? r->get_header_value("Location") : ""; }

// The newest log event of `kind`, as stored.
std::string LastEvent(ConsoleFixture& f, const std::string& kind) {
  sql::Statement q(f.store->db(), "SELECT leaf FROM events WHERE kind = ? ORDER BY idx DESC");
  q.Bind(1, kind);
  return q.Step() ? q.Column(0).String() : "";
}

// The one-time password a page shows once.
std::string OneTimePassword(const std::string& html) {
  static const std::regex kShown("id=\"one-time-password\">([^<]+)<");
  std::smatch m;
  return std::regex_search(html, m, kShown) ? m[1].str() : "";
}

struct BureauFixture : ConsoleFixture {
  std::string admin, admin_csrf;

  BureauFixture() {
    AddAccount("ju.admin", "bureau-admin", 0, kAdminPassword);
    Start();
    admin = SignIn("ju.admin", kAdminPassword);
    admin_csrf = CsrfFor(admin, "/console/orgs");
  }

  int64_t Denials() { return Rows("access_denials"); }
};

}  // namespace

TEST_CASE("bureau-admin adds an organisation, a bad credit code refused with nothing written",
          "[console][bureau]") {
  BureauFixture f;
  const int64_t orgs = f.Rows("organisations"), events = f.Rows("events");
  auto bad = f.PostForm("/console/orgs",
                        {{"csrf", f.admin_csrf},
                         {"name", "白沙县元门村蜂蜜合作社"},
                         {"credit_code", "91350100M000100Y4Z"},
                         {"kind", "cooperative"},
                         {"region", "469025101202"}},
                        f.admin);
  REQUIRE(bad);
  CHECK(bad->status == 422);
  CHECK(Contains(bad->body, "统一社会信用代码"));
  // What was typed stays in the form.
  CHECK(Contains(bad->body, "value=\"白沙县元门村蜂蜜合作社\""));
  CHECK(f.Rows("organisations") == orgs);
  CHECK(f.Rows("events") == events);

  auto good = f.PostForm("/console/orgs",
                         {{"csrf", f.admin_csrf},
                          {"name", "白沙县元门村蜂蜜合作社"},
                          {"credit_code", "91460000MA5T0000FT"},
                          {"kind", "cooperative"},
                          {"region", "469025101202"}},
                         f.admin);
  REQUIRE(good);
  INFO(good->body);
  REQUIRE(good->status == 303);
  CHECK(f.Rows("organisations") == orgs + 1);
  const std::string event = LastEvent(f, "organisation.added");
  CHECK(Contains(event, "\"actor\":\"user:ju.admin\""));
  CHECK(Contains(event, "白沙县元门村蜂蜜合作社"));
  auto page = f.GetWith(Location(good), f.admin);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(Contains(page->body, "白沙县元门村蜂蜜合作社"));

  // Search by name and by the start of the credit code, paged.
  auto by_name = f.GetWith("/console/orgs?q=" + http::PercentEncode("蜂蜜"), f.admin);
  CHECK(Contains(by_name->body, "白沙县元门村蜂蜜合作社"));
  CHECK_FALSE(Contains(by_name->body, "昌江某企业"));
  auto by_code = f.GetWith("/console/orgs?q=9162", f.admin);
  CHECK(Contains(by_code->body, "昌江某企业"));
  CHECK_FALSE(Contains(by_code->body, "白沙县元门村蜂蜜合作社"));
  CHECK(f.GetWith("/console/orgs?page=0", f.admin)->status == 422);
  // LIKE's wildcards match only themselves; an over-long search is cut and said so.
  CHECK(Contains(f.GetWith("/console/orgs?q=%25", f.admin)->body, "共 0 个"));
  CHECK(Contains(f.GetWith("/console/orgs?q=9_", f.admin)->body, "共 0 个"));
  auto long_query = f.GetWith("/console/orgs?q=" + std::string(300, 'a'), f.admin);
  CHECK(long_query->status == 422);
  CHECK(Contains(long_query->body, "查找内容太长"));
}

TEST_CASE("bureau-admin registers a certification, suspends and reinstates it with a reason",
          "[console][bureau]") {
  BureauFixture f;
  const int64_t certs = f.Rows("certifications");
  httplib::Params form{{"csrf", f.admin_csrf},
                       {"type", "pollution-free"},
                       {"number", "WGH-HN-26-00777"},
                       {"issuer", "海南省农业农村厅"},
                       {"holder", std::to_string(f.org)},
                       {"products", std::to_string(f.tea) + ", " + std::to_string(f.coffee)},
                       {"valid_from", DaysAgo(10)},
                       {"valid_to", DaysAgo(-700)},
                       {"annual_output_kg", "abc"}};
  // Not a number: refused before the service, nothing written.
  auto bad = f.PostForm("/console/certs", form, f.admin);
  REQUIRE(bad);
  CHECK(bad->status == 422);
  CHECK(Contains(bad->body, "年核定产量应为公斤数"));
  CHECK(f.Rows("certifications") == certs);
  // The service's own check: a product of another organisation.
  for (auto& [k, v] : form)
    if (k == "annual_output_kg") v = "5000";
  for (auto& [k, v] : form)
    if (k == "products") v = std::to_string(f.other_product);
  auto foreign = f.PostForm("/console/certs", form, f.admin);
  CHECK(foreign->status == 422);
  CHECK(Contains(foreign->body, "不属于持证主体"));
  CHECK(f.Rows("certifications") == certs);

  for (auto& [k, v] : form)
    if (k == "products") v = std::to_string(f.tea) + "，" + std::to_string(f.coffee);
  auto added = f.PostForm("/console/certs", form, f.admin);
  REQUIRE(added);
  INFO(added->body);
  REQUIRE(added->status == 303);
  CHECK(Location(added) == "/console/certs/WGH-HN-26-00777");
  CHECK(f.Rows("certifications") == certs + 1);
  CHECK(Contains(LastEvent(f, "certification.added"), "\"actor\":\"user:ju.admin\""));
  CHECK(GetCertification(*f.store, "WGH-HN-26-00777")->products.size() == 2);

  auto suspend = f.PostForm(
      "/console/certs/WGH-HN-26-00777/status",
      {{"csrf", f.admin_csrf}, {"action", "suspend"}, {"reason", "抽检不合格"}}, f.admin);
  REQUIRE(suspend);
  CHECK(suspend->status == 303);
  CHECK(GetCertification(*f.store, "WGH-HN-26-00777")->status == "suspended");
  std::string event = LastEvent(f, "certification.suspended");
  CHECK(Contains(event, "抽检不合格"));
  CHECK(Contains(event, "\"actor\":\"user:ju.admin\""));
  auto page = f.GetWith("/console/certs/WGH-HN-26-00777", f.admin);
  CHECK(Contains(page->body, "抽检不合格"));

  // A reason is required: refused, still suspended.
  auto no_reason =
      f.PostForm("/console/certs/WGH-HN-26-00777/status",
                 {{"csrf", f.admin_csrf}, {"action", "reinstate"}, {"reason", ""}}, f.admin);
  CHECK(no_reason->status == 422);
  CHECK(GetCertification(*f.store, "WGH-HN-26-00777")->status == "suspended");

  auto reinstate = f.PostForm(
      "/console/certs/WGH-HN-26-00777/status",
      {{"csrf", f.admin_csrf}, {"action", "reinstate"}, {"reason", "整改完成"}}, f.admin);
  CHECK(reinstate->status == 303);
  CHECK(GetCertification(*f.store, "WGH-HN-26-00777")->status == "active");
  CHECK(Contains(LastEvent(f, "certification.active"), "整改完成"));

  // Listed, and among those expiring soon only when it is.
  CHECK(Contains(f.GetWith("/console/certs", f.admin)->body, "WGH-HN-26-00777"));
  CHECK_FALSE(
      Contains(f.GetWith("/console/certs?show=expiring", f.admin)->body, "WGH-HN-26-00777"));
}

TEST_CASE("a clerk made in the console signs in once with its initial password and must change it",
          "[console][bureau]") {
  BureauFixture f;
  const std::string org_page = "/console/orgs/" + std::to_string(f.org);
  auto made =
      f.PostForm(org_page + "/users",
                 {{"csrf", f.admin_csrf}, {"username", "li.na"}, {"role", "clerk"}}, f.admin);
  REQUIRE(made);
  INFO(made->body);
  REQUIRE(made->status == 200);
  const std::string initial = OneTimePassword(made->body);
  REQUIRE(initial.size() == 12);
  auto user = FindUser(*f.store, "li.na");
  REQUIRE(user.ok());
  CHECK(user->role == "clerk");
  CHECK(user->org_id == f.org);
  CHECK(user->must_change_password);
  CHECK(Contains(LastEvent(f, "user.added"), "\"actor\":\"user:ju.admin\""));
  // Shown once: the organisation's page does not show it again.
  CHECK_FALSE(Contains(f.GetWith(org_page, f.admin)->body, initial));

  auto first = f.PostForm("/console/login", {{"username", "li.na"}, {"password", initial}});
  REQUIRE(first->status == 303);
  CHECK(Location(first) == "/console/password");
  const std::string clerk = ConsoleFixture::CookieOf(first);
  CHECK(Location(f.GetWith("/console/", clerk)) == "/console/password");
  auto changed = f.PostForm("/console/password",
                            {{"csrf", f.CsrfFor(clerk)},
                             {"current", initial},
                             {"new_password", "山兰稻米-2026"},
                             {"repeat", "山兰稻米-2026"}},
                            clerk);
  CHECK(changed->status == 303);
  // The initial password worked once: now only the new one does.
  CHECK(f.PostForm("/console/login", {{"username", "li.na"}, {"password", initial}})->status ==
        401);
  f.SignIn("li.na", "山兰稻米-2026");

  // A reset shows a new one-time password once and ends the clerk's sessions.
  const int64_t uid = FindUser(*f.store, "li.na")->id;
  auto reset = f.PostForm("/console/users/" + std::to_string(uid) + "/reset",
                          {{"csrf", f.admin_csrf}}, f.admin);
  REQUIRE(reset->status == 200);
  const std::string again = OneTimePassword(reset->body);
  CHECK(again.size() == 12);
  CHECK(CountSessions(*f.store, uid) == 0);
  CHECK(Location(f.GetWith("/console/", clerk)) == "/console/login");
  CHECK(Location(f.PostForm("/console/login", {{"username", "li.na"}, {"password", again}})) ==
        "/console/password");
  CHECK(Contains(LastEvent(f, "user.password-reset"), "\"actor\":\"user:ju.admin\""));
}

TEST_CASE(
    "a manager adds clerks to its own organisation only, never a manager (403, nothing written)",
    "[console][bureau]") {
  ConsoleFixture f;
  f.AddAccount("zhang.wei", "manager", f.org, kManagerPassword);
  f.AddAccount("other.mgr", "manager", f.org, kManagerPassword);
  f.Start();
  const std::string manager = f.SignIn("zhang.wei", kManagerPassword);
  const std::string own = "/console/orgs/" + std::to_string(f.org);
  const std::string csrf = f.CsrfFor(manager, own);
  const int64_t users = f.Rows("users"), events = f.Rows("events");

  auto as_manager = f.PostForm(
      own + "/users", {{"csrf", csrf}, {"username", "chen.jie"}, {"role", "manager"}}, manager);
  REQUIRE(as_manager);
  CHECK(as_manager->status == 403);
  auto elsewhere =
      f.PostForm("/console/orgs/" + std::to_string(f.other_org) + "/users",
                 {{"csrf", csrf}, {"username", "chen.jie"}, {"role", "clerk"}}, manager);
  CHECK(elsewhere->status == 403);
  auto bureau = f.PostForm(own + "/users",
                           {{"csrf", csrf}, {"username", "chen.jie"}, {"role", "bureau"}}, manager);
  CHECK(bureau->status == 403);
  // Nor may it reset or disable another manager.
  const int64_t other = FindUser(*f.store, "other.mgr")->id;
  CHECK(
      f.PostForm("/console/users/" + std::to_string(other) + "/disable", {{"csrf", csrf}}, manager)
          ->status == 403);
  CHECK(f.PostForm("/console/users/" + std::to_string(other) + "/reset", {{"csrf", csrf}}, manager)
            ->status == 403);
  CHECK(f.Rows("users") == users);
  CHECK(f.Rows("events") == events);
  CHECK_FALSE(FindUser(*f.store, "other.mgr")->disabled);
  CHECK(f.Rows("access_denials") >= 1);
  // Nor read another organisation's accounts, nor the bureau's pages.
  CHECK(f.GetWith("/console/orgs/" + std::to_string(f.other_org), manager)->status == 403);
  CHECK(f.GetWith("/console/orgs", manager)->status == 403);

  auto clerk = f.PostForm(own + "/users",
                          {{"csrf", csrf}, {"username", "chen.jie"}, {"role", "clerk"}}, manager);
  REQUIRE(clerk);
  CHECK(clerk->status == 200);
  CHECK(OneTimePassword(clerk->body).size() == 12);
  CHECK(FindUser(*f.store, "chen.jie")->org_id == f.org);
  CHECK(Contains(LastEvent(f, "user.added"), "\"actor\":\"user:zhang.wei\""));
  // And disables it.
  const int64_t chen = FindUser(*f.store, "chen.jie")->id;
  CHECK(f.PostForm("/console/users/" + std::to_string(chen) + "/disable", {{"csrf", csrf}}, manager)
            ->status == 200);
  CHECK(FindUser(*f.store, "chen.jie")->disabled);
}

TEST_CASE("a clerk cannot open the bureau's pages: 403, the denial logged", "[console][bureau]") {
  ConsoleFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, kManagerPassword);
  f.Start();
  const std::string clerk = f.SignIn("wang.fang", kManagerPassword);
  const int64_t before = f.Rows("access_denials");
  for (const std::string& path :
       std::vector<std::string>{"/console/orgs", "/console/certs", "/console/audit",
                                "/console/orgs/" + std::to_string(f.org)}) {
    auto r = f.GetWith(path, clerk);
    REQUIRE(r);
    INFO(path);
    CHECK(r->status == 403);
    CHECK(Contains(r->body, "此次访问已记录"));
  }
  CHECK(f.Rows("access_denials") == before + 4);
  CHECK(f.store->db()
            .QueryValue("SELECT reason FROM access_denials WHERE route = '/console/orgs'")
            .String()
            .find("user:wang.fang (clerk)") == 0);
}

TEST_CASE("disabling a user in the console ends its open session", "[console][bureau]") {
  BureauFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, kManagerPassword);
  const std::string clerk = f.SignIn("wang.fang", kManagerPassword);
  CHECK(f.GetWith("/console/", clerk)->status == 200);
  const int64_t uid = FindUser(*f.store, "wang.fang")->id;
  auto r = f.PostForm("/console/users/" + std::to_string(uid) + "/disable",
                      {{"csrf", f.admin_csrf}}, f.admin);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(FindUser(*f.store, "wang.fang")->disabled);
  CHECK(CountSessions(*f.store, uid) == 0);
  auto next = f.GetWith("/console/", clerk);
  CHECK(next->status == 303);
  CHECK(Location(next) == "/console/login");
  CHECK(Contains(LastEvent(f, "user.disabled"), "\"actor\":\"user:ju.admin\""));
}

TEST_CASE("the console's audit page lists the reports, a denial and a failed sign-in",
          "[console][bureau]") {
  BureauFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, kManagerPassword);
  CHECK(f.PostForm("/console/login", {{"username", "wang.fang"}, {"password", "wrong-guess-1"}})
            ->status == 401);
  const std::string clerk = f.SignIn("wang.fang", kManagerPassword);
  CHECK(f.GetWith("/console/certs", clerk)->status == 403);

  auto page = f.GetWith("/console/audit", f.admin);
  REQUIRE(page);
  CHECK(page->status == 200);
  for (const char* section : {"id=\"certs\"", "id=\"refusals\"", "id=\"scans\"", "id=\"poverty\"",
                              "id=\"monthly\"", "id=\"denials\"", "id=\"sign-in-failures\""})
    CHECK(Contains(page->body, section));
  const std::string& html = page->body;
  const std::string denials = html.substr(html.find("id=\"denials\""));
  CHECK(Contains(denials, "/console/certs"));
  CHECK(Contains(denials, "user:wang.fang (clerk)"));
  const std::string failures = html.substr(html.find("id=\"sign-in-failures\""));
  CHECK(Contains(failures, "wang.fang"));
  CHECK(Contains(failures, "密码错误"));
  CHECK_FALSE(Contains(html, "wrong-guess-1"));
  CHECK_FALSE(Contains(html, "<script"));

  // Each report downloads as CSV and Excel with the session; a clerk's try is refused and logged.
  CHECK(Contains(html, "href=\"/console/audit/csv/refusals?format=csv\" download"));
  CHECK(Contains(html, "href=\"/console/audit/xlsx/reprints\" download"));
  auto csv = f.GetWith("/console/audit/csv/refusals?format=csv", f.admin);
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->body.rfind("\xEF\xBB\xBF", 0) == 0);
  auto xlsx = f.GetWith("/console/audit/xlsx/monthly?month=2026-04", f.admin);
  REQUIRE(xlsx);
  CHECK(xlsx->status == 200);
  CHECK(xlsx->body.rfind("PK\x03\x04", 0) == 0);
  CHECK(Contains(xlsx->get_header_value("Content-Disposition"), "agritrace-monthly-2026-04.xlsx"));
  CHECK(f.GetWith("/console/audit/xlsx/monthly?month=13", f.admin)->status == 422);
  CHECK(f.GetWith("/console/audit/csv/nothing", f.admin)->status == 404);
  const int64_t denied = f.Rows("access_denials");
  CHECK(f.GetWith("/console/audit/csv/refusals", clerk)->status == 403);
  CHECK(f.Rows("access_denials") == denied + 1);
  CHECK(f.Get("/console/audit/csv/refusals")->status == 303);  // no session: to the sign-in page
}

TEST_CASE("home alerts: an expiring certificate, one past its output, a copied code",
          "[console][bureau]") {
  ConsoleFixture f;
  CertificationInput over{"pollution-free",
                          "WGH-HN-23-00124",
                          "海南省农业农村厅",
                          f.org,
                          {f.tea},
                          DaysAgo(100),
                          DaysAgo(-400),
                          10,
                          {}};
  REQUIRE(AddCertification(*f.store, over, "cli").ok());
  CertificationInput soon{"pollution-free",
                          "WGH-HN-23-00123",
                          "海南省农业农村厅",
                          f.org,
                          {f.tea},
                          DaysAgo(300),
                          DaysAgo(-30),
                          -1,
                          {}};
  REQUIRE(AddCertification(*f.store, soon, "cli").ok());
  LotInput l = f.TeaLot(40);  // 40 × 250 g: exactly the 10 kg certified
  l.certs = {"WGH-HN-23-00124"};
  const std::string lot = f.Issue(l);
  AddUnitCodes(*f.store, lot, 44, "C");  // 11 kg labelled: past the output
  for (int i = 0; i < 7; ++i) AddScan(*f.store, "C100001", "unit", l.packed + "T01:00:00Z", "n");
  f.AddAccount("wang.fang", "clerk", f.org, kManagerPassword);
  f.AddAccount("other.clerk", "clerk", f.other_org, kManagerPassword);
  f.AddAccount("ju.kan", "bureau", 0, kAdminPassword);
  f.Start();

  auto home = f.GetWith("/console/", f.SignIn("wang.fang", kManagerPassword));
  REQUIRE(home);
  const std::string alerts = home->body.substr(home->body.find("id=\"alerts\""));
  CHECK(Contains(alerts, "60 天内到期的证书：1"));
  CHECK(Contains(alerts, "WGH-HN-23-00123"));
  CHECK(Contains(alerts, "超出核定产量的证书：1"));
  CHECK(Contains(alerts, "WGH-HN-23-00124"));
  CHECK(Contains(alerts, "疑似被复制的追溯码：1"));
  CHECK(Contains(alerts, "C100001"));

  // Another organisation's clerk sees none of them.
  auto other = f.GetWith("/console/", f.SignIn("other.clerk", kManagerPassword));
  CHECK(Contains(other->body, "没有需要处理的提醒"));
  CHECK_FALSE(Contains(other->body, "WGH-HN-23-00123"));

  // The bureau sees them counted across organisations.
  auto bureau = f.GetWith("/console/?lang=en", f.SignIn("ju.kan", kAdminPassword));
  CHECK(Contains(bureau->body, "Certificates expiring within 60 days: 1"));
  CHECK(Contains(bureau->body, "Codes that look copied: 1"));
}

TEST_CASE("console bureau forms without the CSRF token: 403 and nothing written",
          "[console][bureau]") {
  BureauFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, kManagerPassword);
  const int64_t uid = FindUser(*f.store, "wang.fang")->id;
  const std::string before = Snapshot(*f.store, "sessions");
  const std::string org_page = "/console/orgs/" + std::to_string(f.org);
  struct Case {
    std::string path;
    httplib::Params form;
  };
  for (const auto& c : std::vector<Case>{
           {"/console/orgs",
            {{"name", "某合作社"},
             {"credit_code", "91620105L015101280"},
             {"kind", "cooperative"},
             {"region", "469025"}}},
           {org_page + "/users", {{"username", "li.na"}, {"role", "clerk"}}},
           {"/console/users/" + std::to_string(uid) + "/disable", {}},
           {"/console/users/" + std::to_string(uid) + "/reset", {}},
           {"/console/certs/" + f.green + "/status", {{"action", "revoke"}, {"reason", "x"}}}}) {
    INFO(c.path);
    auto missing = f.PostForm(c.path, c.form, f.admin);
    REQUIRE(missing);
    CHECK(missing->status == 403);
    httplib::Params wrong = c.form;
    wrong.emplace("csrf", std::string(43, 'A'));
    CHECK(f.PostForm(c.path, wrong, f.admin)->status == 403);
  }
  CHECK(Snapshot(*f.store, "sessions") == before);
}
