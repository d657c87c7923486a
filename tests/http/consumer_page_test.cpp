// The consumer page through a real server on a loopback port: every banner state, the
// language choice, what follows the banner, GS1 Digital Link paths, and escaping of every
// stored text value.
#include "http/consumer_page.h"

#include <regex>

#include "agritrace/registry/brands.h"
#include "agritrace/registry/certifications.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

std::string Banner(const std::string& html) {
  std::smatch m;
  static const std::regex kBanner(
      R"re(<section class="b (\w+)" id="status" data-status="([\w-]+)"><h1>([^<]*)</h1>)re");
  if (!std::regex_search(html, m, kBanner)) return "";
  return m[1].str() + "|" + m[2].str() + "|" + m[3].str();
}

std::string StatusOf(const std::string& html) {
  std::smatch m;
  static const std::regex kStatus(R"re(data-status="([\w-]+)")re");
  return std::regex_search(html, m, kStatus) ? m[1].str() : "";
}

}  // namespace

TEST_CASE("first scan of a unit code: genuine, with the whole record", "[page]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  REQUIRE(AddTraceEvent(*f.store, lot, "harvesting", "2026-04-01T01:30:00Z", "469025100201",
                        "南溪村采茶队", "手工采摘一芽一叶")
              .ok());
  auto units = f.AddUnits(lot, 2);
  f.Start();

  auto r = f.Get("/q/" + units[0]);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(r->get_header_value("Content-Language") == "zh-CN");
  const std::string& html = r->body;
  CHECK(Banner(html) == "ok|genuine|正品 · 首次查询");
  CHECK(html.find("id=\"status\"") < html.find("<h2>"));  // the banner comes first
  CHECK(Contains(html, "<html lang=\"zh-CN\">"));
  CHECK(Contains(html, "name=\"viewport\""));
  CHECK(Contains(html, "白沙绿茶"));
  CHECK(Contains(html, "白沙县牙叉镇茶叶专业合作社"));
  CHECK(Contains(html, "白沙黎族自治县牙叉镇南溪村"));  // village full name
  CHECK(Contains(html, "LB-18-2304460123A"));
  CHECK(Contains(html, "中国绿色食品发展中心"));
  CHECK(Contains(html, "<span class=\"grn\">有效</span>"));
  CHECK(Contains(html, "海南省检测中心"));
  CHECK(Contains(html, "HN2026-0412"));
  CHECK(Contains(html, "60.0%"));  // 12 kg of 20 kg from registered-poor households
  CHECK(Contains(html, "签名有效"));
  CHECK(Contains(html, "2026-04-01 09:30"));       // trace time in Asia/Shanghai
  CHECK(Contains(html, "南溪村 · 南溪村采茶队"));  // place name from the region code
  CHECK(Contains(html, "手工采摘一芽一叶"));
  CHECK(Contains(html, "250 克"));
  CHECK(Contains(html, "06901234567892"));
  CHECK(html.size() < 30 * 1024);

  // The other unit of the lot is untouched by the first's scan.
  auto other = f.Get("/Q/" + units[1]);
  REQUIRE(other);
  CHECK(StatusOf(other->body) == "genuine");
}

TEST_CASE("scans 2..N say how often and since when, and beyond N is a counterfeit warning", "[page]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  f.Start();
  std::string path = "/q/" + units[0];
  REQUIRE(StatusOf(f.Get(path)->body) == "genuine");

  auto second = f.Get(path);
  REQUIRE(second);
  CHECK(second->status == 200);
  std::string b = Banner(second->body);
  CHECK(Contains(b, "warn|scanned|已被查询 2 次，首次查询时间 "));
  CHECK(Contains(b, "（北京时间），如非本人查询请谨防假冒"));
  std::regex shanghai(R"(首次查询时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）)");
  CHECK(std::regex_search(second->body, shanghai));

  for (int n = 3; n <= 5; ++n) CHECK(StatusOf(f.Get(path)->body) == "scanned");
  auto sixth = f.Get(path);  // N = 5
  REQUIRE(sixth);
  CHECK(Banner(sixth->body) == "bad|suspicious|警告：疑似假冒！此码已被查询 6 次");
  CHECK(Contains(sixth->body, "谨防假冒"));
  CHECK(Contains(sixth->body, "白沙绿茶"));  // still shows what the code was issued for
}

