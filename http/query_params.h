// Query parameters of the API's GET routes (labels, scans, denials), read like a body
// (json_body.h): a value of the wrong form, a parameter given twice or one the route does not
// know is a 422, never ignored.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "registry/status.h"

namespace httplib {
struct Request;
}

namespace agritrace::http {

class QueryParams {
 public:
  explicit QueryParams(const httplib::Request& req) : req_(req) {}

  bool Has(std::string_view key) const;
  // The value, or `fallback` when the parameter is absent.
  std::string String(std::string_view key, std::string fallback = "");
  // A whole number in [min, max], or `fallback` when absent.
  int64_t Int(std::string_view key, int64_t fallback, int64_t min, int64_t max);
  // 1|true or 0|false; `fallback` when absent.
  bool Bool(std::string_view key, bool fallback = false);

  // Ok, or the first mistake; a parameter not read is one ("query-parameter-unknown").
  Status Finish();

 private:
  const std::string* Value(std::string_view key);
  const httplib::Request& req_;
  std::set<std::string, std::less<>> read_;
  Status status_;
};

}  // namespace agritrace::http
