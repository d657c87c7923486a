// Offline-signed labels on the verify service: a good one answers as its unit (one scan history
// with the unit's /q/ code), a forged, foreign or unminted one as unknown with the reason, a
// broken one as mistyped; the form and lower-case paths lead to the same page.
#include "agritrace/labeler/lot_code.h"
#include "agritrace/labeler/offline_label.h"
#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/key_ring.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

Json GetJson(VerifyFixture& f, const std::string& path) {
  auto r = f.Get(path);
  REQUIRE(r);
  CHECK(r->status == 200);
  INFO(r->body);
  CHECK(SchemaErrors("verify-response.schema.json", r->body) == "");
  return Json::parse(r->body);
}

}  // namespace

TEST_CASE("an offline-signed label is its unit on the verify page and API", "[offline_label]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 3);
  auto key = CurrentSigningKey(*f.store);
  REQUIRE(key.ok());
  f.Start();
  auto segment = [&](int64_t serial, const Ed25519PrivateKey& k, const std::string& kid) {
    return labeler::OfflineLabelSegment(
        labeler::SignOfflineLabel("https://v.test.example", lot, serial, kid, k));
  };
  const std::string good = segment(2, key->key, key->kid);

  Json first = GetJson(f, "/api/v1/verify/S/" + good);
  CHECK(first["status"] == "genuine");
  CHECK(first["code"] == units[1]);
  CHECK(first["code_kind"] == "unit");
  CHECK(first["serial"] == 2);
  CHECK(first["display_code"] == labeler::FormatUnitCode(units[1]));
  CHECK(first["signature_valid"] == true);
  // The same unit typed by hand: its second scan.
  Json typed = GetJson(f, "/api/v1/verify/" + units[1]);
  CHECK(typed["status"] == "scanned");
  CHECK(typed["scan_count"] == 2);

  std::string lower = good;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto page = f.Get("/s/" + lower);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(Contains(page->body, "已被查询 3 次"));
  CHECK(Contains(page->body, labeler::FormatUnitCode(units[1])));
  f.server->scans().Flush();
  CHECK(f.ScanRows(units[1]) == 3);

  // The signature of serial 2 moved onto serial 3.
  std::string moved = good;
  moved.replace(lot.size(), 3, ".3.");
  Json forged = GetJson(f, "/api/v1/verify/S/" + moved);
  CHECK(forged["status"] == "unknown");
  CHECK(Contains(forged["detail"]["zh"].get<std::string>(), "标签上的签名无效"));
  CHECK(Contains(forged["detail"]["en"].get<std::string>(), "signature is INVALID"));
  f.server->scans().Flush();
  CHECK(f.ScanRows(units[2]) == 0);  // not counted against the real unit 3

  auto stranger = Ed25519PrivateKey::Generate();
  REQUIRE(stranger.ok());
  Json foreign = GetJson(
      f, "/api/v1/verify/S/" + segment(1, *stranger, KeyId(stranger->RawPublicKey())));
  CHECK(foreign["status"] == "unknown");
  CHECK(Contains(foreign["detail"]["zh"].get<std::string>(), "不是本登记库的"));
  Json unminted = GetJson(f, "/api/v1/verify/S/" + segment(9, key->key, key->kid));
  CHECK(unminted["status"] == "unknown");
  CHECK(Contains(unminted["detail"]["zh"].get<std::string>(), "没有这个批次的第 9 号单品"));
  CHECK(unminted["display_code"] == labeler::FormatLotCode(lot) + "/9");

  // Signed for another host (a copy on a look-alike site's base): this server checks its own
  // origin, so the label is not one of its units whatever host it was read from.
  Json elsewhere = GetJson(f, "/api/v1/verify/S/" + labeler::OfflineLabelSegment(labeler::SignOfflineLabel(
                                                        "https://v.test-example.com", lot, 2,
                                                        key->kid, key->key)));
  CHECK(elsewhere["status"] == "unknown");
  CHECK(Contains(elsewhere["detail"]["zh"].get<std::string>(), "HTTPS://V.TEST.EXAMPLE"));
  CHECK(Contains(elsewhere["detail"]["en"].get<std::string>(), "signature is INVALID"));
  // A v1 label (no origin signed) is refused with its own reason.
  labeler::OfflineLabel v1{"", lot, 2, key->kid, key->key.Sign("agritrace-label:v1:" + lot + ":2")};
  Json old = GetJson(f, "/api/v1/verify/S/" + labeler::OfflineLabelSegment(v1));
  CHECK(old["status"] == "unknown");
  CHECK(Contains(old["detail"]["zh"].get<std::string>(), "旧格式"));
  CHECK(Contains(old["detail"]["en"].get<std::string>(), "old format"));
  f.server->scans().Flush();
  CHECK(f.ScanRows(units[1]) == 3);  // neither counted against the real unit 2

  auto broken = f.Get("/S/" + good.substr(0, good.size() - 2));
  REQUIRE(broken);
  CHECK(broken->status == 400);  // as for any mistyped code
  CHECK(Contains(broken->body, "请核对编码"));
  CHECK(Contains(broken->body, "离线签名标签有误"));

  // The whole QR text pasted into the form goes to the label's page.
  auto c = f.Client();
  httplib::Params params{{"code", "HTTPS://V.TEST.EXAMPLE/S/" + good}};
  auto r = c.Get("/lookup", params, httplib::Headers{});
  REQUIRE(r);
  CHECK(r->status == 303);
  CHECK(r->get_header_value("Location") == "/S/" + good);
  // Counted (and rate-limited) as consumer pages.
  CHECK(f.server->metrics().requests(http::Route::kConsumerPage, 200) == 1);
  CHECK(f.server->metrics().requests(http::Route::kConsumerPage, 400) == 1);
}
