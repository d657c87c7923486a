// A 承诺达标合格证's page and JSON through a real server: the certificate as the paper reads,
// then the lot's provenance; a tampered record shows as such; unknown and mistyped numbers.
#include "http/hgz_page.h"

#include "agritrace/registry/hgz.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

struct HgzPageFixture : VerifyFixture {
  std::string lot, number;
  HgzPageFixture() {
    lot = Issue(TeaLot());
    HgzInput in = SampleHgz(lot);
    in.contact = "0898-12345678";
    auto r = IssueHgz(*store, in);
    REQUIRE(r.ok());
    number = r->number;
  }
};

std::string DataStatus(const std::string& html) {
  auto at = html.find("data-status=\"");
  if (at == std::string::npos) return "";
  at += 13;
  return html.substr(at, html.find('"', at) - at);
}

}  // namespace

TEST_CASE("GET /h/{number} reads like the paper certificate, then the lot's provenance",
          "[page][hgz]") {
  HgzPageFixture f;
  f.Start();
  // As the QR carries it: upper case /H/.
  auto r = f.Get("/H/" + f.number);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(r->get_header_value("Content-Language") == "zh-CN");
  const std::string& html = r->body;
  CHECK(DataStatus(html) == "valid");
  // The certificate first: its title, every field, the commitment, the basis, the signature.
  const size_t cert = html.find("<section class=\"hgz\" id=\"hgz\"><h1>承诺达标合格证</h1>");
  REQUIRE(cert != std::string::npos);
  for (const char* s : {"编号", "产品名称", "白沙绿茶", "重量", "12.5 公斤", "产地",
                        "白沙黎族自治县牙叉镇南溪村", "承诺主体（生产者）",
                        "白沙县牙叉镇茶叶专业合作社", "91350100M000100Y43", "联系电话",
                        "0898-12345678", "开具日期", "承诺依据", "委托检测合格",
                        "检测报告编号 HN2026-0412",
                        "未使用禁用农药、兽药及其他化合物；使用的常规农药、兽药残留不超标。",
                        "数字签名 <span class=\"grn\">有效</span>"}) {
    INFO(s);
    const size_t at = html.find(s, cert);
    CHECK(at != std::string::npos);
    CHECK(at < html.find("id=\"provenance\""));
  }
  CHECK(Contains(html, f.number));
  // Then the lot, as its consumer page shows it.
  const size_t prov = html.find("id=\"provenance\"");
  CHECK(html.find("LB-18-2304460123A", prov) != std::string::npos);
  CHECK(html.find("中国绿色食品发展中心", prov) != std::string::npos);
  CHECK(html.find("签名有效", prov) != std::string::npos);
  CHECK(Contains(html, "href=\"/q/" + f.lot + "\""));
  CHECK(html.size() < 30 * 1024);
  // Reading a certificate is no scan.
  CHECK(f.ScanRows() == 0);

  auto en = f.Get("/h/" + f.number + "?lang=en");
  REQUIRE(en);
  CHECK(en->status == 200);
  CHECK(en->get_header_value("Content-Language") == "en");
  CHECK(Contains(en->body, "Certificate registered, signature valid"));
  CHECK(Contains(en->body, "12.5 kg"));
  CHECK(Contains(en->body, "passed commissioned testing (report HN2026-0412)"));
  // The commitment is the legal text: shown as signed.
  CHECK(Contains(en->body, "未使用禁用农药"));
  // Typed from paper: lower case and a hyphen.
  std::string typed = f.number;
  for (char& c : typed) c = static_cast<char>(std::tolower(c));
  typed.insert(6, "-");
  auto lower = f.Get("/h/" + typed);
  REQUIRE(lower);
  CHECK(lower->status == 200);
}

TEST_CASE("GET /api/v1/hgz/{number} is the same certificate as JSON", "[api][hgz]") {
  HgzPageFixture f;
  f.Start();
  auto r = f.Get("/api/v1/hgz/" + f.number);
  REQUIRE(r);
  CHECK(r->status == 200);
  INFO(r->body);
  CHECK(SchemaErrors("hgz.schema.json", r->body) == "");
  Json j = Json::parse(r->body);
  CHECK(j["number"] == f.number);
  CHECK(j["title"] == "承诺达标合格证");
  CHECK(j["signature_valid"] == true);
  CHECK(j["record"]["report"] == "HN2026-0412");
  CHECK(j["lot"]["page"] == "/q/" + f.lot);
  auto pub = PublicKeyOf(*f.store, j["kid"]);
  REQUIRE(pub.ok());
  CHECK(VerifyRecordSignature(*pub, j["record_canonical"].get<std::string>(),
                              j["signature"].get<std::string>()));
  CHECK(f.server->metrics().requests(http::Route::kHgz, 200) == 1);

  ExpectProblem(f.Get("/api/v1/hgz/H0000000000"), 404, "hgz-unknown");
  auto typo = f.Get("/api/v1/hgz/H0000000001");
  REQUIRE(typo);
  CHECK(typo->status == 422);
}

TEST_CASE("unknown, mistyped, recalled and tampered certificates say so", "[page][hgz]") {
  HgzPageFixture f;
  f.Start();
  auto unknown = f.Get("/h/H0000000000");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(DataStatus(unknown->body) == "unknown");
  CHECK(Contains(unknown->body, "找不到这张合格证"));
  auto typo = f.Get("/h/H0000000001?lang=en");
  REQUIRE(typo);
  CHECK(typo->status == 400);
  CHECK(DataStatus(typo->body) == "mistyped");
  CHECK(Contains(typo->body, "Certificate number mistyped"));
  // Markup in the path is escaped, never echoed raw.
  auto evil = f.Get("/h/%3Cscript%3E");
  REQUIRE(evil);
  CHECK(evil->status == 400);
  CHECK_FALSE(Contains(evil->body, "<script>"));

  REQUIRE(RecallLot(*f.store, f.lot, "抽检不合格").ok());
  auto recalled = f.Get("/h/" + f.number);
  REQUIRE(recalled);
  CHECK(DataStatus(recalled->body) == "recalled");
  CHECK(Contains(recalled->body, "该批次已召回"));

  // An intruder raises the weight in the stored record: the signature no longer holds.
  f.store->db().Exec("UPDATE hgz SET record_json = replace(record_json, '\"weight_g\":12500', "
                     "'\"weight_g\":99500')");
  auto forged = f.Get("/h/" + f.number);
  REQUIRE(forged);
  CHECK(DataStatus(forged->body) == "signature-invalid");
  CHECK(Contains(forged->body, "签名无效"));
  CHECK(Contains(forged->body, "<span class=\"red\">无效</span>"));
}
