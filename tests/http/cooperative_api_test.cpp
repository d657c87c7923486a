// The cooperative's API on a real server (loopback, port 0): products, lots, trace events,
// recalls, unit codes and label files; tokens, roles and organisations; malformed requests.
// Every answer is checked against its schema, every refusal against the rows it must not write.
#include <set>

#include "agritrace/labeler/code_parser.h"
#include "agritrace/registry/hgz.h"
#include "agritrace/registry/key_ring.h"
#include "labeler/sheet_layout.h"
#include "tests/http/api_fixture.h"
#include "tests/labeler/test_support.h"

using namespace agritrace;
using namespace agritrace::testing;
namespace lt = agritrace::labeler::testing;

namespace {

Json TeaLotBody(const ApiFixture& f, int64_t units = 40) {
  return {{"product_id", f.tea},
          {"origin", "469025100201"},
          {"harvested", DaysAgo(10)},
          {"packed", DaysAgo(5)},
          {"units", units},
          {"certs", {f.green}},
          {"households",
           {{{"id", "H-0001"}, {"grams", 6000}, {"registered_poor", true}},
            {{"id", "H-0002"}, {"grams", 4000}, {"registered_poor", false}}}},
          {"inspections",
           {{{"agency", "海南省检测中心"}, {"report", "HN2026-0412"}, {"result", "pass"}}}}};
}

// Issues a tea lot over the API and mints `units` codes for it; returns the lot code.
std::string IssueAndMint(ApiFixture& f, int units) {
  Json lot = Expect(f.Post("/api/v1/lots", f.coop, TeaLotBody(f, units)), 201, "lot.schema.json");
  std::string code = lot["code"];
  Expect(f.Post("/api/v1/lots/" + code + "/units", f.coop, Json{{"count", units}}), 201,
         "label-mint.schema.json");
  return code;
}

std::string CodeOf(const std::string& qr_text) {
  auto p = labeler::ParseCode(qr_text);
  REQUIRE(p.ok());
  return p->code;
}

}  // namespace

TEST_CASE("cooperative API: products are created and read for the token's organisation only",
          "[api][cooperative]") {
  ApiFixture f;
  Json body = {{"name", "白沙红茶"},
               {"category", "茶叶"},
               {"net_content_g", 100},
               {"gtin", "6901234567892"}};
  CHECK(SchemaErrors("api-product-create.schema.json", body.dump()) == "");
  auto created = f.Post("/api/v1/products", f.coop, body);
  Json p = Expect(created, 201, "product.schema.json");
  CHECK(p["org_id"] == f.org);  // the token's organisation by default
  CHECK(p["gtin"] == "06901234567892");
  std::string location = created->get_header_value("Location");
  CHECK(location == "/api/v1/products/" + p["id"].dump());
  CHECK(Expect(f.GetAs(location, f.coop), 200, "product.schema.json") == p);
  CHECK(Expect(f.GetAs(location, f.bureau), 200, "product.schema.json") == p);

  // Another organisation's cooperative may not read it, and the attempt is logged.
  int64_t denials = f.Rows("access_denials");
  Json denied = ExpectProblem(f.GetAs(location, f.other_coop), 403, "forbidden-organisation");
  CHECK(Contains(denied["detail_zh"], "此次尝试已记录"));
  CHECK(f.Rows("access_denials") == denials + 1);
  CHECK(Contains(f.LastDenial(), "GET " + location + "|organisation " + std::to_string(f.org)));

  // Nor create products for another organisation: 403, a denial row, no product.
  int64_t products = f.Rows("products");
  body["org_id"] = f.other_org;
  ExpectProblem(f.Post("/api/v1/products", f.coop, body), 403, "forbidden-organisation");
  CHECK(f.Rows("products") == products);
  CHECK(f.Rows("access_denials") == denials + 2);

  // The bureau names the organisation.
  body.erase("org_id");
  ExpectProblem(f.Post("/api/v1/products", f.bureau, body), 422, "body-member-missing");
  body["org_id"] = f.other_org;
  CHECK(Expect(f.Post("/api/v1/products", f.bureau, body), 201, "product.schema.json")["org_id"] ==
        f.other_org);

  // A registry rule: the GTIN's check digit, with its reason slug; nothing written.
  std::string before = Snapshot(*f.store);
  body["gtin"] = "6901234567890";
  Json bad = ExpectProblem(f.Post("/api/v1/products", f.bureau, body), 422, "gtin-check");
  CHECK(bad["title"] == "输入不符合规则");
  CHECK(Snapshot(*f.store) == before);

  ExpectProblem(f.GetAs("/api/v1/products/99999", f.bureau), 404, "product-unknown");
  for (const char* path : {"/api/v1/products/abc", "/api/v1/products/0",
                           "/api/v1/products/99999999999999999999999", "/api/v1/products/1/x"})
    ExpectProblem(f.GetAs(path, f.bureau), 404, "not-found");
}

