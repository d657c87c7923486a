// The console's sign-in over HTTP on 127.0.0.1 (issue 13): the session cookie's exact flags,
// wrong passwords answered and recorded, throttling per network and per user name, CSRF and
// Origin checks that write nothing when they refuse, the forced password change, a disabled
// user's session ending, and each organisation seeing only its own lots.
#include "agritrace/registry/encoding.h"
#include "http/http_response.h"
#include "tests/http/console_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

constexpr const char* kPassword = "茶园春天-2026";

std::string Location(const httplib::Result& r) { return r ? r->get_header_value("Location") : ""; }

std::string FormBody(const std::string& username, const std::string& password) {
  return "username=" + http::PercentEncode(username) + "&password=" + http::PercentEncode(password);
}

// A sign-in posted from `source_ip`, so that tests can act as clients on different networks.
RawResponse RawSignIn(const std::string& source_ip, int port, const std::string& username,
                      const std::string& password) {
  const std::string body = FormBody(username, password);
  return RawExchange(source_ip, port,
                     "POST /console/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

}  // namespace

TEST_CASE("console sign-in sets an HttpOnly SameSite=Strict Secure cookie, stored hashed",
          "[console]") {
  ConsoleFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, kPassword);
  f.Start();
  auto page = f.Get("/console/login");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(Contains(page->body, "name=\"username\""));
  CHECK(Contains(page->body, "name=\"password\""));
  CHECK(Contains(page->get_header_value("Content-Security-Policy"), "default-src 'none'"));
  CHECK_FALSE(Contains(page->body, "<script"));

  auto r = f.PostForm("/console/login", {{"username", "wang.fang"}, {"password", kPassword}});
  REQUIRE(r);
  CHECK(r->status == 303);
  CHECK(Location(r) == "/console/");
  const std::string cookie = ConsoleFixture::CookieOf(r);
  // The base URL is https, so Secure; no Max-Age: the server ends sessions, not the browser.
  CHECK(r->get_header_value("Set-Cookie") ==
        "agritrace_console=" + cookie + "; HttpOnly; SameSite=Strict; Path=/; Secure");
  REQUIRE(cookie.size() == 43);
  // Only the SHA-256 is stored.
  CHECK(HexEncode(f.store->db().QueryValue("SELECT id_hash FROM sessions").Blob()) ==
        HexEncode(Sha256(cookie)));
  CHECK_FALSE(Contains(Snapshot(*f.store), cookie));

  auto home = f.GetWith("/console/", cookie);
  REQUIRE(home);
  CHECK(home->status == 200);
  CHECK(Contains(home->body, "wang.fang"));
  CHECK(Contains(home->body, "白沙县牙叉镇茶叶专业合作社"));
  CHECK(Contains(home->get_header_value("Content-Security-Policy"), "default-src 'none'"));
  CHECK(home->get_header_value("Cache-Control") == "no-store");

  // Signed in, the sign-in page sends the user home.
  CHECK(Location(f.GetWith("/console/login", cookie)) == "/console/");

  // Sign-out needs the form's token; then the session is gone on the server.
  auto no_token = f.PostForm("/console/logout", {}, cookie);
  CHECK(no_token->status == 403);
  CHECK(f.Rows("sessions") == 1);
  auto out = f.PostForm("/console/logout", {{"csrf", ConsoleFixture::CsrfOf(home->body)}}, cookie);
  REQUIRE(out);
  CHECK(out->status == 303);
  CHECK(Location(out) == "/console/login");
  CHECK(Contains(out->get_header_value("Set-Cookie"), "Max-Age=0"));
  CHECK(f.Rows("sessions") == 0);
  auto after = f.GetWith("/console/", cookie);
  CHECK(after->status == 303);
  CHECK(Location(after) == "/console/login");
  // Without any cookie, every console page sends the browser to sign in.
  CHECK(Location(f.Get("/console/")) == "/console/login");
  CHECK(Location(f.Get("/console/password")) == "/console/login");
  CHECK(Location(f.Get("/console/?lang=en")) == "/console/login?lang=en");
}