TEST_CASE("scans from more than K networks are a counterfeit warning", "[page]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  http::ServerOptions o = TestServerOptions();
  o.scan_threshold = 100;  // only the network rule can fire
  f.Start(o);
  std::string path = "/q/" + units[0];
  // Two addresses in one /24 are one network.
  CHECK(StatusOf(RawGet("127.0.1.1", f.server->port(), path).body) == "genuine");
  CHECK(StatusOf(RawGet("127.0.1.2", f.server->port(), path).body) == "scanned");
  CHECK(StatusOf(RawGet("127.0.2.1", f.server->port(), path).body) == "scanned");
  CHECK(StatusOf(RawGet("127.0.3.1", f.server->port(), path).body) == "scanned");  // 3 = K
  auto fourth = RawGet("127.0.4.1", f.server->port(), path);
  CHECK(fourth.status == 200);
  CHECK(Banner(fourth.body) == "bad|suspicious|警告：疑似假冒！此码已在 4 个不同网络被查询");
  // The networks are stored as salted hashes, never as addresses.
  f.server->Stop();
  sql::Statement q(f.store->db(), "SELECT COUNT(DISTINCT net), MIN(net) FROM scans");
  REQUIRE(q.Step());
  CHECK(q.Column(0).Int() == 4);
  CHECK(std::regex_match(q.Column(1).String(), std::regex("[0-9a-f]{64}")));
  CHECK(f.store->db().QueryValue("SELECT COUNT(*) FROM scans WHERE net LIKE '%127.%'").Int() ==
        0);
}

TEST_CASE("lot-code scans show the lot and never warn of copies", "[page]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  f.Start();
  std::string html;
  for (int i = 0; i < 8; ++i) html = f.Get("/q/" + lot)->body;
  CHECK(Banner(html) == "ok|genuine|正品批次 · 批次码验证通过");
  CHECK(Contains(html, "本批次已被查询 8 次"));
  CHECK_FALSE(Contains(html, "谨防假冒"));
  CHECK(Contains(html, "白沙绿茶"));
  // Hyphenated, lower-case and with O/I/L confusions, the same lot.
  std::string typed = lot.substr(0, 5) + "-" + lot.substr(5);
  for (char& c : typed) c = static_cast<char>(std::tolower(c));
  CHECK(StatusOf(f.Get("/q/" + typed)->body) == "genuine");
}

TEST_CASE("an unknown code is a counterfeit warning, and a typo asks to check the code", "[page]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  f.Start();

  auto unknown = f.Get("/q/" + FreshUnitCode());
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(Banner(unknown->body) == "bad|unknown|未查询到此码，谨防假冒");
  CHECK(Contains(unknown->body, "action=\"/lookup\""));  // a form to try again

  // One character changed: the check character catches it.
  std::string typo = units[0];
  typo[3] = typo[3] == '7' ? '8' : '7';
  auto mistyped = f.Get("/q/" + typo);
  REQUIRE(mistyped);
  CHECK(mistyped->status == 400);
  CHECK(Banner(mistyped->body) == "warn|mistyped|请核对编码");
  CHECK(Contains(mistyped->body, "有一个字符输错了"));

  auto short_code = f.Get("/q/ABC123");
  REQUIRE(short_code);
  CHECK(StatusOf(short_code->body) == "mistyped");
  CHECK(Contains(short_code->body, "输入了 6 个字符"));

  auto bad_char = f.Get("/q/" + units[0].substr(0, 15) + "U");
  REQUIRE(bad_char);
  CHECK(StatusOf(bad_char->body) == "mistyped");
  CHECK(Contains(bad_char->body, "是否应为 V"));

  // Every one of them was counted, with its kind, per network and day (not a row each).
  f.server->Stop();
  CHECK(CountScanMisses(f.store->db(), "unknown") == 1);
  CHECK(CountScanMisses(f.store->db(), "malformed") == 3);
  CHECK(f.store->db().QueryValue("SELECT COUNT(*) FROM scans WHERE kind <> 'unit'").Int() == 0);
}