TEST_CASE("cooperative API: a lot issued over the API is genuine on its consumer page",
          "[api][cooperative]") {
  ApiFixture f;
  Json body = TeaLotBody(f, 40);
  CHECK(SchemaErrors("api-lot-issue.schema.json", body.dump()) == "");
  auto issued = f.Post("/api/v1/lots", f.coop, body);
  Json lot = Expect(issued, 201, "lot.schema.json");
  std::string code = lot["code"];
  CHECK(issued->get_header_value("Location") == "/api/v1/lots/" + code);
  CHECK(lot["record"]["producer"]["id"] == f.org);
  CHECK(lot["record"]["households"][0] ==
        Json({{"id", "H-0001"}, {"grams", 6000}, {"registered_poor", true}}));
  CHECK(lot["record"]["inspections"][0]["report"] == "HN2026-0412");
  CHECK(f.Rows("lots") == 1);

  // Read back, also by its printed form (XXXXX-XXXXX, lower case).
  std::string printed = code.substr(0, 5) + "-" + code.substr(5);
  for (char& c : printed) c = static_cast<char>(std::tolower(c));
  Json shown = Expect(f.GetAs("/api/v1/lots/" + printed, f.coop), 200, "lot.schema.json");
  CHECK(shown["signature"] == lot["signature"]);
  CHECK(shown["recalled"] == false);

  Json mint = Expect(f.Post("/api/v1/lots/" + code + "/units", f.coop, Json{{"count", 3}}), 201,
                     "label-mint.schema.json");
  CHECK(mint["first_serial"] == 1);
  CHECK(mint["last_serial"] == 3);
  CHECK(SchemaErrors("api-units-mint.schema.json", R"({"count": 2, "spare": 1})") == "");
  Json spares =
      Expect(f.Post("/api/v1/lots/" + code + "/units", f.coop, Json{{"count", 2}, {"spare", 1}}),
             201, "label-mint.schema.json");
  CHECK(spares["last_serial"] == 6);
  auto units = f.UnitCodes(code);
  REQUIRE(units.size() == 6);

  auto page = f.Get("/q/" + units[0]);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(Contains(page->body, "正品 · 首次查询"));
  CHECK(Contains(page->body, "白沙绿茶"));
  auto verify = f.Get("/api/v1/verify/" + units[1]);
  REQUIRE(verify);
  Json v = Json::parse(verify->body);
  CHECK(v["status"] == "genuine");
  CHECK(v["lot_code"] == code);
  CHECK(v["signature_valid"] == true);

  // Minting beyond the lot's units is the labeler's refusal, nothing written.
  f.server->Settle();
  std::string before = Snapshot(*f.store);
  ExpectProblem(f.Post("/api/v1/lots/" + code + "/units", f.coop, Json{{"count", 36}}), 422,
                "units-exceeded");
  CHECK(Snapshot(*f.store) == before);
}

