// The bureau's API on a real server (loopback, port 0): organisations, the certificate group of
// the CLI, lots by certificate, scans of a lot and the access-denial log; a cooperative token is
// refused every one of them (403, logged).
#include "tests/http/api_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

Json OrganicCert(const ApiFixture& f) {
  return {
      {"type", "organic"},       {"number", "124OP2300123"}, {"issuer", "中绿华夏有机产品认证中心"},
      {"holder", f.org},         {"products", {f.coffee}},   {"valid_from", DaysAgo(30)},
      {"annual_output_kg", 1000}};
}

}  // namespace

TEST_CASE("bureau API: organisations are created by the bureau and read back", "[api][bureau]") {
  ApiFixture f;
  Json body = {{"name", "白沙县元门村集体"},
               {"credit_code", "91350100M000100Y43"},
               {"kind", "collective"},
               {"region", "469025101202"}};
  CHECK(SchemaErrors("api-organisation-create.schema.json", body.dump()) == "");
  std::string before = Snapshot(*f.store);
  // The credit code is the first organisation's: a conflict, nothing written.
  ExpectProblem(f.Post("/api/v1/organisations", f.bureau, body), 409, "conflict");
  body["credit_code"] = "91350100M000100Y4Z";
  Json bad =
      ExpectProblem(f.Post("/api/v1/organisations", f.bureau, body), 422, "credit-code-check");
  CHECK(bad["detail_zh"].get<std::string>().size() > 0);
  body["credit_code"] = "91469025MA5T0A1B2J";
  body["region"] = "469099";
  ExpectProblem(f.Post("/api/v1/organisations", f.bureau, body), 422, "region-unknown");
  body["kind"] = "factory";
  ExpectProblem(f.Post("/api/v1/organisations", f.bureau, body), 422, "invalid-input");
  CHECK(Snapshot(*f.store) == before);

  body = {{"name", "白沙县元门村集体"},
          {"credit_code", "91469025MA5T0A1B2J"},
          {"kind", "collective"},
          {"region", "469025101202"}};
  auto r = f.Post("/api/v1/organisations", f.bureau, body);
  Json org = Expect(r, 201, "organisation.schema.json");
  CHECK(org["name"] == "白沙县元门村集体");
  CHECK(r->get_header_value("Location") == "/api/v1/organisations/" + org["id"].dump());
  CHECK(Expect(f.GetAs(r->get_header_value("Location"), f.bureau), 200,
               "organisation.schema.json") == org);
  ExpectProblem(f.GetAs("/api/v1/organisations/4242", f.bureau), 404, "organisation-unknown");
  // Its log event names the token that made it.
  const int64_t token =
      f.store->db().QueryValue("SELECT id FROM tokens WHERE role = 'bureau'").Int64();
  CHECK(Contains(f.store->db()
                     .QueryValue("SELECT leaf FROM events WHERE kind = 'organisation.added' "
                                 "ORDER BY idx DESC LIMIT 1")
                     .String(),
                 "\"actor\":\"token:" + std::to_string(token) + "\""));
}

