// Request bodies of the cooperative and bureau API (docs/api.md): one JSON object sent as
// application/json, read member by member into the registry's input structs. A body that is not
// JSON is a 400, one that is not sent as JSON a 415, and a member missing, of the wrong type or
// not known to the route, a number beyond double's range or nesting beyond kMaxBodyDepth a 422:
// nothing is ignored silently, so a typo cannot pass unnoticed.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/status.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

// Arrays and objects nest at most this deep in a body (the API's deepest is 3); deeper is a 422.
inline constexpr int kMaxBodyDepth = 32;

// The body as a JSON object. Otherwise writes the problem (415, 400 or 422) and returns nullopt.
std::optional<Json> ParseJsonBody(const httplib::Request& req, httplib::Response& res);

// Typed members of one body object. Getters return a default after a mistake; the first mistake
// is kept in status(). `where` prefixes member names in messages ("households[2].").
class BodyFields {
 public:
  explicit BodyFields(const Json& object, std::string where = "");

  // A string; "" when absent and optional. Absent, null and optional are the same.
  std::string String(std::string_view key, bool required = true);
  // A whole number (no decimals); `fallback` when absent and optional.
  int64_t Int(std::string_view key, bool required = true, int64_t fallback = 0);
  bool Bool(std::string_view key, bool required = true, bool fallback = false);
  std::vector<std::string> Strings(std::string_view key, bool required = true);
  std::vector<int64_t> Ints(std::string_view key, bool required = true);
  // The member's array of objects, each read with its own BodyFields by the caller; empty when
  // absent and optional.
  std::vector<const Json*> Objects(std::string_view key, bool required = true);
  // Records a mistake found by the caller (a nested object's).
  void Fail(const Status& status);

  // Ok, or the first mistake; a member the route did not read is one ("body-member-unknown").
  Status Finish();

 private:
  const Json* Member(std::string_view key, bool required, const char* type_zh, const char* type_en);
  Status Wrong(std::string_view key, const char* type_zh, const char* type_en) const;

  const Json& object_;
  std::string where_;
  std::set<std::string, std::less<>> read_;
  Status status_;
};

}  // namespace agritrace::http