TEST_CASE("cooperative API: refused issues write one refusals row, bad bodies write nothing",
          "[api][cooperative]") {
  ApiFixture f;
  std::string before = Snapshot(*f.store);
  int64_t refusals = f.Rows("refusals");

  // Issue rules: the registry's reason and texts, and one refusals row as the CLI writes.
  Json future = TeaLotBody(f);
  future["packed"] = AddDays(TodayShanghai(), 3);
  Json p = ExpectProblem(f.Post("/api/v1/lots", f.coop, future), 422, "date-future");
  CHECK(Contains(p["detail_zh"], "不能预先发放"));
  CHECK(Contains(p["detail_en"], "lots cannot be issued ahead"));
  CHECK(f.Rows("refusals") == refusals + 1);
  {
    sql::Statement last(
        f.store->db(), "SELECT org_id, product_id, reason FROM refusals ORDER BY id DESC LIMIT 1");
    REQUIRE(last.Step());
    CHECK(last.Column(0).Int64() == f.org);
    CHECK(last.Column(1).Int64() == f.tea);
    CHECK(last.Column(2).String() == "date-future");
  }  // a statement left mid-step would pin this connection's read snapshot

  Json poor_id = TeaLotBody(f);
  poor_id["households"][0]["id"] = "46902519800101123X";
  ExpectProblem(f.Post("/api/v1/lots", f.coop, poor_id), 422, "household-personal-id");
  Json no_product = TeaLotBody(f);
  no_product["product_id"] = 4242;
  Json unknown = ExpectProblem(f.Post("/api/v1/lots", f.coop, no_product), 422, "product-unknown");
  CHECK(unknown["title"] == "输入不符合规则");
  CHECK(f.Rows("refusals") == refusals + 3);
  CHECK(Snapshot(*f.store) == before);

  // Bodies the API cannot read: refused before the registry sees them, no refusals row.
  struct Case {
    const char* what;
    Json body;
    const char* slug;
  };
  Json missing = TeaLotBody(f), decimal = TeaLotBody(f), typo = TeaLotBody(f),
       result = TeaLotBody(f), nested = TeaLotBody(f);
  missing.erase("units");
  decimal["units"] = 12.5;
  typo["cert"] = typo["certs"];
  result["inspections"][0]["result"] = "ok";
  nested["households"][1].erase("registered_poor");
  for (const auto& c : std::vector<Case>{{"missing", missing, "body-member-missing"},
                                         {"decimal", decimal, "body-member-type"},
                                         {"typo", typo, "body-member-unknown"},
                                         {"result", result, "inspection-format"},
                                         {"nested", nested, "body-member-missing"},
                                         {"array", Json::array({1}), "body-not-object"}}) {
    INFO(c.what);
    Json problem = ExpectProblem(f.Post("/api/v1/lots", f.coop, c.body), 422, c.slug);
    if (std::string(c.what) == "nested") CHECK(Contains(problem["detail_en"], "households[1]."));
  }
  ExpectProblem(f.Post("/api/v1/lots", f.coop, TeaLotBody(f).dump(), "text/plain"), 415,
                "unsupported-media-type");
  ExpectProblem(f.Post("/api/v1/lots", f.coop, "{\"product_id\": 1,", "application/json"), 400,
                "malformed-json");
  ExpectProblem(f.Post("/api/v1/lots", f.coop, "", "application/json; charset=utf-8"), 400,
                "malformed-json");
  CHECK(f.Rows("refusals") == refusals + 3);
  CHECK(Snapshot(*f.store) == before);
}

TEST_CASE("cooperative API: trace events and recall of its own lots", "[api][cooperative]") {
  ApiFixture f;
  std::string code = IssueAndMint(f, 2);
  Json step = {{"step", "shipping"},
               {"at", "2026-05-01T08:00:00+08:00"},
               {"place", "469025"},
               {"actor", "顺丰"},
               {"note", "冷链"}};
  CHECK(SchemaErrors("api-trace-event-add.schema.json", step.dump()) == "");
  Json ev = Expect(f.Post("/api/v1/lots/" + code + "/events", f.coop, step), 201,
                   "trace-event.schema.json");
  CHECK(ev["at"] == "2026-05-01T00:00:00Z");
  CHECK(Expect(f.GetAs("/api/v1/lots/" + code, f.coop), 200,
               "lot.schema.json")["trace"][0]["step"] == "shipping");

  std::string before = Snapshot(*f.store);
  Json bad_place = step;
  bad_place["place"] = "469099";
  ExpectProblem(f.Post("/api/v1/lots/" + code + "/events", f.coop, bad_place), 422,
                "region-unknown");
  Json recall_step = step;
  recall_step["step"] = "recall";
  ExpectProblem(f.Post("/api/v1/lots/" + code + "/events", f.coop, recall_step), 422, "use-recall");
  Json bad_time = step;
  bad_time["at"] = "yesterday";
  ExpectProblem(f.Post("/api/v1/lots/" + code + "/events", f.coop, bad_time), 422, "time-format");
  ExpectProblem(f.Post("/api/v1/lots/" + code + "/recall", f.coop, Json::object()), 422,
                "body-member-missing");
  CHECK(Snapshot(*f.store) == before);

  Json recall = {{"reason", "包装破损"}};
  CHECK(SchemaErrors("api-lot-recall.schema.json", recall.dump()) == "");
  Json r = Expect(f.Post("/api/v1/lots/" + code + "/recall", f.coop, recall), 201,
                  "trace-event.schema.json");
  CHECK(r["step"] == "recall");
  CHECK(r["note"] == "包装破损");
  ExpectProblem(f.Post("/api/v1/lots/" + code + "/recall", f.coop, recall), 409, "conflict");
  CHECK(Expect(f.GetAs("/api/v1/lots/" + code, f.coop), 200, "lot.schema.json")["recalled"] ==
        true);
  ExpectProblem(f.Post("/api/v1/lots/" + code + "/units", f.coop, Json{{"count", 1}}), 422,
                "lot-recalled");
  auto page = f.Get("/q/" + f.UnitCodes(code)[0]);
  REQUIRE(page);
  CHECK(Contains(page->body, "包装破损"));

  ExpectProblem(f.Post("/api/v1/lots/00000000000/recall", f.coop, recall), 404, "lot-unknown");
  ExpectProblem(f.GetAs("/api/v1/lots/NOSUCHLOT", f.coop), 404, "lot-unknown");
}