TEST_CASE("a wrong password gets 401 and a recorded failure without the password", "[console]") {
  ConsoleFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, kPassword);
  f.Start();
  auto r = f.PostForm("/console/login", {{"username", "wang.fang"}, {"password", "wrong-guess-1"}});
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(Contains(r->body, "用户名或密码不对"));
  CHECK(ConsoleFixture::CookieOf(r).empty());
  CHECK(f.Rows("sessions") == 0);
  auto unknown =
      f.PostForm("/console/login", {{"username", "nobody"}, {"password", "wrong-guess-2"}});
  CHECK(unknown->status == 401);
  CHECK(Contains(unknown->body, "用户名或密码不对"));  // the same words: names stay secret
  // Hostile input is escaped when echoed, and a huge name is cut when stored.
  const std::string hostile = "<script>alert(1)</script>" + std::string(2000, 'x');
  auto h = f.PostForm("/console/login", {{"username", hostile}, {"password", "wrong-guess-3"}});
  CHECK(h->status == 401);
  CHECK_FALSE(Contains(h->body, "<script>alert"));
  CHECK(Contains(h->body, "&lt;script&gt;"));
  // Empty fields: 400, nothing recorded.
  CHECK(f.PostForm("/console/login", {{"username", "wang.fang"}})->status == 400);

  const std::vector<SignInFailure> failures = ListSignInFailures(*f.store, 0, 10);
  REQUIRE(failures.size() == 3);
  CHECK(failures[0].username == "wang.fang");
  CHECK(failures[0].reason == "wrong-password");
  CHECK(failures[1].reason == "unknown-user");
  CHECK(failures[2].username.size() == 64);
  const std::string all = Snapshot(*f.store);
  CHECK_FALSE(Contains(all, "wrong-guess"));
  CHECK_FALSE(Contains(all, "127.0.0"));  // networks are stored hashed
  CHECK(failures[0].net.size() == 64);

  // The bureau sees them on its overview.
  f.AddAccount("zhao.jun", "bureau", 0, kPassword);
  auto overview = f.GetWith("/console/", f.SignIn("zhao.jun", kPassword));
  CHECK(Contains(overview->body, "最近的登录失败"));
  CHECK(Contains(overview->body, "密码错误"));
  CHECK(Contains(overview->body, "nobody"));
}

TEST_CASE("failed sign-ins are throttled per network and per user name (429)", "[console]") {
  ConsoleFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, kPassword);
  f.AddAccount("li.lei", "clerk", f.org, kPassword);
  auto options = TestServerOptions();
  options.auth_failure_limit = {0.001, 3};  // 3 failures, then one every 1,000 s
  f.Start(options);
  const int port = f.server->port();
  for (int i = 0; i < 3; ++i)
    CHECK(RawSignIn("127.0.1.1", port, "wang.fang", "wrong-guess").status == 401);
  // The fourth try from that network is refused before any password is checked, even the
  // right one, and is not recorded.
  auto refused = RawSignIn("127.0.1.2", port, "li.lei", kPassword);
  CHECK(refused.status == 429);
  CHECK(Contains(refused.head, "Retry-After: "));
  CHECK(Contains(refused.body, "登录失败次数太多"));
  CHECK(f.Rows("sign_in_failures") == 3);
  CHECK(f.Rows("sessions") == 0);
  // Another network: the guessed name is throttled, other names are not.
  CHECK(RawSignIn("127.0.2.1", port, "wang.fang", kPassword).status == 429);
  CHECK(RawSignIn("127.0.2.1", port, "li.lei", kPassword).status == 303);
  CHECK(f.Rows("sessions") == 1);
}

