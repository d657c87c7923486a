// The verify fixture's registry and server, with API tokens: a cooperative of the tea
// organisation, a cooperative of the other organisation and the bureau. Requests go over a
// loopback port with JSON bodies; answers are checked against schemas/.
#pragma once

#include "agritrace/registry/tokens.h"
#include "tests/http/verify_fixture.h"

namespace agritrace::testing {

struct ApiFixture : VerifyFixture {
  std::string coop, other_coop, bureau;  // bearer tokens

  explicit ApiFixture(http::ServerOptions options = TestServerOptions()) {
    coop = Token({"cooperative", org, "茶叶合作社办公室"});
    other_coop = Token({"cooperative", other_org, "昌江企业"});
    bureau = Token({"bureau", 0, "白沙县农业农村局"});
    Start(std::move(options));
  }

  std::string Token(const TokenInput& in) {
    auto t = CreateToken(*store, in);
    if (!t.ok()) FAIL(t.status().message());
    return t->secret;
  }

  static httplib::Headers Auth(const std::string& token) {
    if (token.empty()) return {};
    return {{"Authorization", "Bearer " + token}};
  }

  httplib::Result Post(const std::string& path, const std::string& token, const std::string& body,
                       const std::string& content_type = "application/json") {
    auto c = Client();
    return c.Post(path.c_str(), Auth(token), body, content_type.c_str());
  }
  httplib::Result Post(const std::string& path, const std::string& token, const Json& body) {
    return Post(path, token, body.dump());
  }
  httplib::Result GetAs(const std::string& path, const std::string& token) {
    return Get(path, Auth(token));
  }

  int64_t Rows(const std::string& table) {
    return store->db().QueryValue("SELECT COUNT(*) FROM " + table).Int64();
  }
  // The newest access_denials row as "METHOD PATH|reason".
  std::string LastDenial() {
    sql::Statement q(
        store->db(), "SELECT route || '|' || reason FROM access_denials ORDER BY id DESC LIMIT 1");
    return q.Step() ? q.Column(0).String() : "";
  }
  std::vector<std::string> UnitCodes(const std::string& lot_code) {
    sql::Statement q(store->db(),
                     "SELECT u.code FROM units u JOIN lots l ON l.id = u.lot_id "
                     "WHERE l.code = ? ORDER BY u.serial");
    q.Bind(1, lot_code);
    std::vector<std::string> out;
    while (q.Step()) out.push_back(q.Column(0).String());
    return out;
  }
};

// The answer's JSON after checking its status, Content-Type and schema (schemas/<schema>).
inline Json Expect(const httplib::Result& r, int status, const std::string& schema) {
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == status);
  if (status >= 400) {
    CHECK(r->get_header_value("Content-Type") == "application/problem+json");
  } else {
    CHECK(r->get_header_value("Content-Type") == "application/json; charset=utf-8");
  }
  CHECK(SchemaErrors(schema, r->body) == "");
  return Json::parse(r->body);
}

}  // namespace agritrace::testing