TEST_CASE("cooperative API: label files over HTTP decode to the stored codes",
          "[api][cooperative][labels]") {
  // The server's temporary files go here: it must be empty after every answer.
  TempDir tmp;
  setenv("TMPDIR", tmp.path().c_str(), 1);
  ApiFixture f;
  std::string code = IssueAndMint(f, 30);
  auto stored = f.UnitCodes(code);
  std::string labels = "/api/v1/lots/" + code + "/labels";

  // One PNG label by serial.
  auto png = f.GetAs(labels + "?format=png&from=7&to=7&size=50x30", f.coop);
  REQUIRE(png);
  CHECK(png->status == 200);
  CHECK(png->get_header_value("Content-Type") == "image/png");
  CHECK(png->get_header_value("Content-Disposition") ==
        "attachment; filename=\"labels-" + code + "-7-7.png\"");
  CHECK(png->get_header_value("X-Agritrace-Labels") == "1");
  WriteFileText(f.dir / "label.png", png->body);
  std::string text = lt::DecodeOne(lt::LoadPng(f.dir / "label.png"));
  CHECK(Contains(text, "/01/06901234567892/10/" + code + "/21/"));
  CHECK(CodeOf(text) == stored[6]);

  // The same label offline-signed: its QR verifies with the registry's public key alone.
  auto signed_png =
      f.GetAs(labels + "?format=png&from=7&to=7&size=60x40&offline_signed=true", f.coop);
  REQUIRE(signed_png);
  CHECK(signed_png->status == 200);
  WriteFileText(f.dir / "signed.png", signed_png->body);
  auto offline = labeler::ParseCode(lt::DecodeOne(lt::LoadPng(f.dir / "signed.png")));
  REQUIRE(offline.ok());
  REQUIRE(offline->kind == labeler::CodeKind::kOfflineSigned);
  CHECK(offline->offline.serial == 7);
  auto key = PublicKeyOf(*f.store, offline->offline.kid);
  REQUIRE(key.ok());
  CHECK(offline->offline.origin == "HTTPS://V.TEST.EXAMPLE");
  CHECK(labeler::VerifyOfflineLabel(offline->offline, offline->offline.origin, *key));

  // The whole lot on A4 sheets as a PDF, every cell decoded back.
  auto pdf = f.GetAs(labels + "?format=pdf&size=50x30&sheet=a4:4x9", f.bureau);
  REQUIRE(pdf);
  CHECK(pdf->status == 200);
  CHECK(pdf->get_header_value("Content-Type") == "application/pdf");
  CHECK(pdf->get_header_value("X-Agritrace-Labels") == "30");
  CHECK(pdf->body.rfind("%PDF-", 0) == 0);
  WriteFileText(f.dir / "labels.pdf", pdf->body);
  REQUIRE(RunProcess({"/usr/bin/pdftoppm", "-r", "200", "-png", "-singlefile", f.dir / "labels.pdf",
                      f.dir / "page"})
              .exit_code == 0);
  auto sheet = labeler::PlaceOnA4({4, 9}, {50, 30, 203});
  REQUIRE(sheet.ok());
  std::set<std::string> got;
  for (const auto& t : lt::DecodeSheet(lt::LoadPng(f.dir / "page.png"), *sheet, 200, 30))
    got.insert(CodeOf(t));
  CHECK(got == std::set<std::string>(stored.begin(), stored.end()));

  // Printer languages as text; one SVG sheet page; the lot-code label.
  auto tspl = f.GetAs(labels + "?format=tspl&from=1&to=2&dpi=300&copies=2", f.coop);
  REQUIRE(tspl);
  CHECK(tspl->status == 200);
  CHECK(tspl->get_header_value("Content-Type") == "text/plain; charset=GBK");
  CHECK(Contains(tspl->body, stored[0]));
  CHECK(Contains(tspl->body, "PRINT 1,2"));
  CHECK_FALSE(Contains(tspl->body, stored[2]));
  auto svg = f.GetAs(labels + "?format=svg&sheet=a4:3x8&from=25&to=30&ecc=Q", f.coop);
  REQUIRE(svg);
  CHECK(svg->status == 200);
  CHECK(svg->get_header_value("Content-Type") == "image/svg+xml");
  CHECK(svg->get_header_value("X-Agritrace-Labels") == "6");
  CHECK(Contains(svg->body, "<svg"));
  CHECK(Contains(svg->body, labeler::FormatUnitCode(stored[24])));
  CHECK_FALSE(Contains(svg->body, labeler::FormatUnitCode(stored[23])));
  auto zpl = f.GetAs(labels + "?format=zpl&lot_only=true", f.coop);
  REQUIRE(zpl);
  CHECK(zpl->status == 200);
  CHECK(zpl->get_header_value("Content-Type") == "text/plain; charset=us-ascii");
  CHECK(zpl->get_header_value("Content-Disposition") ==
        "attachment; filename=\"lot-" + code + ".zpl\"");
  CHECK(Contains(zpl->body, "/Q/" + code));

  // Refusals name the option, as the CLI does.
  struct Case {
    std::string query, slug;
  };
  for (const auto& c :
       std::vector<Case>{{"?format=svg", "label-one-document"},
                         {"?format=png&from=1&to=2", "label-one-document"},
                         {"?format=png&sheet=a4:2x2&from=1&to=3&copies=2", "label-one-document"},
                         {"?format=bmp", "invalid-input"},
                         {"?size=50", "label-size"},
                         {"?dpi=600", "label-dpi"},
                         {"?copies=0", "query-parameter"},
                         {"?from=20&to=40", "serial-range"},
                         {"?lot_only=1&from=1", "query-parameter"},
                         {"?format=pdf&format=zpl", "query-parameter"},
                         {"?colour=red", "query-parameter-unknown"}}) {
    INFO(c.query);
    ExpectProblem(f.GetAs(labels + c.query, f.coop), 422, c.slug);
  }
  // Every download is a print run, named in its answer and recorded with the token; refusals
  // record none.
  const int64_t runs = f.store->db().QueryValue("SELECT COUNT(*) FROM print_runs").Int64();
  CHECK(runs == 6);
  CHECK(zpl->get_header_value("X-Agritrace-Print-Run") == std::to_string(runs));
  CHECK(f.store->db()
            .QueryValue("SELECT destination || ' ' || actor || ' ' || outcome FROM print_runs "
                        "WHERE id = " + std::to_string(runs))
            .String()
            .rfind("download token:", 0) == 0);
  CHECK(f.store->db()
            .QueryValue("SELECT COUNT(*) FROM events WHERE kind LIKE 'labels.print-%'")
            .Int64() == 2 * runs);
  // The lot label with one of the lot's 合格证: its QR is the certificate's page.
  auto one_piece = [](const std::string& lot) {
    HgzInput in;
    in.lot = lot;
    in.pieces = 1;
    in.basis = "control";
    in.contact = "13800138000";
    return in;
  };
  auto hgz = IssueHgz(*f.store, one_piece(code));
  REQUIRE(hgz.ok());
  const std::string number = hgz->number;
  auto merged = f.GetAs(labels + "?format=zpl&lot_only=true&hgz=" + number, f.coop);
  REQUIRE(merged);
  CHECK(merged->status == 200);
  CHECK(Contains(merged->body, "/H/" + number));
  CHECK_FALSE(Contains(merged->body, "/Q/" + code));
  ExpectProblem(f.GetAs(labels + "?format=zpl&hgz=" + number, f.coop), 422, "hgz-lot-only");
  Json fresh = Expect(f.Post("/api/v1/lots", f.coop, TeaLotBody(f, 5)), 201, "lot.schema.json");
  ExpectProblem(f.GetAs(labels + "?format=zpl&lot_only=true&hgz=" +
                            IssueHgz(*f.store, one_piece(fresh["code"].get<std::string>()))->number,
                        f.coop),
                422, "hgz-other-lot");
  ExpectProblem(f.GetAs("/api/v1/lots/" + fresh["code"].get<std::string>() + "/labels", f.coop),
                422, "no-units");
  CHECK(RunProcess({"/bin/ls", "-A", tmp.path()}).out == "");
}

