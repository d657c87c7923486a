#include <catch2/catch.hpp>

#include "agritrace/registry/canonical_json.h"

using namespace agritrace;

TEST_CASE("canonical JSON sorts keys and drops whitespace", "[canonical]") {
  Json j = Json::parse(R"({"b": 1, "a": {"d": [true, false, null], "c": "白沙"}, "A": -5})");
  auto c = CanonicalJson(j);
  REQUIRE(c.ok());
  CHECK(*c == R"({"A":-5,"a":{"c":"白沙","d":[true,false,null]},"b":1})");
}

TEST_CASE("canonical JSON escapes as RFC 8785 does", "[canonical]") {
  Json j = {{"s", std::string("q\"b\\n\n\t\x01/\u00e9")}};
  CHECK(*CanonicalJson(j) == "{\"s\":\"q\\\"b\\\\n\\n\\t\\u0001/\u00e9\"}");
}

TEST_CASE("canonical JSON refuses what is outside the signed subset", "[canonical]") {
  CHECK_FALSE(CanonicalJson(Json{{"kg", 1.5}}).ok());
  CHECK_FALSE(CanonicalJson(Json{{"n", int64_t{1} << 53}}).ok());
  CHECK(CanonicalJson(Json{{"n", (int64_t{1} << 53) - 1}}).ok());
  CHECK_FALSE(CanonicalJson(Json{{"n", -(int64_t{1} << 53)}}).ok());
  CHECK_FALSE(CanonicalJson(Json{{"产品", 1}}).ok());
  CHECK_FALSE(CanonicalJson(Json{{"s", std::string("\xff\xfe")}}).ok());
  CHECK_FALSE(CanonicalJson(Json::array({Json{{"x", 0.1}}})).ok());
}