TEST_CASE("bureau API: the cert group of the CLI, and lots by certificate", "[api][bureau]") {
  ApiFixture f;
  Json body = OrganicCert(f);
  CHECK(SchemaErrors("api-certification-add.schema.json", body.dump()) == "");
  auto added = f.Post("/api/v1/certifications", f.bureau, body);
  Json cert = Expect(added, 201, "certification.schema.json");
  CHECK(added->get_header_value("Location") == "/api/v1/certifications/124OP2300123");
  CHECK(cert["status"] == "active");
  CHECK(cert["valid_to"] == ValidityEnd(DaysAgo(30), 1));  // organic: one year
  ExpectProblem(f.Post("/api/v1/certifications", f.bureau, body), 409, "conflict");

  std::string before = Snapshot(*f.store);
  Json bad_number = body;
  bad_number["number"] = "有机";
  ExpectProblem(f.Post("/api/v1/certifications", f.bureau, bad_number), 422, "cert-number-format");
  Json not_owned = body;
  not_owned["number"] = "124OP2300124";
  not_owned["products"] = {f.other_product};
  ExpectProblem(f.Post("/api/v1/certifications", f.bureau, not_owned), 422, "cert-product-owner");
  Json no_holder = body;
  no_holder["number"] = "124OP2300125";
  no_holder["holder"] = 4242;
  ExpectProblem(f.Post("/api/v1/certifications", f.bureau, no_holder), 422, "organisation-unknown");
  Json ints = body;
  ints["products"] = {"2"};
  ExpectProblem(f.Post("/api/v1/certifications", f.bureau, ints), 422, "body-member-type");
  CHECK(Snapshot(*f.store) == before);

  Json list =
      Expect(f.GetAs("/api/v1/certifications", f.bureau), 200, "certification-list.schema.json");
  REQUIRE(list.size() == 3);
  CHECK(list[2]["number"] == "124OP2300123");

  // A coffee lot under it (issued by the bureau for the cooperative), then its lots.
  Json lot_body = {{"product_id", f.coffee},
                   {"origin", "469025100201"},
                   {"harvested", DaysAgo(3)},
                   {"packed", DaysAgo(2)},
                   {"units", 10},
                   {"certs", {"124OP2300123"}}};
  std::string lot =
      Expect(f.Post("/api/v1/lots", f.bureau, lot_body), 201, "lot.schema.json")["code"];
  Json shown = Expect(f.GetAs("/api/v1/certifications/124OP2300123", f.bureau), 200,
                      "certification.schema.json");
  CHECK(shown["lots"][0]["code"] == lot);
  CHECK(shown["expired"] == false);
  Json lots = Expect(f.GetAs("/api/v1/certifications/124OP2300123/lots", f.bureau), 200,
                     "cert-lots.schema.json");
  REQUIRE(lots["lots"].size() == 1);
  CHECK(lots["lots"][0]["code"] == lot);
  CHECK(lots["lots"][0]["product"] == "白沙咖啡");
  CHECK(lots["lots"][0]["org_id"] == f.org);
  CHECK(lots["lots"][0]["total_g"] == 5000);
  CHECK(lots["lots"][0]["recalled"] == false);
  CHECK(Expect(f.GetAs("/api/v1/certifications/" + f.gi + "/lots", f.bureau), 200,
               "cert-lots.schema.json")["lots"]
            .empty());

  // Suspend, reinstate, revoke; a revoked certificate stays revoked.
  std::string path = "/api/v1/certifications/124OP2300123/";
  Json reason = {{"reason", "抽检不合格"}};
  CHECK(SchemaErrors("api-certification-status.schema.json", reason.dump()) == "");
  Json s = Expect(f.Post(path + "suspend", f.bureau, reason), 200, "certification.schema.json");
  CHECK(s["status"] == "suspended");
  CHECK(s["status_reason"] == "抽检不合格");
  ExpectProblem(f.Post(path + "suspend", f.bureau, reason), 409, "conflict");
  // A suspended certificate refuses new lots (the issue rule), over the API too.
  ExpectProblem(f.Post("/api/v1/lots", f.bureau, lot_body), 422, "cert-suspended");
  CHECK(Expect(f.Post(path + "reinstate", f.bureau, reason), 200,
               "certification.schema.json")["status"] == "active");
  CHECK(Expect(f.Post(path + "revoke", f.bureau, reason), 200,
               "certification.schema.json")["status"] == "revoked");
  before = Snapshot(*f.store);
  ExpectProblem(f.Post(path + "reinstate", f.bureau, reason), 409, "cert-revoked");
  ExpectProblem(f.Post(path + "revoke", f.bureau, Json{{"reason", ""}}), 422, "invalid-input");
  ExpectProblem(f.Post(path + "revoke", f.bureau, Json::object()), 422, "body-member-missing");
  CHECK(Snapshot(*f.store) == before);
  CHECK(Expect(f.GetAs("/api/v1/certifications/124OP2300123", f.bureau), 200,
               "certification.schema.json")["status"] == "revoked");

  // Unknown certificates are 404 on every route that names one.
  ExpectProblem(f.GetAs("/api/v1/certifications/AGI99999", f.bureau), 404, "cert-unknown");
  ExpectProblem(f.GetAs("/api/v1/certifications/AGI99999/lots", f.bureau), 404, "cert-unknown");
  ExpectProblem(f.Post("/api/v1/certifications/AGI99999/suspend", f.bureau, reason), 404,
                "cert-unknown");
  ExpectProblem(f.Post("/api/v1/certifications/AGI99999/delete", f.bureau, reason), 404,
                "not-found");
}