TEST_CASE("cooperative API: tokens, and other organisations' lots are 403 and logged",
          "[api][cooperative][auth]") {
  ApiFixture f;
  std::string code = IssueAndMint(f, 2);
  std::string lot = "/api/v1/lots/" + code;

  // No token: 401 with a Bearer challenge. An unknown or revoked token: invalid_token.
  auto none = f.GetAs(lot, "");
  ExpectProblem(none, 401, "unauthorized");
  CHECK(none->get_header_value("WWW-Authenticate") == R"(Bearer realm="agritrace")");
  auto forged = f.GetAs(lot, "agt_" + std::string(43, 'A'));
  ExpectProblem(forged, 401, "unauthorized");
  CHECK(Contains(forged->get_header_value("WWW-Authenticate"), "invalid_token"));
  auto revoked_token = f.Token({"cooperative", f.org, "旧电脑"});
  CHECK(f.GetAs(lot, revoked_token)->status == 200);
  int64_t token_id = f.store->db().QueryValue("SELECT MAX(id) FROM tokens").Int64();
  REQUIRE(RevokeToken(*f.store, token_id).ok());
  auto revoked = f.GetAs(lot, revoked_token);
  ExpectProblem(revoked, 401, "unauthorized");
  CHECK(Contains(revoked->get_header_value("WWW-Authenticate"), "invalid_token"));
  int64_t lots = f.Rows("lots");
  ExpectProblem(f.Post("/api/v1/lots", "", TeaLotBody(f)), 401, "unauthorized");
  CHECK(f.Rows("lots") == lots);

  // Another organisation's cooperative: every route on this lot is 403 and logged; nothing else
  // is written.
  std::string before = Snapshot(*f.store, "access_denials");
  int64_t denials = f.Rows("access_denials");
  std::vector<std::pair<std::string, httplib::Result>> attempts;
  attempts.emplace_back("GET " + lot, f.GetAs(lot, f.other_coop));
  attempts.emplace_back("GET " + lot + "/labels",
                        f.GetAs(lot + "/labels?format=pdf", f.other_coop));
  attempts.emplace_back("POST " + lot + "/units",
                        f.Post(lot + "/units", f.other_coop, Json{{"count", 1}}));
  attempts.emplace_back("POST " + lot + "/recall",
                        f.Post(lot + "/recall", f.other_coop, Json{{"reason", "x"}}));
  attempts.emplace_back(
      "POST " + lot + "/events",
      f.Post(lot + "/events", f.other_coop, Json{{"step", "retail"}, {"at", "2026-05-01"}}));
  attempts.emplace_back("POST /api/v1/lots", f.Post("/api/v1/lots", f.other_coop, TeaLotBody(f)));
  attempts.emplace_back("GET /api/v1/organisations/" + std::to_string(f.org),
                        f.GetAs("/api/v1/organisations/" + std::to_string(f.org), f.other_coop));
  for (auto& [route, r] : attempts) {
    INFO(route);
    ExpectProblem(r, 403, "forbidden-organisation");
  }
  CHECK(f.Rows("access_denials") == denials + static_cast<int64_t>(attempts.size()));
  sql::Statement logged(f.store->db(),
                        "SELECT route FROM access_denials WHERE token_id = "
                        "(SELECT id FROM tokens WHERE org_id = ?) ORDER BY id");
  logged.Bind(1, f.other_org);
  std::vector<std::string> routes;
  while (logged.Step()) routes.push_back(logged.Column(0).String());
  REQUIRE(routes.size() == attempts.size());
  for (size_t i = 0; i < routes.size(); ++i) CHECK(routes[i] == attempts[i].first);
  CHECK(Snapshot(*f.store, "access_denials") == before);

  // Its own organisation is readable.
  Json own = Expect(f.GetAs("/api/v1/organisations/" + std::to_string(f.org), f.coop), 200,
                    "organisation.schema.json");
  CHECK(own["credit_code"] == "91350100M000100Y43");
}