TEST_CASE("a form without the CSRF token or from another origin is refused, writing nothing",
          "[console]") {
  ConsoleFixture f;
  int64_t id = f.AddAccount("wang.fang", "clerk", f.org, kPassword);
  f.Start();
  const std::string cookie = f.SignIn("wang.fang", kPassword);
  const std::string csrf = f.CsrfFor(cookie);
  const httplib::Params change = {
      {"current", kPassword}, {"new_password", "a-new-password"}, {"repeat", "a-new-password"}};
  const std::string before = Snapshot(*f.store);

  auto missing = f.PostForm("/console/password", change, cookie);
  REQUIRE(missing);
  CHECK(missing->status == 403);
  CHECK(Contains(missing->body, "未做任何修改"));
  httplib::Params wrong = change;
  wrong.emplace("csrf", csrf.substr(1) + "A");
  CHECK(f.PostForm("/console/password", wrong, cookie)->status == 403);
  httplib::Params with_token = change;
  with_token.emplace("csrf", csrf);
  // The right token from another site's page: refused by Origin.
  for (const char* origin : {"https://evil.example", "null", "http://127.0.0.1"})
    CHECK(f.PostForm("/console/password", with_token, cookie, {{"Origin", origin}})->status == 403);
  // Sign-in itself checks Origin (no signing a victim into the attacker's account).
  auto login = f.PostForm("/console/login", {{"username", "wang.fang"}, {"password", kPassword}},
                          "", {{"Origin", "https://evil.example"}});
  CHECK(login->status == 403);
  CHECK(ConsoleFixture::CookieOf(login).empty());
  CHECK(Snapshot(*f.store) == before);

  // The same form with the token and our own origin (the Host's, or the base URL's) works.
  auto ok = f.PostForm("/console/password", with_token, cookie, {{"Origin", f.Origin()}});
  REQUIRE(ok);
  CHECK(ok->status == 303);
  CHECK(Snapshot(*f.store) != before);
  CHECK(CheckSignIn(LoadSignIn(*f.store, "wang.fang"), "a-new-password").ok());
  sql::Statement q(f.store->db(), "SELECT leaf FROM events ORDER BY idx DESC LIMIT 1");
  REQUIRE(q.Step());
  CHECK(Contains(q.Column(0).String(), "\"actor\":\"user:wang.fang\""));
  CHECK(Contains(q.Column(0).String(), "user.password-changed"));
  CHECK_FALSE(Contains(q.Column(0).String(), "a-new-password"));
  CHECK(CountSessions(*f.store, id) == 1);  // the session that changed it stays
  CHECK(f.PostForm("/console/logout", {{"csrf", csrf}}, cookie,
                   {{"Origin", "https://v.test.example"}})
            ->status == 303);
}

TEST_CASE("an initial password sends the user to change it before any other page", "[console]") {
  ConsoleFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, "one-time-pw1", true);
  f.Start();
  auto r = f.PostForm("/console/login", {{"username", "wang.fang"}, {"password", "one-time-pw1"}});
  REQUIRE(r);
  CHECK(r->status == 303);
  CHECK(Location(r) == "/console/password");
  const std::string cookie = ConsoleFixture::CookieOf(r);
  CHECK(Location(f.GetWith("/console/", cookie)) == "/console/password");
  CHECK(Location(f.GetWith("/console/?lang=en", cookie)) == "/console/password?lang=en");
  auto form = f.GetWith("/console/password", cookie);
  REQUIRE(form->status == 200);
  CHECK(Contains(form->body, "首次登录"));
  const std::string csrf = ConsoleFixture::CsrfOf(form->body);

  // Refusals keep the user on the form and change nothing.
  const std::string before = Snapshot(*f.store);
  struct Case {
    std::string current, fresh, repeat, message;
  };
  for (const auto& c : std::vector<Case>{
           {"one-time-pw1", "new-password-1", "new-password-2", "两次输入的新密码不一致"},
           {"one-time-pw1", "short", "short", "密码太短"},
           {"one-time-pw1", "one-time-pw1", "one-time-pw1", "不能与当前密码相同"},
           {"wrong-current", "new-password-1", "new-password-1", "当前密码不对"},
           {"one-time-pw1", std::string(300, 'a'), std::string(300, 'a'), "密码太长"},
       }) {
    auto bad = f.PostForm(
        "/console/password",
        {{"csrf", csrf}, {"current", c.current}, {"new_password", c.fresh}, {"repeat", c.repeat}},
        cookie);
    INFO(c.message);
    CHECK(bad->status == 422);
    CHECK(Contains(bad->body, c.message));
  }
  CHECK(Snapshot(*f.store) == before);

  auto done = f.PostForm("/console/password",
                         {{"csrf", csrf},
                          {"current", "one-time-pw1"},
                          {"new_password", "my-own-password"},
                          {"repeat", "my-own-password"}},
                         cookie);
  CHECK(done->status == 303);
  CHECK(Location(done) == "/console/");
  CHECK(f.GetWith("/console/", cookie)->status == 200);
  CHECK_FALSE(FindUser(*f.store, "wang.fang")->must_change_password);
}