TEST_CASE("a recalled lot says so first, in red, whatever the scan count", "[page]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 1);
  REQUIRE(RecallLot(*f.store, lot, "农残超标，请勿食用").ok());
  f.Start();
  f.Get("/q/" + units[0]);
  auto r = f.Get("/q/" + units[0]);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(Banner(r->body) == "bad|recalled|此批次已召回，请勿食用");
  CHECK(Contains(r->body, "农残超标，请勿食用"));
  CHECK(Contains(r->body, "此码已被查询 2 次"));            // the scan history as a side note
  CHECK(Contains(r->body, "<b class=\"red\">召回</b>"));    // and in the timeline
  CHECK(StatusOf(f.Get("/q/" + lot)->body) == "recalled");  // the lot code too
}

TEST_CASE("revoked, suspended and expired certificates are said first", "[page]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 3);
  // A certificate that was valid on the packing date and has lapsed since.
  CertificationInput wgh{"pollution-free",
                         "WGH-HN-23-00123",
                         "海南省农业农村厅",
                         f.org,
                         {f.tea},
                         DaysAgo(300),
                         DaysAgo(2),
                         -1,
                         {}};
  REQUIRE(AddCertification(*f.store, wgh, "cli").ok());
  LotInput lapsed = f.TeaLot();
  lapsed.certs = {"WGH-HN-23-00123"};
  auto lapsed_units = f.AddUnits(f.Issue(lapsed), 1);
  f.Start();

  auto expired = f.Get("/q/" + lapsed_units[0]);
  REQUIRE(expired);
  CHECK(Banner(expired->body) == "bad|expired|认证证书已过期");
  CHECK(Contains(expired->body, "有效期至 " + DaysAgo(2)));
  CHECK(Contains(expired->body, "<span class=\"red\">已过期</span>"));

  REQUIRE(ChangeCertificationStatus(*f.store, f.green, "suspend", "抽检不合格，整改中", "cli").ok());
  auto suspended = f.Get("/q/" + units[0]);
  REQUIRE(suspended);
  CHECK(Banner(suspended->body) == "bad|suspended|认证证书已暂停");
  CHECK(Contains(suspended->body, "抽检不合格，整改中"));

  REQUIRE(ChangeCertificationStatus(*f.store, f.green, "revoke", "冒用标志", "cli").ok());
  auto revoked = f.Get("/q/" + units[1]);
  REQUIRE(revoked);
  CHECK(Banner(revoked->body) == "bad|revoked|认证证书已撤销");
  CHECK(Contains(revoked->body, "LB-18-2304460123A"));
  CHECK(Contains(revoked->body, "冒用标志"));
  CHECK(Contains(revoked->body, "<span class=\"red\">已撤销</span>"));
}

TEST_CASE("a record altered in the database fails its signature check", "[page]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 1);
  f.store->db().Exec(
      "UPDATE lots SET record_json = replace(record_json, '\"units\":100', "
      "'\"units\":900')");
  f.Start();
  auto r = f.Get("/q/" + units[0]);
  REQUIRE(r);
  CHECK(Banner(r->body) == "bad|signature-invalid|记录签名无效，谨防假冒");
  CHECK(Contains(r->body, "<span class=\"red\">签名无效</span>"));
  CHECK_FALSE(Contains(r->body, "签名有效"));
}