TEST_CASE("failed logins from one network are throttled with 429, other networks are not",
          "[api][auth][rate]") {
  http::ServerOptions o = TestServerOptions();
  o.auth_failure_limit.per_second = 0.01;  // no refill within the test
  o.auth_failure_limit.burst = 3;
  ApiFixture f(o);
  std::string lot = "/api/v1/lots/" + IssueAndMint(f, 1);
  int port = f.server->port();
  auto bearer = [](const std::string& t) { return "Authorization: Bearer " + t + "\r\n"; };
  const std::string forged = bearer("agt_" + std::string(43, 'B'));

  // Good tokens never use up the allowance.
  for (int i = 0; i < 5; ++i) CHECK(RawGet("127.0.9.1", port, lot, bearer(f.coop)).status == 200);
  for (int i = 0; i < 3; ++i) CHECK(RawGet("127.0.9.1", port, lot, forged).status == 401);
  // The network has used its three failures: even a good token from a neighbour in the same
  // /24 is refused before any lookup, with the wait to try again.
  auto refused = RawGet("127.0.9.2", port, lot, bearer(f.coop));
  CHECK(refused.status == 429);
  CHECK(Contains(refused.head, "Retry-After: "));
  Json p = Json::parse(refused.body);
  CHECK(p["type"] == "urn:agritrace:problem:rate-limited");
  CHECK(RawGet("127.0.9.1", port, "/audit", bearer(f.bureau)).status == 429);
  // The public routes and other networks are untouched.
  CHECK(RawGet("127.0.9.1", port, "/healthz").status == 200);
  CHECK(RawGet("127.0.10.1", port, lot, bearer(f.coop)).status == 200);
  CHECK(RawGet("127.0.10.1", port, lot, forged).status == 401);
  CHECK(f.server->metrics().requests(http::Route::kManagementApi, 429) == 1);
  CHECK(f.server->metrics().requests(http::Route::kManagementApi, 401) == 4);
}

