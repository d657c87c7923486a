// The bureau's /audit page on a loopback server: login form without a token, the cookie flow
// (HttpOnly, SameSite=Strict) in and out, the five reports as tables with their CSV links, the
// SVG chart with one bar pair per certificate, and hostile text escaped everywhere.
#include "http/audit_page.h"

#include "http/http_response.h"
#include "tests/http/audit_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

httplib::Result PostForm(AuditFixture& f, const std::string& path, const httplib::Params& form) {
  auto c = f.Client();
  return c.Post(path.c_str(), form);
}

// No scripts, nothing fetched from elsewhere, the consumer page's CSP.
void CheckSelfContained(const httplib::Response& r) {
  CHECK(r.get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(r.get_header_value("Content-Security-Policy") == http::kPageCsp);
  CHECK(r.get_header_value("Cache-Control") == "no-store");
  CHECK_FALSE(Contains(r.body, "<script"));
  CHECK_FALSE(Contains(r.body, "<link"));
  CHECK_FALSE(Contains(r.body, "<img"));
  CHECK_FALSE(Contains(r.body, "src=\""));
  CHECK_FALSE(Contains(r.body, "url("));
  // The only absolute URL is the SVG namespace, which nothing fetches.
  CHECK(Count(r.body, "http://") + Count(r.body, "https://") ==
        Count(r.body, "xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(
      Contains(r.body, "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"));
}

}  // namespace

TEST_CASE("audit page: without a token, a login form in Chinese and English", "[audit_page]") {
  AuditFixture f;
  f.Start();
  auto r = f.Get("/audit");
  REQUIRE(r);
  CHECK(r->status == 200);
  CheckSelfContained(*r);
  CHECK(Contains(r->body, "<form method=\"post\" action=\"/audit/login\">"));
  CHECK(Contains(r->body, "name=\"token\" type=\"password\""));
  const size_t zh = r->body.find("农业农村局令牌"), en = r->body.find("Bureau token");
  CHECK(zh != std::string::npos);
  CHECK(en != std::string::npos);
  CHECK(zh < en);
  CHECK_FALSE(Contains(r->body, "<table"));

  // An unknown token: the form again, 401, and a stale cookie is dropped.
  auto stale = f.Get("/audit", {{"Cookie", "agritrace_token=agt_gone"}});
  REQUIRE(stale);
  CHECK(stale->status == 401);
  CheckSelfContained(*stale);
  CHECK(Contains(stale->body, "action=\"/audit/login\""));
  CHECK(Contains(stale->get_header_value("Set-Cookie"), "agritrace_token=; Path=/"));
  CHECK(Contains(stale->get_header_value("Set-Cookie"), "Max-Age=0"));

  // A cooperative's token: 403, logged, no reports.
  const int64_t denials = f.Denials();
  auto coop = f.GetAs(f.coop_token, "/audit");
  REQUIRE(coop);
  CHECK(coop->status == 403);
  CheckSelfContained(*coop);
  CHECK(Contains(coop->body, "无权访问"));
  CHECK_FALSE(Contains(coop->body, "<table"));
  CHECK(f.Denials() == denials + 1);
}

TEST_CASE("audit page: login sets an HttpOnly SameSite=Strict cookie, logout clears it",
          "[audit_page]") {
  AuditFixture f;
  f.Start();
  auto in = PostForm(f, "/audit/login", {{"token", f.bureau_token}});
  REQUIRE(in);
  CHECK(in->status == 303);
  CHECK(in->get_header_value("Location") == "/audit");
  const std::string cookie = in->get_header_value("Set-Cookie");
  CHECK(cookie.rfind("agritrace_token=" + f.bureau_token + ";", 0) == 0);
  CHECK(Contains(cookie, "; HttpOnly"));
  CHECK(Contains(cookie, "; SameSite=Strict"));
  CHECK(Contains(cookie, "; Path=/"));
  CHECK(Contains(cookie, "; Max-Age=28800"));
  CHECK_FALSE(Contains(cookie, "Secure"));  // plain HTTP here; behind HTTPS see below

  // The browser sends the cookie back: the reports.
  auto page = f.Get("/audit", {{"Cookie", "agritrace_token=" + f.bureau_token}});
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(Contains(page->body, "<table"));
  CHECK(Contains(page->body, "县农业农村局稽查"));  // who is signed in
  CHECK(Contains(page->body, "<form method=\"post\" action=\"/audit/logout\">"));

  auto out = PostForm(f, "/audit/logout", {});
  REQUIRE(out);
  CHECK(out->status == 303);
  CHECK(out->get_header_value("Location") == "/audit");
  CHECK(out->get_header_value("Set-Cookie") ==
        "agritrace_token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");

  auto c = f.Client();
  auto secure = c.Post("/audit/login", {{"X-Forwarded-Proto", "https"}},
                       httplib::Params{{"token", f.bureau_token}});
  REQUIRE(secure);
  CHECK(Contains(secure->get_header_value("Set-Cookie"), "; Secure"));

  // Refused logins set no cookie.
  const int64_t denials = f.Denials();
  for (const auto& [token, status] : std::vector<std::pair<std::string, int>>{
           {"agt_wrong", 401}, {f.coop_token, 403}, {"  ", 400}}) {
    INFO(token);
    auto bad = PostForm(f, "/audit/login", {{"token", token}});
    REQUIRE(bad);
    CHECK(bad->status == status);
    CHECK_FALSE(bad->has_header("Set-Cookie"));
    CheckSelfContained(*bad);
    CHECK(Contains(bad->body, "action=\"/audit/login\""));
  }
  CHECK(f.Denials() == denials + 1);  // the cooperative's attempt
}

TEST_CASE("audit page: the reports, their CSV links and the output chart", "[audit_page]") {
  AuditFixture f;
  f.Start();
  auto r = f.GetAs(f.bureau_token, "/audit?year=" + f.year + "&month=" + f.month);
  REQUIRE(r);
  CHECK(r->status == 200);
  CheckSelfContained(*r);
  const std::string& html = r->body;
  for (const char* id :
       {"certs", "refusals", "scans", "poverty", "reprints", "reexports", "hgz", "monthly"})
    CHECK(Contains(html, std::string("<section id=\"") + id + "\">"));
  // certs, refusals, copied codes, unknown codes, poverty, reprints, re-exports, 合格证, lots
  // without one, monthly.
  CHECK(Count(html, "<table>") == 10);
  CHECK(Contains(html, "承诺达标合格证开具情况"));
  CHECK(Contains(html, "/audit/csv/hgz?format=csv"));
  CHECK(Contains(html, "/audit/csv/lots-without-hgz?format=csv"));
  for (const std::string& link :
       {"/audit/csv/certs?year=" + f.year + "&amp;format=csv",
        std::string("/audit/csv/refusals?format=csv"),
        std::string("/audit/csv/scans?threshold=5&amp;networks=3&amp;format=csv"),
        std::string("/audit/csv/unknown-scans?format=csv"),
        std::string("/audit/csv/poverty?format=csv"), std::string("/audit/csv/reprints?format=csv"),
        std::string("/audit/csv/reexports?format=csv"),
        "/audit/csv/monthly?month=" + f.month + "&amp;format=csv"})
    CHECK(Contains(html, "<a href=\"" + link + "\" download>"));
  for (const std::string& link :
       {"/audit/xlsx/certs?year=" + f.year, std::string("/audit/xlsx/refusals"),
        std::string("/audit/xlsx/scans?threshold=5&amp;networks=3"),
        std::string("/audit/xlsx/unknown-scans"), std::string("/audit/xlsx/poverty"),
        "/audit/xlsx/monthly?month=" + f.month})
    CHECK(Contains(html, "<a href=\"" + link + "\" download>下载 Excel"));
  // The links work with the page's cookie (the API under /api/v1/ does not take it).
  const std::string cookie = "agritrace_token=" + f.bureau_token;
  auto csv = f.Get("/audit/csv/refusals?format=csv", {{"Cookie", cookie}});
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(Contains(csv->get_header_value("Content-Type"), "text/csv"));
  CHECK(f.Get("/api/v1/audit/refusals?format=csv", {{"Cookie", cookie}})->status == 401);
  // The reprint and re-export reports, with their columns.
  auto reprints = f.Get("/audit/csv/reprints?format=csv", {{"Cookie", cookie}});
  REQUIRE(reprints);
  CHECK(reprints->status == 200);
  CHECK(reprints->body.rfind("\xEF\xBB\xBFlot,run,at,actor,destination,format,serials,", 0) == 0);
  auto reexports = f.Get("/audit/csv/reexports?format=csv", {{"Cookie", cookie}});
  REQUIRE(reexports);
  CHECK(reexports->body.rfind("\xEF\xBB\xBFlot,export,at,actor,serials,overlaps,reason,", 0) == 0);
  auto xlsx = f.Get("/audit/xlsx/refusals", {{"Cookie", cookie}});
  REQUIRE(xlsx);
  CHECK(xlsx->status == 200);
  CHECK(xlsx->get_header_value("Content-Type") ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(xlsx->body.rfind("PK\x03\x04", 0) == 0);
  CHECK(f.Get("/audit/xlsx/refusals")->status == 401);
  // The month selector.
  CHECK(Contains(html, "<input type=\"month\" name=\"month\" value=\"" + f.month + "\""));

  // One bar pair per certificate; over output red, expiring soon flagged.
  CHECK(Contains(html, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""));
  CHECK(Count(html, "<g class=\"cert") == 4);
  CHECK(Count(html, "<rect class=\"bar labelled\"") == 4);
  CHECK(Count(html, "<rect class=\"bar certified\"") == 4);
  CHECK(Count(html, "<g class=\"cert over\">") == 1);
  CHECK(Count(html, "<g class=\"cert expiring\">") == 1);
  const size_t over = html.find("<g class=\"cert over\">");
  CHECK(html.find(f.over_cert, over) < html.find("</g>", over));
  CHECK(Contains(html.substr(over, html.find("</g>", over) - over), "fill=\"#c62828\""));
  CHECK(Contains(html, "30 天后到期 / expires in 30 days"));
  CHECK(Contains(html, "未核定产量 / no certified output"));  // the GI has no limit

  // The seeded answers reach the tables.
  CHECK(Contains(html, "<td>11.000</td>"));
  CHECK(Contains(html, "<tr class=\"over\">"));
  CHECK(Contains(html, "<td>C100001</td>"));
  CHECK(Contains(html, "<td>南溪村</td><td>1</td><td>40</td><td>10.000</td><td>1</td><td>8</td>"));

  // Hostile text from the registry is shown, escaped.
  CHECK_FALSE(Contains(html, "<script>alert"));
  CHECK_FALSE(Contains(html, "<img src=x"));
  CHECK(Contains(html, "合作社&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  CHECK(Contains(html, "&lt;img src=x onerror=alert(1)&gt;"));
}

TEST_CASE("audit page: a bad month or year is reported and the default shown", "[audit_page]") {
  AuditFixture f;
  f.Start();
  auto r = f.GetAs(f.bureau_token, "/audit?month=2026-13&year=%3Cb%3E");
  REQUIRE(r);
  CHECK(r->status == 422);
  CheckSelfContained(*r);
  CHECK(Contains(r->body, "<p class=\"err\">"));
  CHECK(Contains(r->body, "YYYY-MM"));
  CHECK(Contains(r->body, "&lt;b&gt;"));
  CHECK_FALSE(Contains(r->body, "<b>"));
  const std::string this_month = TodayShanghai().substr(0, 7);
  CHECK(Contains(r->body, "name=\"month\" value=\"" + this_month + "\""));
  CHECK(Count(r->body, "<table>") == 10);  // every report still shown
}

TEST_CASE("audit page: a long table shows its first rows and says the CSV has them all",
          "[audit_page]") {
  AuditFixture f;
  {
    sql::Transaction tx(f.store->db());
    for (size_t i = 0; i < http::kAuditPageRows + 5; ++i)
      f.store->db().Exec(
          "INSERT INTO refusals(at, reason, message) VALUES ('2026-04-12T00:00:00Z', "
          "'cert-expired', 'row " +
          std::to_string(i) + "')");
    tx.Commit();
  }
  f.Start();
  auto r = f.GetAs(f.bureau_token, "/audit");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const std::string& html = r->body;
  const size_t from = html.find("<section id=\"refusals\">");
  const std::string section = html.substr(from, html.find("</section>", from) - from);
  CHECK(Count(section, "<td>cert-expired</td>") == http::kAuditPageRows);
  CHECK(Contains(section, "仅显示前 200 行（共 206 行）"));
  auto csv = f.GetAs(f.bureau_token, "/api/v1/audit/refusals?format=csv");
  REQUIRE(csv);
  CHECK(Count(csv->body, "\r\n") == 1 + http::kAuditPageRows + 6);
}