TEST_CASE("disabling a user ends its open session at the next request", "[console]") {
  ConsoleFixture f;
  f.AddAccount("wang.fang", "clerk", f.org, kPassword);
  f.Start();
  const std::string cookie = f.SignIn("wang.fang", kPassword);
  CHECK(f.GetWith("/console/", cookie)->status == 200);
  REQUIRE(DisableUser(*f.store, "wang.fang", "cli").ok());
  auto r = f.GetWith("/console/", cookie);
  REQUIRE(r);
  CHECK(r->status == 303);
  CHECK(Location(r) == "/console/login");
  CHECK(Contains(r->get_header_value("Set-Cookie"), "Max-Age=0"));
  // And the password no longer signs in.
  CHECK(
      f.PostForm("/console/login", {{"username", "wang.fang"}, {"password", kPassword}})->status ==
      401);
  CHECK(ListSignInFailures(*f.store, 0, 10)[0].reason == "disabled");
}

TEST_CASE("a clerk sees only its own organisation's lots, newest first, paged", "[console]") {
  ConsoleFixture f;
  std::string first = f.Issue(f.TeaLot());
  f.AddUnits(first, 7);
  std::vector<std::string> more;
  for (int i = 0; i < 20; ++i) more.push_back(f.Issue(f.TeaLot(10 + i)));
  LotInput mango;
  mango.product_id = f.other_product;
  mango.origin = "469026100201";
  mango.harvested = DaysAgo(3);
  mango.packed = DaysAgo(2);
  mango.units = 50;
  const std::string other = f.Issue(mango);
  // A hostile product name must reach the page escaped.
  f.store->db().Exec("UPDATE products SET name = '<img src=x onerror=alert(1)>' WHERE id = " +
                     std::to_string(f.tea));
  f.AddAccount("wang.fang", "clerk", f.org, kPassword);
  f.AddAccount("chen.li", "manager", f.other_org, kPassword);
  f.AddAccount("zhao.jun", "bureau-admin", 0, kPassword);
  f.Start();

  const std::string a = f.SignIn("wang.fang", kPassword);
  auto page1 = f.GetWith("/console/", a);
  REQUIRE(page1->status == 200);
  CHECK(Contains(page1->body, more.back()));
  CHECK_FALSE(Contains(page1->body, other));
  CHECK_FALSE(Contains(page1->body, first));                       // the oldest is on page 2
  CHECK(page1->body.find(more[19]) < page1->body.find(more[18]));  // newest first
  CHECK(Contains(page1->body, "共 21 个"));
  CHECK(Contains(page1->body, "第 1 / 2 页"));
  CHECK(Contains(page1->body, "&lt;img src=x"));
  CHECK_FALSE(Contains(page1->body, "<img"));
  auto page2 = f.GetWith("/console/?page=2", a);
  CHECK(Contains(page2->body, first));
  CHECK(Contains(page2->body, "data-h=\"已生成编码\">7<"));  // codes minted
  CHECK(Contains(page2->body, "data-h=\"件数\">100<"));
  CHECK_FALSE(Contains(page2->body, more.back()));
  for (const char* bad : {"0", "-1", "abc", "99999999", "1e3"}) {
    INFO(bad);
    auto r = f.GetWith(std::string("/console/?page=") + bad, a);
    CHECK(r->status == 422);
    CHECK(Contains(r->body, more.back()));  // page 1 instead
  }

  auto b = f.GetWith("/console/", f.SignIn("chen.li", kPassword));
  CHECK(Contains(b->body, other));
  CHECK_FALSE(Contains(b->body, first));
  CHECK_FALSE(Contains(b->body, more.back()));

  auto bureau = f.GetWith("/console/?lang=en", f.SignIn("zhao.jun", kPassword));
  CHECK(Contains(bureau->body, "Registry overview"));
  CHECK(Contains(bureau->body, "<dt>Lots</dt><dd>22</dd>"));
  CHECK(Contains(bureau->body, "<dt>Organisations</dt><dd>2</dd>"));
}

TEST_CASE("console pages speak English with ?lang=en or Accept-Language", "[console]") {
  ConsoleFixture f;
  f.Start();
  auto zh = f.Get("/console/login");
  CHECK(Contains(zh->body, "lang=\"zh-CN\""));
  CHECK(Contains(zh->body, "登录"));
  auto en = f.Get("/console/login?lang=en");
  CHECK(Contains(en->body, "lang=\"en\""));
  CHECK(Contains(en->body, "Sign in"));
  CHECK(Contains(en->body, "action=\"/console/login?lang=en\""));
  auto header = f.Get("/console/login", {{"Accept-Language", "en-GB,en;q=0.9"}});
  CHECK(Contains(header->body, "Sign in"));
}