TEST_CASE("cooperative API: payload too large, unknown routes and wrong methods",
          "[api][cooperative]") {
  http::ServerOptions o = TestServerOptions();
  o.payload_max_bytes = 1024;
  ApiFixture f(o);
  std::string before = Snapshot(*f.store);
  Json big = {{"name", std::string(4000, 'x')}, {"category", "茶叶"}, {"net_content_g", 1}};
  auto r = f.Post("/api/v1/products", f.coop, big);
  ExpectProblem(r, 413, "payload-too-large");
  CHECK(Snapshot(*f.store) == before);

  ExpectProblem(f.GetAs("/api/v1/lots/ABC/nothing", f.coop), 404, "not-found");
  ExpectProblem(f.Post("/api/v1/products/1/x", f.coop, Json::object()), 404, "not-found");
  auto wrong = f.GetAs("/api/v1/lots/ABC/units", f.coop);
  ExpectProblem(wrong, 405, "method-not-allowed");
  CHECK(wrong->get_header_value("Allow") == "POST");
  auto c = f.Client();
  auto del = c.Delete("/api/v1/products/1", ApiFixture::Auth(f.coop));
  ExpectProblem(del, 405, "method-not-allowed");
  CHECK(del->get_header_value("Allow") == "GET, HEAD");
  auto post_get = f.Post("/api/v1/lots/ABC", f.coop, Json::object());
  ExpectProblem(post_get, 405, "method-not-allowed");
  CHECK(post_get->get_header_value("Allow") == "GET, HEAD");
  CHECK(Snapshot(*f.store) == before);
  // The routes the API does not own are left to their own files.
  CHECK(f.Get("/api/v1/verify/" + FreshUnitCode())->status == 200);
}
