#include "http/query_params.h"

#include <httplib.h>

#include "http/http_response.h"

namespace agritrace::http {
namespace {

void Missing(const httplib::Request& req, httplib::Response& res, const char* name,
             const char* example) {
  SetProblem(res,
             {400, "parameter-missing", "缺少参数", "Missing parameter",
              std::string("缺少参数 ") + name + "，例如 " + example,
              std::string("the parameter ") + name + " is missing, e.g. " + example},
             req.path);
}

}  // namespace

std::string QuotedParam(const std::string& value) {
  std::string out;
  for (char c : value.substr(0, 32)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  return value.size() > 32 ? out + "..." : out;
}

std::optional<uint64_t> UintParam(const httplib::Request& req, httplib::Response& res,
                                  const char* name, const char* example,
                                  std::optional<uint64_t> fallback) {
  if (!req.has_param(name)) {
    if (!fallback) Missing(req, res, name, example);
    return fallback;
  }
  const std::string v = req.get_param_value(name);
  uint64_t out = 0;
  bool ok = !v.empty() && v.size() <= 18;  // below 10^18: no overflow
  for (char c : v) {
    if (c < '0' || c > '9') ok = false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  if (ok) return out;
  SetProblem(res,
             {400, "parameter-invalid", "参数格式错误", "Invalid parameter",
              std::string("参数 ") + name + " 应为非负整数（十进制，最多 18 位），收到 “" +
                  QuotedParam(v) + "”；例如 " + example,
              std::string("the parameter ") + name +
                  " must be a non-negative decimal integer (at most 18 digits), got \"" +
                  QuotedParam(v) + "\"; e.g. " + example},
             req.path);
  return std::nullopt;
}

std::optional<std::string> RequiredParam(const httplib::Request& req, httplib::Response& res,
                                         const char* name, const char* example) {
  if (req.has_param(name)) return req.get_param_value(name);
  Missing(req, res, name, example);
  return std::nullopt;
}

void ParamOutOfRange(httplib::Response& res, const httplib::Request& req, const std::string& zh,
                     const std::string& en) {
  SetProblem(res, {422, "parameter-out-of-range", "参数超出范围", "Parameter out of range", zh, en},
             req.path);
}

}  // namespace agritrace::http