TEST_CASE("English with ?lang=en or an Accept-Language preferring it", "[page]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 3);
  f.Start();
  auto by_param = f.Get("/q/" + units[0] + "?lang=en");
  REQUIRE(by_param);
  CHECK(by_param->get_header_value("Content-Language") == "en");
  CHECK(Banner(by_param->body) == "ok|genuine|Genuine · first check");
  CHECK(Contains(by_param->body, "Signature valid"));
  CHECK(Contains(by_param->body, "<html lang=\"en\">"));
  CHECK(Contains(by_param->body, "Beijing time"));

  auto by_header = f.Get("/q/" + units[1], {{"Accept-Language", "en-US,en;q=0.9,zh-CN;q=0.5"}});
  REQUIRE(by_header);
  CHECK(StatusOf(by_header->body) == "genuine");
  CHECK(Contains(by_header->body, "Genuine · first check"));

  auto chinese = f.Get("/q/" + units[2], {{"Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8"}});
  REQUIRE(chinese);
  CHECK(Contains(chinese->body, "正品 · 首次查询"));
  auto again = f.Get("/q/" + units[2] + "?lang=en");
  REQUIRE(again);
  CHECK(Contains(Banner(again->body), "warn|scanned|Checked 2 times, first on "));
}

TEST_CASE("GS1 Digital Link paths reach the same page, and a mismatched GTIN does not", "[page]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 2);
  f.Start();
  auto ok = f.Get("/01/06901234567892/10/" + lot + "/21/" + units[0]);
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(StatusOf(ok->body) == "genuine");
  auto lot_only = f.Get("/01/06901234567892/10/" + lot);
  REQUIRE(lot_only);
  CHECK(StatusOf(lot_only->body) == "genuine");
  CHECK(Contains(lot_only->body, "批次码验证通过"));

  // A valid GTIN of another product: the label was not printed from this registry.
  auto other = f.Get("/01/04006381333931/10/" + lot + "/21/" + units[1]);
  REQUIRE(other);
  CHECK(other->status == 404);
  CHECK(StatusOf(other->body) == "unknown");
  CHECK(Contains(other->body, "GTIN 04006381333931"));
  auto bad_check = f.Get("/01/06901234567893/21/" + units[1]);
  REQUIRE(bad_check);
  CHECK(StatusOf(bad_check->body) == "mistyped");
}

