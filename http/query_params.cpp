#include "http/query_params.h"

#include <httplib.h>

#include <charconv>

namespace agritrace::http {
namespace {

Status Bad(std::string_view key, const std::string& value, const std::string& want_zh,
           const std::string& want_en) {
  std::string k(key);
  return Status::Invalid("参数 " + k + " 应为" + want_zh + "，而不是「" + value + "」",
                         "parameter " + k + " must be " + want_en + ", not '" + value + "'")
      .with_reason("query-parameter");
}

}  // namespace

bool QueryParams::Has(std::string_view key) const {
  return req_.has_param(std::string(key).c_str());
}

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
    if (status_.ok())
      status_ = Bad(key, *v, " " + std::to_string(min) + " 到 " + std::to_string(max) + " 的整数",
                    "a whole number from " + std::to_string(min) + " to " + std::to_string(max));
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

}  // namespace agritrace::http
