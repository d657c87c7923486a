// Hostile requests to the cooperative and bureau API (security issue 10): counts that overflow,
// numbers beyond double's range, deep nesting, the audit cookie on /api/v1/, and a token that
// keeps reaching for what it may not touch. Each refusal writes nothing it should not.
#include <string>

#include "http/json_body.h"
#include "tests/http/api_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

Json LotBody(const ApiFixture& f, int64_t units) {
  return {{"product_id", f.tea},  {"origin", "469025100201"}, {"harvested", DaysAgo(10)},
          {"packed", DaysAgo(5)}, {"units", units},           {"certs", {f.green}}};
}

std::string IssueLot(ApiFixture& f, int64_t units) {
  Json lot = Expect(f.Post("/api/v1/lots", f.coop, LotBody(f, units)), 201, "lot.schema.json");
  return lot["code"];
}

}  // namespace

TEST_CASE("API mint: count plus spare that overflows is a 422, nothing written", "[api][limits]") {
  ApiFixture f;
  std::string code = IssueLot(f, 40);
  const std::string units = "/api/v1/lots/" + code + "/units";
  const std::string before = Snapshot(*f.store);
  // Raw bodies: the numbers as a client would send them.
  for (const char* body : {R"({"count": 1, "spare": 9223372036854775000})",
                           R"({"count": 9223372036854775807, "spare": 9223372036854775807})",
                           R"({"count": 10000001})", R"({"count": -5, "spare": 6})"}) {
    INFO(body);
    Json p = ExpectProblem(f.Post(units, f.coop, std::string(body)), 422, "mint-count");
    CHECK(Contains(p["detail_en"], "10,000,000"));
  }
  CHECK(Snapshot(*f.store) == before);
}

TEST_CASE("API mint: spares beyond a tenth of the lot are a 422 naming what is left",
          "[api][limits]") {
  ApiFixture f;
  std::string code = IssueLot(f, 40);
  const std::string units = "/api/v1/lots/" + code + "/units";
  std::string before = Snapshot(*f.store);
  Json p = ExpectProblem(f.Post(units, f.coop, Json{{"count", 1}, {"spare", 5}}), 422,
                         "spares-exceeded");
  CHECK(Contains(p["detail_en"], "at most 4 more"));
  CHECK(Snapshot(*f.store) == before);
  Expect(f.Post(units, f.coop, Json{{"count", 1}, {"spare", 3}}), 201, "label-mint.schema.json");
  p = ExpectProblem(f.Post(units, f.coop, Json{{"count", 0}, {"spare", 2}}), 422,
                    "spares-exceeded");
  CHECK(Contains(p["detail_en"], "3 already; at most 1 more"));
  Expect(f.Post(units, f.coop, Json{{"count", 0}, {"spare", 1}}), 201, "label-mint.schema.json");
}

TEST_CASE("API bodies: numbers beyond double's range are a 422 naming the member",
          "[api][limits][json]") {
  ApiFixture f;
  std::string code = IssueLot(f, 40);
  const std::string before = Snapshot(*f.store);
  struct Case {
    std::string path, body, member;
  };
  const std::string lot = LotBody(f, 40).dump();
  for (const auto& c : std::vector<Case>{
           {"/api/v1/lots/" + code + "/units", R"({"count": 1e400})", "count"},
           {"/api/v1/lots/" + code + "/units", R"({"count": 1, "spare": -1e400})", "spare"},
           {"/api/v1/lots", lot.substr(0, lot.size() - 1) + R"(, "brand_id": 1E+999})", "brand_id"},
           {"/api/v1/products", R"({"name": "x", "net_content_g": -1e309})", "net_content_g"}}) {
    INFO(c.body);
    Json p = ExpectProblem(f.Post(c.path, f.coop, c.body), 422, "body-number-range");
    CHECK(Contains(p["detail_en"], "member " + c.member + " "));
  }
  // Tiny numbers round to zero: a decimal where a whole number belongs, as before.
  ExpectProblem(
      f.Post("/api/v1/lots/" + code + "/units", f.coop, std::string(R"({"count": 1e-400})")), 422,
      "body-member-type");
  CHECK(Snapshot(*f.store) == before);
}