TEST_CASE("every stored text value is HTML-escaped", "[page][security]") {
  VerifyFixture f;
  auto& db = f.store->db();
  // Names as a careless or hostile clerk might register them.
  db.Exec("UPDATE organisations SET name = '合作社" +
          std::string("<script>alert(1)</script>\"''&") + "' WHERE id = " + std::to_string(f.org));
  db.Exec(
      "UPDATE products SET name = '茶<script>alert(1)</script>\"''&', category = "
      "'<img src=x onerror=alert(1)>' WHERE id = " +
      std::to_string(f.tea));
  db.Exec(
      "UPDATE regions SET name = '南溪村<script>alert(1)</script>' WHERE code = '469025100201'");
  db.Exec("UPDATE certifications SET issuer = '<script>alert(1)</script>中心' WHERE number = '" +
          f.green + "'");
  BrandInput brand{"<script>alert(1)</script>品牌",
                   "one-village-one-product",
                   "469025100201",
                   "county",
                   "<script>alert(1)</script>县农业农村局",
                   2020,
                   {f.tea}};
  auto b = AddBrand(*f.store, brand);
  REQUIRE(b.ok());
  LotInput lot = f.TeaLot();
  lot.brand_id = b->brand.id;
  lot.households = {{"H-<script>alert(1)</script>", 1000, true}};
  lot.inspections = {{"<script>alert(1)</script>检测站", "R-<b>1</b>", "pass"}};
  std::string code = f.Issue(lot);
  REQUIRE(AddTraceEvent(*f.store, code, "shipping", "2026-05-01T00:00:00Z", "",
                        "<script>alert(1)</script>物流", "<script>alert(1)</script>备注")
              .ok());
  REQUIRE(ChangeCertificationStatus(*f.store, f.green, "suspend", "<script>alert(1)</script>原因", "cli")
              .ok());
  REQUIRE(RecallLot(*f.store, code, "<script>alert(1)</script>召回").ok());
  auto units = f.AddUnits(code, 1);
  f.Start();

  for (const std::string& path : {"/q/" + units[0], "/q/" + code, "/q/" + units[0] + "?lang=en"}) {
    auto r = f.Get(path);
    REQUIRE(r);
    const std::string& html = r->body;
    INFO(path);
    CHECK_FALSE(Contains(html, "<script"));
    CHECK_FALSE(Contains(html, "<img"));
    CHECK_FALSE(Contains(html, "<b>1</b>"));
    CHECK(Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    for (const char* field :
         {"合作社&lt;script&gt;", "茶&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;",
          "&lt;img src=x onerror=alert(1)&gt;", "南溪村&lt;script&gt;",
          "&lt;script&gt;alert(1)&lt;/script&gt;中心", "H-&lt;script&gt;",
          "&lt;script&gt;alert(1)&lt;/script&gt;检测站", "R-&lt;b&gt;1&lt;/b&gt;",
          "&lt;script&gt;alert(1)&lt;/script&gt;物流", "&lt;script&gt;alert(1)&lt;/script&gt;备注",
          "&lt;script&gt;alert(1)&lt;/script&gt;品牌",
          "&lt;script&gt;alert(1)&lt;/script&gt;县农业农村局",
          "&lt;script&gt;alert(1)&lt;/script&gt;召回"}) {
      INFO(field);
      CHECK(Contains(html, field));
    }
  }
  // The input echoed back on a typo page is escaped too.
  auto typo = f.Get("/lookup?code=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  REQUIRE(typo);
  CHECK(typo->status == 400);
  CHECK_FALSE(Contains(typo->body, "<script"));
  CHECK(Contains(typo->body, "&quot;&gt;&lt;script&gt;"));
}

TEST_CASE("grams and shares are formatted without floating point", "[page]") {
  using http::FormatGrams;
  using http::FormatPercent;
  using http::Lang;
  CHECK(FormatGrams(250, Lang::kZh) == "250 克");
  CHECK(FormatGrams(1000, Lang::kZh) == "1 千克");
  CHECK(FormatGrams(1250, Lang::kEn) == "1.25 kg");
  CHECK(FormatGrams(120000, Lang::kEn) == "120 kg");
  CHECK(FormatGrams(1001, Lang::kEn) == "1001 g");
  CHECK(FormatPercent(12000, 20000) == "60.0%");
  CHECK(FormatPercent(1, 3) == "33.3%");
  CHECK(FormatPercent(2, 3) == "66.7%");
  CHECK(FormatPercent(0, 5) == "0.0%");
  CHECK(FormatPercent(5, 5) == "100.0%");
  CHECK(FormatPercent(1, 0) == "—");
}

TEST_CASE("a page from the lot's pre-rendered parts equals one rendered whole", "[page]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 1);
  using http::Lang;
  http::ReaderPool pool(f.store->path(), nullptr);
  auto lease = pool.Acquire();
  REQUIRE(lease.ok());
  auto found = lease->lookup().ByUnitCode(units[0], TodayShanghai());
  REQUIRE(found.ok());
  for (Lang lang : {Lang::kZh, Lang::kEn}) {
    http::Verdict v;
    v.kind = http::ScannedKind::kUnit;
    v.code = units[0];
    v.display = "DISPLAY-CODE";
    v.serial = 1;
    v.tally.count = 2;
    v.tally.first_at = "2026-04-01T01:30:00Z";
    auto plain = std::make_shared<LotLookup>(*found);
    v.lot = plain;
    http::DecideStatus(v);
    std::string whole = http::RenderConsumerPage(v, lang);

    auto cached = std::make_shared<LotLookup>(*found);
    for (Lang l : {Lang::kZh, Lang::kEn}) {
      auto parts = http::RenderLotPageParts(*cached, l);
      cached->rendered.page_head[static_cast<int>(l)] = parts.head;
      cached->rendered.page_tail[static_cast<int>(l)] = parts.tail;
    }
    v.lot = cached;
    CHECK(http::RenderConsumerPage(v, lang) == whole);
    CHECK(Contains(whole, "DISPLAY-CODE"));  // the unit's own rows sit between the parts
  }
}
