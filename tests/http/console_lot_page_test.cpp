// A lot in the console over HTTP on 127.0.0.1 (issue 13): the signed record and its signature
// check, the trace timeline and its add-step form, a manager's confirmed recall (and a clerk's
// refused one), another organisation's lot refused and logged, minting within the limits, the
// A4 PDF whose QR codes decode back to minted codes whose consumer pages answer, and the
// preview image of the first label.
#include <set>

#include "agritrace/labeler/code_parser.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/scan_store.h"
#include "http/html_escape.h"
#include "labeler/sheet_layout.h"
#include "tests/http/console_fixture.h"
#include "tests/labeler/test_support.h"
#include "tests/support/process.h"

using namespace agritrace;
using namespace agritrace::testing;
namespace lt = agritrace::labeler::testing;

namespace {

constexpr const char* kPassword = "茶园春天-2026";

std::string Location(const httplib::Result& r) { return r ? r->get_header_value("Location") : ""; }

// The data of the newest log event of `kind`.
Json LastEvent(Store& store, const std::string& kind) {
  sql::Statement q(store.db(), "SELECT leaf FROM events WHERE kind = ? ORDER BY idx DESC");
  q.Bind(1, kind);
  REQUIRE(q.Step());
  return Json::parse(q.Column(0).String())["data"];
}

// A lot of the fixture's cooperative, with a clerk and a manager of it, a clerk of another
// organisation and a bureau officer; the server started.
struct LotConsole : ConsoleFixture {
  std::string lot;
  LotConsole() {
    AddAccount("wang.fang", "clerk", org, kPassword);
    AddAccount("li.qiang", "manager", org, kPassword);
    AddAccount("chen.li", "clerk", other_org, kPassword);
    AddAccount("zhao.jun", "bureau", 0, kPassword);
    lot = Issue(TeaLot(100));
    Start();
  }
  std::string Page() { return "/console/lots/" + lot; }
  // Posts `form` with the CSRF token of the page at `page`.
  httplib::Result Submit(const std::string& cookie, const std::string& path,
                         httplib::Params form, const std::string& page = "") {
    form.emplace("csrf", CsrfFor(cookie, page.empty() ? Page() : page));
    return PostForm(path, form, cookie);
  }
  std::vector<std::string> UnitCodes() {
    std::vector<std::string> out;
    sql::Statement q(store->db(), "SELECT code FROM units ORDER BY serial");
    while (q.Step()) out.push_back(q.Column(0).String());
    return out;
  }
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string CodeOf(const std::string& qr_text) {
  auto p = labeler::ParseCode(qr_text);
  REQUIRE(p.ok());
  return p->code;
}

// The path of a QR's URL on our server ("HTTPS://V.TEST.EXAMPLE/Q/…" → "/Q/…").
std::string PathOf(const std::string& url) {
  const size_t scheme = url.find("://");
  REQUIRE(scheme != std::string::npos);
  return url.substr(url.find('/', scheme + 3));
}

}  // namespace

TEST_CASE("console lot page: the signed record, its signature checked, the timeline",
          "[console][lot]") {
  LotConsole f;
  REQUIRE(AddTraceEvent(*f.store, f.lot, "packing", "2026-11-20T08:00:00+08:00", "", "仓库",
                        "装箱 <b>100</b> 件")
              .ok());
  const std::string clerk = f.SignIn("wang.fang", kPassword);
  auto page = f.GetWith(f.Page(), clerk);
  REQUIRE(page);
  INFO(page->body);
  CHECK(page->status == 200);
  CHECK(Contains(page->body, "白沙绿茶"));
  CHECK(Contains(page->body, "白沙县牙叉镇茶叶专业合作社"));
  CHECK(Contains(page->body, "data-signature=\"valid\""));
  CHECK(Contains(page->body, "✓"));
  // The exact signed bytes, escaped, inside a <details>.
  const std::string canonical =
      f.store->db().QueryValue("SELECT record_json FROM lots WHERE code = '" + f.lot + "'")
          .String();
  CHECK(Contains(page->body, "<details>"));
  CHECK(Contains(page->body, http::HtmlEscape(canonical)));
  // The timeline, its text escaped.
  CHECK(Contains(page->body, "data-step=\"packing\""));
  CHECK(Contains(page->body, "装箱 &lt;b&gt;100&lt;/b&gt; 件"));
  CHECK(Contains(page->body, "2026-11-20 08:00"));
  CHECK(Contains(page->body, "action=\"/console/lots/" + f.lot + "/steps\""));
  // Scans chart, copied codes, consumer and labels links; no recall form for a clerk.
  CHECK(Contains(page->body, "<svg class=\"chart\""));
  CHECK(Contains(page->body, "href=\"/q/" + f.lot + "\""));
  CHECK(Contains(page->body, "href=\"/console/lots/" + f.lot + "/labels\""));
  CHECK_FALSE(Contains(page->body, "/recall"));
  CHECK(Contains(page->get_header_value("Content-Security-Policy"), "default-src 'none'"));
  CHECK_FALSE(Contains(page->body, "<script"));
  // The home page links the lot.
  CHECK(Contains(f.GetWith("/console/", clerk)->body, "href=\"/console/lots/" + f.lot + "\""));
  // English, and the code written with a hyphen and in lower case.
  auto en = f.GetWith("/console/lots/" + Lower(f.lot.substr(0, 5)) + "-" + f.lot.substr(5) +
                          "?lang=en",
                      clerk);
  CHECK(en->status == 200);
  CHECK(Contains(en->body, "Signature valid"));

  // A record altered in the database fails the check with the key ring.
  f.store->db().Exec("UPDATE lots SET record_json = replace(record_json, '白沙绿茶', '白沙红茶')");
  auto altered = f.GetWith(f.Page(), clerk);
  CHECK(Contains(altered->body, "data-signature=\"invalid\""));
  CHECK(Contains(altered->body, "✗"));
}

TEST_CASE("console lot page: scans per day and the codes that look copied", "[console][lot]") {
  LotConsole f;
  auto codes = f.AddUnits(f.lot, 3);
  const std::string today = TodayShanghai();
  std::vector<ScanRow> rows;
  // Before the 30 days shown: left out of the chart.
  rows.push_back({codes[2], "unit", AddDays(today, -40) + "T03:00:00Z", "net9"});
  rows.push_back({codes[2], "unit", AddDays(today, -2) + "T03:00:00Z", "net9"});
  // codes[0] scanned from 5 networks today: more than the default 3 networks, so copied.
  for (int i = 0; i < 5; ++i) rows.push_back({codes[0], "unit", NowUtc(), "net" + std::to_string(i)});
  rows.push_back({codes[1], "unit", NowUtc(), "net0"});
  // Scans of another lot's code are not this lot's.
  rows.push_back({FreshUnitCode(), "unit", NowUtc(), "net0"});
  REQUIRE(InsertScans(f.store->db(), rows).ok());
  // The page reads the tallies as of the last fold, which the serving scan writer makes within
  // a second of storing scans; these were stored beside it, so fold them as it would.
  REQUIRE(MergeScanTallies(f.store->db()).ok());
  auto page = f.GetWith(f.Page(), f.SignIn("wang.fang", kPassword));
  INFO(page->body);
  CHECK(Contains(page->body, "data-day=\"" + today + "\" data-scans=\"6\""));
  CHECK(Contains(page->body, "data-day=\"" + AddDays(today, -2) + "\" data-scans=\"1\""));
  CHECK(Contains(page->body, "data-day=\"" + AddDays(today, -1) + "\" data-scans=\"0\""));
  CHECK(Contains(page->body, "共 7 次"));
  CHECK(Contains(page->body, "data-copied=\"1\""));
  CHECK(Contains(page->body, "<code>" + codes[0] + "</code>"));
  CHECK_FALSE(Contains(page->body, "<code>" + codes[1] + "</code>"));
}

TEST_CASE("console lot page: adding a step writes one trace event with the user as actor",
          "[console][lot]") {
  LotConsole f;
  const std::string clerk = f.SignIn("wang.fang", kPassword);
  const int64_t steps = f.Rows("trace_events"), events = f.Rows("events");

  // Refused: an unknown step, a time that is no time; without the token: 403. Nothing written.
  auto bad_step = f.Submit(clerk, f.Page() + "/steps", {{"step", "recall"}, {"at", ""}});
  CHECK(bad_step->status == 422);
  CHECK(Contains(bad_step->body, "未添加任何环节"));
  auto bad_time =
      f.Submit(clerk, f.Page() + "/steps", {{"step", "shipping"}, {"at", "明天"}, {"note", "发往海口"}});
  CHECK(bad_time->status == 422);
  CHECK(Contains(bad_time->body, "value=\"发往海口\""));  // what was typed is kept
  auto no_token = f.PostForm(f.Page() + "/steps", {{"step", "shipping"}}, clerk);
  CHECK(no_token->status == 403);
  CHECK(f.Rows("trace_events") == steps);
  CHECK(f.Rows("events") == events);

  auto ok = f.Submit(clerk, f.Page() + "/steps",
                     {{"step", "shipping"}, {"at", "2026-11-21T09:30"}, {"note", "发往海口"}});
  REQUIRE(ok);
  CHECK(ok->status == 303);
  CHECK(Location(ok) == f.Page() + "#trace");
  CHECK(f.Rows("trace_events") == steps + 1);
  CHECK(f.Rows("events") == events + 1);
  const Json ev = LastEvent(*f.store, "lot.trace");
  CHECK(ev["actor"] == "user:wang.fang");
  CHECK(ev["step"] == "shipping");
  CHECK(ev["at"] == "2026-11-21T01:30:00Z");  // Beijing time in, UTC stored
  CHECK(ev["note"] == "发往海口");
  auto page = f.GetWith(f.Page(), clerk);
  CHECK(Contains(page->body, "data-step=\"shipping\""));
  CHECK(Contains(page->body, "user:wang.fang"));
}

TEST_CASE("console recall: a clerk is refused, a manager must confirm", "[console][lot]") {
  LotConsole f;
  const std::string clerk = f.SignIn("wang.fang", kPassword);
  const int64_t steps = f.Rows("trace_events"), events = f.Rows("events");
  auto by_clerk = f.Submit(clerk, f.Page() + "/recall", {{"reason", "农残超标"}, {"confirm", "yes"}});
  REQUIRE(by_clerk);
  CHECK(by_clerk->status == 403);
  CHECK(Contains(by_clerk->body, "负责人"));
  CHECK(f.Rows("trace_events") == steps);
  CHECK(f.Rows("events") == events);

  const std::string manager = f.SignIn("li.qiang", kPassword);
  auto page = f.GetWith(f.Page(), manager);
  CHECK(Contains(page->body, "action=\"/console/lots/" + f.lot + "/recall\""));
  CHECK(Contains(page->body, "name=\"confirm\""));
  auto unconfirmed = f.Submit(manager, f.Page() + "/recall", {{"reason", "农残超标"}});
  CHECK(unconfirmed->status == 422);
  CHECK(Contains(unconfirmed->body, "我确认召回"));
  CHECK(Contains(unconfirmed->body, "value=\"农残超标\""));
  auto no_reason = f.Submit(manager, f.Page() + "/recall", {{"reason", " "}, {"confirm", "yes"}});
  CHECK(no_reason->status == 422);
  CHECK(f.Rows("trace_events") == steps);
  CHECK(f.Rows("events") == events);
  {
    auto id = LotId(*f.store, f.lot);
    REQUIRE(id.ok());
    CHECK_FALSE(IsRecalled(*f.store, *id));
  }

  auto recalled =
      f.Submit(manager, f.Page() + "/recall", {{"reason", "农残超标"}, {"confirm", "yes"}});
  REQUIRE(recalled);
  CHECK(recalled->status == 303);
  CHECK(f.Rows("trace_events") == steps + 1);
  const Json ev = LastEvent(*f.store, "lot.recalled");
  CHECK(ev["actor"] == "user:li.qiang");
  CHECK(ev["note"] == "农残超标");
  auto after = f.GetWith(f.Page(), manager);
  CHECK(Contains(after->body, "data-recalled=\"true\""));
  CHECK_FALSE(Contains(after->body, "name=\"confirm\""));  // no second recall
  // The consumer page says so.
  CHECK(Contains(f.Get("/q/" + f.lot)->body, "农残超标"));
}

TEST_CASE("console lot page: another organisation's lot is a 404, logged, the bureau reads it",
          "[console][lot]") {
  LotConsole f;
  const std::string stranger = f.SignIn("chen.li", kPassword);
  const int64_t denials = f.Rows("access_denials"), steps = f.Rows("trace_events");
  auto page = f.GetWith(f.Page(), stranger);
  REQUIRE(page);
  CHECK(page->status == 404);
  CHECK_FALSE(Contains(page->body, "白沙绿茶"));
  CHECK(f.Rows("access_denials") == denials + 1);
  {
    // Scoped: a live statement would keep this connection's read snapshot open.
    sql::Statement q(f.store->db(), "SELECT route, reason, token_id IS NULL FROM "
                                       "access_denials ORDER BY id DESC");
    REQUIRE(q.Step());
    CHECK(q.Column(0).String() == "GET /console/lots/" + f.lot);
    CHECK(Contains(q.Column(1).String(), "chen.li"));
    CHECK(q.Column(2).Int() == 1);
  }
  // Writing is refused the same way, and nothing is written.
  auto post = f.PostForm(f.Page() + "/steps",
                         {{"step", "shipping"}, {"csrf", f.CsrfFor(stranger, "/console/")}},
                         stranger);
  CHECK(post->status == 404);
  CHECK(f.Rows("trace_events") == steps);
  CHECK(f.GetWith(f.Page() + "/labels", stranger)->status == 404);
  CHECK(f.GetWith(f.Page() + "/preview.png", stranger)->status == 404);
  CHECK(f.Rows("access_denials") == denials + 4);
  // An unknown lot is a 404 too, but no denial.
  const int64_t now = f.Rows("access_denials");
  CHECK(f.GetWith("/console/lots/0000000000", stranger)->status == 404);
  CHECK(f.Rows("access_denials") == now);

  auto bureau = f.GetWith(f.Page(), f.SignIn("zhao.jun", kPassword));
  CHECK(bureau->status == 200);
  CHECK(Contains(bureau->body, "白沙绿茶"));
  CHECK_FALSE(Contains(bureau->body, "name=\"confirm\""));
}

TEST_CASE("console labels: mint 100 codes, limits refused with nothing written",
          "[console][labels]") {
  LotConsole f;
  const std::string clerk = f.SignIn("wang.fang", kPassword);
  const std::string labels = f.Page() + "/labels";
  auto page = f.GetWith(labels, clerk);
  REQUIRE(page->status == 200);
  CHECK(Contains(page->body, "data-minted=\"0\""));

  auto minted = f.Submit(clerk, f.Page() + "/mint", {{"count", "100"}}, labels);
  REQUIRE(minted);
  CHECK(minted->status == 303);
  CHECK(Location(minted) == labels + "?minted=1-100");
  CHECK(f.Rows("units") == 100);
  CHECK(LastEvent(*f.store, "units.minted")["actor"] == "user:wang.fang");
  CHECK(Contains(f.GetWith(labels + "?minted=1-100", clerk)->body, "已发码：序号 1–100"));

  const int64_t events = f.Rows("events");
  // A tenth of 100 units are spares at most: 11 is refused, as are more codes than units and
  // numbers that are no numbers or overflow.
  auto spares = f.Submit(clerk, f.Page() + "/mint", {{"spare", "11"}}, labels);
  CHECK(spares->status == 422);
  CHECK(Contains(spares->body, "备用码上限 10 个"));
  CHECK(Contains(spares->body, "未发任何码"));
  CHECK(Contains(spares->body, "value=\"11\""));
  auto more = f.Submit(clerk, f.Page() + "/mint", {{"count", "1"}}, labels);
  CHECK(more->status == 422);
  // Numbers that are no numbers or beyond int64, and one whose sum with the count would
  // overflow (refused by the registry's overflow-safe check, not by wrapping around).
  for (const char* bad : {"abc", "-5", "1e3", "99999999999999999999", "9223372036854775807"}) {
    INFO(bad);
    auto r = f.Submit(clerk, f.Page() + "/mint", {{"count", "1"}, {"spare", bad}}, labels);
    CHECK(r->status == 422);
    CHECK(Contains(r->body, "未发任何码"));
  }
  auto no_token = f.PostForm(f.Page() + "/mint", {{"spare", "1"}}, clerk);
  CHECK(no_token->status == 403);
  CHECK(f.Rows("units") == 100);
  CHECK(f.Rows("events") == events);
}

TEST_CASE("console labels: the A4 PDF's QR codes decode to minted codes whose pages answer",
          "[console][labels]") {
  LotConsole f;
  const std::string clerk = f.SignIn("wang.fang", kPassword);
  const std::string labels = f.Page() + "/labels";
  REQUIRE(f.Submit(clerk, f.Page() + "/mint", {{"count", "100"}}, labels)->status == 303);
  const auto stored = f.UnitCodes();
  REQUIRE(stored.size() == 100);

  auto chosen = f.GetWith(labels + "?format=a4&size=50x30", clerk);
  CHECK(Contains(chosen->body, "将生成 100 张标签，3 页"));
  auto pdf = f.Submit(clerk, f.Page() + "/print", {{"format", "a4"}, {"size", "50x30"}}, labels);
  REQUIRE(pdf);
  REQUIRE(pdf->status == 200);
  CHECK(pdf->get_header_value("Content-Type") == "application/pdf");
  CHECK(Contains(pdf->get_header_value("Content-Disposition"), "attachment"));
  CHECK(pdf->get_header_value("X-Agritrace-Labels") == "100");
  CHECK(pdf->body.rfind("%PDF-", 0) == 0);
  // A download from the console is a print run like any other, under the signed-in user.
  CHECK(f.store->db()
            .QueryValue("SELECT actor || ' ' || destination FROM print_runs WHERE id = " +
                        pdf->get_header_value("X-Agritrace-Print-Run"))
            .String() == "user:wang.fang download");
  TempDir dir;
  WriteFileText(dir / "labels.pdf", pdf->body);
  REQUIRE(RunProcess({"/usr/bin/pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1",
                      "-singlefile", dir / "labels.pdf", dir / "page"})
              .exit_code == 0);
  auto sheet = labeler::PlaceOnA4({4, 9}, {50, 30, 203});
  REQUIRE(sheet.ok());
  auto texts = lt::DecodeSheet(lt::LoadPng(dir / "page.png"), *sheet, 200, 36);
  REQUIRE(texts.size() == 36);
  std::set<std::string> got;
  for (const auto& t : texts) got.insert(CodeOf(t));
  CHECK(got == std::set<std::string>(stored.begin(), stored.begin() + 36));
  auto consumer = f.Get(PathOf(texts.front()));
  REQUIRE(consumer);
  CHECK(consumer->status == 200);
  CHECK(Contains(consumer->body, "白沙绿茶"));

  // Other formats through the same path; a range beyond the minted codes refused on the page.
  auto tspl = f.Submit(clerk, f.Page() + "/print",
                       {{"format", "tspl"}, {"size", "60x40"}, {"dpi", "300"}, {"from", "3"},
                        {"to", "4"}},
                       labels);
  CHECK(tspl->status == 200);
  CHECK(Contains(tspl->body, stored[2]));
  CHECK_FALSE(Contains(tspl->body, stored[4]));
  auto one = f.Submit(clerk, f.Page() + "/print", {{"format", "pdf"}, {"size", "100x70"}}, labels);
  CHECK(one->status == 200);
  CHECK(one->get_header_value("X-Agritrace-Labels") == "100");
  auto beyond = f.Submit(clerk, f.Page() + "/print",
                         {{"format", "zpl"}, {"size", "50x30"}, {"from", "90"}, {"to", "120"}},
                         labels);
  CHECK(beyond->status == 422);
  CHECK(Contains(beyond->get_header_value("Content-Type"), "text/html"));
  CHECK(Contains(beyond->body, "序号范围 90–120 不对"));
  // This lot's GS1 QR does not fit 40 × 30 mm at 203 dpi: the labeler's reason, on the page.
  auto small = f.Submit(clerk, f.Page() + "/print", {{"format", "pdf"}, {"size", "40x30"}}, labels);
  CHECK(small->status == 422);
  CHECK(Contains(small->body, "标签太小"));
  auto odd = f.Submit(clerk, f.Page() + "/print", {{"format", "a4"}, {"size", "33x33"}}, labels);
  CHECK(odd->status == 422);
  auto no_token = f.PostForm(f.Page() + "/print", {{"format", "a4"}}, clerk);
  CHECK(no_token->status == 403);
}

TEST_CASE("console labels: the preview image is the labeler's first label", "[console][labels]") {
  LotConsole f;
  const std::string clerk = f.SignIn("wang.fang", kPassword);
  const std::string labels = f.Page() + "/labels";
  TempDir dir;
  // Nothing minted: the lot-code label.
  auto lot_label = f.GetWith(f.Page() + "/preview.png?size=50x30", clerk);
  REQUIRE(lot_label->status == 200);
  WriteFileText(dir / "lot.png", lot_label->body);
  CHECK(Contains(lt::DecodeOne(lt::LoadPng(dir / "lot.png")), f.lot));
  // A preview is a picture on screen, not a print: no run recorded.
  CHECK(f.Rows("print_runs") == 0);

  REQUIRE(f.Submit(clerk, f.Page() + "/mint", {{"count", "10"}}, labels)->status == 303);
  const auto stored = f.UnitCodes();
  auto page = f.GetWith(labels + "?size=60x40&from=3", clerk);
  REQUIRE(page->status == 200);
  CHECK(Contains(page->body, "src=\"" + f.Page() + "/preview.png?size=60x40&amp;dpi=203&amp;serial=3\""));
  // The page's CSP admits our own images and exactly its inline script.
  const std::string csp = page->get_header_value("Content-Security-Policy");
  CHECK(Contains(csp, "img-src 'self'"));
  const size_t s = page->body.find("<script>") + 8;
  const std::string script = page->body.substr(s, page->body.find("</script>") - s);
  CHECK(Contains(csp, "'sha256-" + Base64Encode(Sha256(script)) + "'"));

  auto png = f.GetWith(f.Page() + "/preview.png?size=60x40&serial=1", clerk);
  REQUIRE(png->status == 200);
  CHECK(png->get_header_value("Content-Type") == "image/png");
  CHECK(png->get_header_value("Content-Disposition") == "inline");
  WriteFileText(dir / "first.png", png->body);
  CHECK(CodeOf(lt::DecodeOne(lt::LoadPng(dir / "first.png"))) == stored[0]);
  auto third = f.GetWith(f.Page() + "/preview.png?size=50x30&dpi=300&serial=3", clerk);
  WriteFileText(dir / "third.png", third->body);
  CHECK(CodeOf(lt::DecodeOne(lt::LoadPng(dir / "third.png"))) == stored[2]);

  CHECK(f.GetWith(f.Page() + "/preview.png?size=1x1", clerk)->status == 422);
  CHECK(f.GetWith(f.Page() + "/preview.png?size=50x30&serial=11", clerk)->status == 422);
  CHECK(f.GetWith(f.Page() + "/preview.png?size=50x30&dpi=42", clerk)->status == 422);
  // Not signed in: no image.
  CHECK(f.Get(f.Page() + "/preview.png?size=50x30")->status != 200);
}