TEST_CASE("API bodies: nesting is bounded, however deep the client sends it",
          "[api][limits][json]") {
  ApiFixture f;
  const std::string before = Snapshot(*f.store);
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  std::string objects;
  for (int i = 0; i < 5000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(5000, '}');
  for (const std::string& body : {R"({"name": )" + deep + "}", deep, objects}) {
    Json p = ExpectProblem(f.Post("/api/v1/products", f.coop, body), 422, "body-too-deep");
    CHECK(Contains(p["detail_en"], std::to_string(http::kMaxBodyDepth)));
  }
  // Just within the bound is read as usual (a wrong type, here).
  std::string ok_depth =
      std::string(http::kMaxBodyDepth - 1, '[') + std::string(http::kMaxBodyDepth - 1, ']');
  ExpectProblem(f.Post("/api/v1/products", f.coop, R"({"name": )" + ok_depth + "}"), 422,
                "body-member-type");
  CHECK(Snapshot(*f.store) == before);
  // The server is still there.
  CHECK(f.Get("/healthz")->status == 200);
}

TEST_CASE("the JSON API takes bearer tokens only: the audit cookie alone is a 401", "[api][auth]") {
  ApiFixture f;
  std::string code = IssueLot(f, 10);
  const int64_t lots = f.Rows("lots");
  for (const std::string& token : {f.bureau, f.coop}) {
    const httplib::Headers cookie = {{"Cookie", "agritrace_token=" + token}};
    auto c = f.Client();
    ExpectProblem(c.Post("/api/v1/lots", cookie, LotBody(f, 10).dump(), "application/json"), 401,
                  "unauthorized");
    ExpectProblem(f.Get("/api/v1/lots/" + code, cookie), 401, "unauthorized");
    ExpectProblem(f.Get("/api/v1/access-denials", cookie), 401, "unauthorized");
    ExpectProblem(f.Get("/api/v1/audit/refusals", cookie), 401, "unauthorized");
  }
  CHECK(f.Rows("lots") == lots);
  // The same tokens as bearer tokens are fine.
  Expect(f.GetAs("/api/v1/lots/" + code, f.coop), 200, "lot.schema.json");
}

TEST_CASE("a token hammering 403s is counted in one row and then throttled with 429",
          "[api][auth][limits]") {
  ApiFixture f;
  std::string code = IssueLot(f, 10);
  const std::string path = "/api/v1/lots/" + code;
  int forbidden = 0, throttled = 0;
  for (int i = 0; i < 300; ++i) {
    auto r = f.GetAs(path, f.other_coop);
    REQUIRE(r);
    if (r->status == 403) {
      ++forbidden;
    } else {
      REQUIRE(r->status == 429);
      if (throttled++ == 0) {
        ExpectProblem(r, 429, "rate-limited");
        CHECK(std::stoi(r->get_header_value("Retry-After")) >= 1);
      }
    }
  }
  // The burst (20) gets through, then one per 10 s refilled: far fewer than 300, however slow
  // the run.
  CHECK(forbidden >= 20);
  CHECK(forbidden < 300);
  CHECK(throttled == 300 - forbidden);
  sql::Statement q(f.store->db(),
                   "SELECT COUNT(*), SUM(count), MIN(first_at) <= MAX(at) FROM access_denials "
                   "WHERE token_id = (SELECT id FROM tokens WHERE org_id = ?)");
  q.Bind(1, f.other_org);
  REQUIRE(q.Step());
  CHECK(q.Column(0).Int64() <= 2);  // one per hour: two if the run spans an hour's end
  CHECK(q.Column(1).Int64() == forbidden);
  CHECK(q.Column(2).Int() == 1);
  // The bureau sees the count.
  Json log = Expect(f.GetAs("/api/v1/access-denials", f.bureau), 200, "access-denials.schema.json");
  int64_t counted = 0;
  for (const auto& d : log["denials"])
    if (d["route"] == "GET " + path) counted += d["count"].get<int64_t>();
  CHECK(counted == forbidden);
  // Other tokens are not held up.
  Expect(f.GetAs(path, f.coop), 200, "lot.schema.json");
}
