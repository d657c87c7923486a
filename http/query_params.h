// Query parameters, read two ways:
//  - QueryParams, for the management API's GET routes (labels, scans, denials), read like a body
//    (json_body.h): a value of the wrong form, a parameter given twice or one the route does not
//    know is a 422, never ignored;
//  - UintParam and friends, for the public log routes and the audit API, one parameter at a
//    time: a missing or malformed parameter is a 400 problem, a well-formed one out of range a
//    422 problem; each names the parameter and an example, in Chinese and English.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

class QueryParams {
 public:
  explicit QueryParams(const httplib::Request& req) : req_(req) {}

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

// The parameter `name` as a decimal integer without sign (at most 18 digits). When it is absent:
// `fallback`, or without one a 400 problem ("parameter-missing") and nullopt; anything but digits
// is a 400 problem ("parameter-invalid") and nullopt. `example` shows a good query.
std::optional<uint64_t> UintParam(const httplib::Request& req, httplib::Response& res,
                                  const char* name, const char* example,
                                  std::optional<uint64_t> fallback = std::nullopt);
// The parameter `name` as text, or a 400 problem ("parameter-missing") and nullopt.
std::optional<std::string> RequiredParam(const httplib::Request& req, httplib::Response& res,
                                         const char* name, const char* example);
// A 422 problem ("parameter-out-of-range") saying why.
void ParamOutOfRange(httplib::Response& res, const httplib::Request& req, const std::string& zh,
                     const std::string& en);
// What a client sent, shortened to 32 printable ASCII characters (others as '?'), for messages.
std::string QuotedParam(const std::string& value);

}  // namespace agritrace::http
