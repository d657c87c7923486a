// Query parameters of the JSON routes (log and audit API), checked alike: a missing or malformed
// parameter is a 400 problem, a well-formed one out of range a 422 problem; each names the
// parameter and an example, in Chinese and English.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

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
