#include "http/query_params.h"

#include <httplib.h>

#include <charconv>
#include <limits>

#include "http/http_response.h"

namespace agritrace::http {
namespace {

Status Bad(std::string_view key, const std::string& value, const std::string& want_zh,
           const std::string& want_en) {
  std::string k(key);
  return Status::Invalid("参数 " + k + " 应为" + want_zh + "，而不是「" + value + "」",
                         "parameter " + k + " must be " + want_en + ", not '" + value + "'")
      .with_reason("query-parameter");
}

void Missing(const httplib::Request& req, httplib::Response& res, const char* name,
             const char* example) {
  SetProblem(res,
             {400, "parameter-missing", "缺少参数", "Missing parameter",
              std::string("缺少参数 ") + name + "，例如 " + example,
              std::string("the parameter ") + name + " is missing, e.g. " + example},
             req.path);
}

}  // namespace

const std::string* QueryParams::Value(std::string_view key) {
  std::string k(key);
  read_.insert(k);
  auto range = req_.params.equal_range(k);
  if (range.first == range.second) return nullptr;
  if (std::next(range.first) != range.second && status_.ok())
    status_ = Status::Invalid("参数 " + k + " 只能给一次", "parameter " + k + " may be given once")
                  .with_reason("query-parameter");
  return &range.first->second;
}

std::string QueryParams::String(std::string_view key, std::string fallback) {
  const std::string* v = Value(key);
  return v ? *v : fallback;
}

int64_t QueryParams::Int(std::string_view key, int64_t fallback, int64_t min, int64_t max) {
  const std::string* v = Value(key);
  if (!v) return fallback;
  int64_t n = 0;
  const char* end = v->data() + v->size();
  auto r = std::from_chars(v->data(), end, n);
  if (v->empty() || r.ec != std::errc() || r.ptr != end || n < min || n > max) {
    // No upper bound worth naming (after, from, to): "≥ min".
    const bool open = max == std::numeric_limits<int64_t>::max();
    if (status_.ok())
      status_ = open ? Bad(key, *v, "不小于 " + std::to_string(min) + " 的整数",
                           "a whole number of at least " + std::to_string(min))
                     : Bad(key, *v,
                           " " + std::to_string(min) + " 到 " + std::to_string(max) + " 的整数",
                           "a whole number from " + std::to_string(min) + " to " +
                               std::to_string(max));
    return fallback;
  }
  return n;
}

bool QueryParams::Bool(std::string_view key, bool fallback) {
  const std::string* v = Value(key);
  if (!v) return fallback;
  if (*v == "1" || *v == "true") return true;
  if (*v == "0" || *v == "false") return false;
  if (status_.ok()) status_ = Bad(key, *v, " true 或 false", "true or false");
  return fallback;
}

Status QueryParams::Finish() {
  if (!status_.ok()) return status_;
  for (const auto& [key, value] : req_.params) {
    if (read_.count(key)) continue;
    return Status::Invalid("此接口没有参数 " + key + "，请对照 docs/api.md 检查拼写",
                           "this route has no parameter " + key + "; check docs/api.md")
        .with_reason("query-parameter-unknown");
  }
  return Status::Ok();
}

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