TEST_CASE("bureau API: scans of a lot, network hashes only, paged", "[api][bureau][scans]") {
  ApiFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 2);
  int port = f.server->port();
  for (const char* ip : {"127.0.11.1", "127.0.12.1", "127.0.12.2"})
    CHECK(RawGet(ip, port, "/q/" + units[0]).status == 200);
  CHECK(RawGet("127.0.13.1", port, "/api/v1/verify/" + units[1]).status == 200);
  CHECK(RawGet("127.0.13.1", port, "/q/" + lot).status == 200);
  // Another lot's scans are not this lot's.
  auto other = f.AddUnits(f.Issue(f.TeaLot()), 1);
  CHECK(RawGet("127.0.14.1", port, "/q/" + other[0]).status == 200);
  f.server->scans().Flush();

  Json all =
      Expect(f.GetAs("/api/v1/lots/" + lot + "/scans", f.bureau), 200, "lot-scans.schema.json");
  CHECK(all["lot"] == lot);
  REQUIRE(all["scans"].size() == 5);
  CHECK(all["next_after"].is_null());
  CHECK(all["scans"][0]["code"] == units[0]);
  CHECK(all["scans"][0]["serial"] == 1);
  CHECK(all["scans"][0]["kind"] == "unit");
  CHECK(all["scans"][3]["serial"] == 2);
  CHECK(all["scans"][4]["kind"] == "lot");
  CHECK_FALSE(all["scans"][4].contains("serial"));
  // The same /24 is the same hash; no address appears anywhere.
  CHECK(all["scans"][1]["net"] == all["scans"][2]["net"]);
  CHECK(all["scans"][0]["net"] != all["scans"][1]["net"]);
  CHECK_FALSE(Contains(all.dump(), "127.0."));

  Json first = Expect(f.GetAs("/api/v1/lots/" + lot + "/scans?limit=2", f.bureau), 200,
                      "lot-scans.schema.json");
  REQUIRE(first["scans"].size() == 2);
  CHECK(first["next_after"] == first["scans"][1]["id"]);
  Json rest = Expect(
      f.GetAs("/api/v1/lots/" + lot + "/scans?after=" + first["next_after"].dump(), f.bureau), 200,
      "lot-scans.schema.json");
  REQUIRE(rest["scans"].size() == 3);
  CHECK(rest["scans"][0]["id"] == all["scans"][2]["id"]);

  ExpectProblem(f.GetAs("/api/v1/lots/" + lot + "/scans?limit=0", f.bureau), 422,
                "query-parameter");
  ExpectProblem(f.GetAs("/api/v1/lots/" + lot + "/scans?ip=1", f.bureau), 422,
                "query-parameter-unknown");
  ExpectProblem(f.GetAs("/api/v1/lots/0000000000/scans", f.bureau), 404, "lot-unknown");
}

TEST_CASE("bureau API: a cooperative token is refused every bureau route, and the bureau sees it",
          "[api][bureau][auth]") {
  ApiFixture f;
  std::string lot = f.Issue(f.TeaLot());
  std::string before = Snapshot(*f.store, "access_denials");
  std::vector<std::pair<std::string, httplib::Result>> attempts;
  attempts.emplace_back("POST /api/v1/organisations",
                        f.Post("/api/v1/organisations", f.coop,
                               Json{{"name", "x"},
                                    {"credit_code", "91620105L015101280"},
                                    {"kind", "cooperative"},
                                    {"region", "469025"}}));
  attempts.emplace_back("POST /api/v1/certifications",
                        f.Post("/api/v1/certifications", f.coop, OrganicCert(f)));
  attempts.emplace_back("GET /api/v1/certifications", f.GetAs("/api/v1/certifications", f.coop));
  attempts.emplace_back("GET /api/v1/certifications/" + f.green,
                        f.GetAs("/api/v1/certifications/" + f.green, f.coop));
  attempts.emplace_back("POST /api/v1/certifications/" + f.green + "/revoke",
                        f.Post("/api/v1/certifications/" + f.green + "/revoke", f.coop,
                               Json{{"reason", "自己撤销"}}));
  attempts.emplace_back("GET /api/v1/certifications/" + f.green + "/lots",
                        f.GetAs("/api/v1/certifications/" + f.green + "/lots", f.coop));
  attempts.emplace_back("GET /api/v1/lots/" + lot + "/scans",
                        f.GetAs("/api/v1/lots/" + lot + "/scans", f.coop));
  attempts.emplace_back("GET /api/v1/access-denials", f.GetAs("/api/v1/access-denials", f.coop));
  for (auto& [route, r] : attempts) {
    INFO(route);
    Json p = ExpectProblem(r, 403, "forbidden-role");
    CHECK(Contains(p["detail_en"], "bureau"));
  }
  CHECK(Snapshot(*f.store, "access_denials") == before);
  // No token at all is a 401 and not a denial (there is no one to log).
  ExpectProblem(f.GetAs("/api/v1/access-denials", ""), 401, "unauthorized");

  Json log = Expect(f.GetAs("/api/v1/access-denials", f.bureau), 200, "access-denials.schema.json");
  REQUIRE(log["denials"].size() == attempts.size());
  CHECK(log["next_after"].is_null());
  for (size_t i = 0; i < attempts.size(); ++i) {
    INFO(i);
    const Json& d = log["denials"][i];
    CHECK(d["route"] == attempts[i].first);
    CHECK(d["role"] == "cooperative");
    CHECK(d["org_id"] == f.org);
    CHECK(d["token_name"] == "茶叶合作社办公室");
    CHECK(Contains(d["reason"], "role cooperative not in bureau"));
  }
  Json page =
      Expect(f.GetAs("/api/v1/access-denials?after=" + log["denials"][5]["id"].dump() + "&limit=2",
                     f.bureau),
             200, "access-denials.schema.json");
  REQUIRE(page["denials"].size() == 2);
  CHECK(page["denials"][0]["route"] == attempts[6].first);
  CHECK(page["next_after"] == page["denials"][1]["id"]);
}
