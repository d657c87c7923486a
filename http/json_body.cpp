#include "http/json_body.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <limits>

#include "http/http_response.h"

namespace agritrace::http {
namespace {

// The media type of a Content-Type value, lower case, without parameters.
std::string MediaType(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }),
          t.end());
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

// Unsigned values beyond int64 and any decimal are refused: nothing is rounded.
bool IsInt64(const Json& j) {
  return j.is_number_integer() &&
         !(j.is_number_unsigned() &&
           j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
}

struct TooDeep {};

Status BodyInvalid(std::string reason, std::string zh, std::string en) {
  return Status::Invalid(std::move(zh), std::move(en)).with_reason(std::move(reason));
}

}  // namespace

std::optional<Json> ParseJsonBody(const httplib::Request& req, httplib::Response& res) {
  std::string type = req.get_header_value("Content-Type");
  if (MediaType(type) != "application/json") {
    Problem p = ProblemForStatus(415);
    p.detail_zh = "请求体应为 JSON，请加请求头 Content-Type: application/json（收到的是「" +
                  (type.empty() ? std::string("无") : type) + "」）";
    p.detail_en = "the body must be JSON: send Content-Type: application/json (got '" +
                  (type.empty() ? std::string("none") : type) + "')";
    SetProblem(res, p, req.path);
    return std::nullopt;
  }
  Json body;
  // The parser reports each member name before its value: the last one names the member whose
  // value failed. Nesting is bounded here, before anything recursive (dump, the readers) sees it.
  std::string member;
  bool too_deep = false;
  auto watch = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key) member = parsed.get<std::string>();
    if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) &&
        depth >= kMaxBodyDepth) {
      too_deep = true;
      throw TooDeep();
    }
    return true;
  };
  try {
    body = Json::parse(req.body, watch);
  } catch (const TooDeep&) {
  } catch (const Json::out_of_range&) {
    // A number beyond double's range (1e400): a bad value like any other, not a server error.
    const std::string name = member.empty() ? std::string("?") : member;
    SetStatusProblem(
        res,
        BodyInvalid("body-number-range",
                    "字段 " + name + " 的数值超出范围（不能超过约 1.8e308），请改为合理的数",
                    "member " + name +
                        " has a number out of range (beyond about 1.8e308); send a "
                        "sensible number"),
        req.path);
    return std::nullopt;
  } catch (const Json::parse_error& e) {
    std::string at = std::to_string(e.byte);
    SetProblem(res,
               {400, "malformed-json", "请求格式错误", "Bad request",
                "请求体不是有效的 JSON（第 " + at + " 字节附近出错），请检查括号、引号和逗号",
                "the body is not valid JSON (error near byte " + at +
                    "); check brackets, quotes and commas"},
               req.path);
    return std::nullopt;
  }
  if (too_deep) {
    SetStatusProblem(
        res,
        BodyInvalid("body-too-deep",
                    "请求体嵌套超过 " + std::to_string(kMaxBodyDepth) + " 层，请检查格式",
                    "the body nests deeper than " + std::to_string(kMaxBodyDepth) +
                        " levels; check its shape"),
        req.path);
    return std::nullopt;
  }
  if (!body.is_object()) {
    SetStatusProblem(res,
                     BodyInvalid("body-not-object", "请求体应为 JSON 对象 {…}",
                                 "the body must be a JSON object {…}"),
                     req.path);
    return std::nullopt;
  }
  return body;
}

BodyFields::BodyFields(const Json& object, std::string where)
    : object_(object), where_(std::move(where)) {}

Status BodyFields::Wrong(std::string_view key, const char* type_zh, const char* type_en) const {
  std::string name = where_ + std::string(key);
  return BodyInvalid("body-member-type", "字段 " + name + " 应为" + type_zh,
                     "member " + name + " must be " + type_en);
}

const Json* BodyFields::Member(std::string_view key, bool required, const char* type_zh,
                               const char* type_en) {
  read_.emplace(key);
  auto it = object_.find(key);
  if (it != object_.end() && !it->is_null()) return &*it;
  if (required && status_.ok()) {
    std::string name = where_ + std::string(key);
    status_ = BodyInvalid("body-member-missing", "请求体缺少字段 " + name + "（" + type_zh + "）",
                          "the body lacks member " + name + " (" + type_en + ")");
  }
  return nullptr;
}

void BodyFields::Fail(const Status& status) {
  if (status_.ok()) status_ = status;
}

std::string BodyFields::String(std::string_view key, bool required) {
  const Json* j = Member(key, required, "字符串", "a string");
  if (!j) return "";
  if (!j->is_string()) {
    Fail(Wrong(key, "字符串", "a string"));
    return "";
  }
  return j->get<std::string>();
}

int64_t BodyFields::Int(std::string_view key, bool required, int64_t fallback) {
  const Json* j = Member(key, required, "整数", "a whole number");
  if (!j) return fallback;
  if (IsInt64(*j)) return j->get<int64_t>();
  Fail(Wrong(key, "整数（不带小数）", "a whole number (no decimals)"));
  return fallback;
}

bool BodyFields::Bool(std::string_view key, bool required, bool fallback) {
  const Json* j = Member(key, required, "true 或 false", "true or false");
  if (!j) return fallback;
  if (j->is_boolean()) return j->get<bool>();
  Fail(Wrong(key, "true 或 false", "true or false"));
  return fallback;
}

std::vector<std::string> BodyFields::Strings(std::string_view key, bool required) {
  std::vector<std::string> out;
  const Json* j = Member(key, required, "字符串数组", "an array of strings");
  if (!j) return out;
  bool ok = j->is_array();
  for (size_t i = 0; ok && i < j->size(); ++i) ok = (*j)[i].is_string();
  if (!ok) {
    Fail(Wrong(key, "字符串数组", "an array of strings"));
    return out;
  }
  for (const auto& v : *j) out.push_back(v.get<std::string>());
  return out;
}

std::vector<int64_t> BodyFields::Ints(std::string_view key, bool required) {
  std::vector<int64_t> out;
  const Json* j = Member(key, required, "整数数组", "an array of whole numbers");
  if (!j) return out;
  bool ok = j->is_array();
  for (size_t i = 0; ok && i < j->size(); ++i) ok = IsInt64((*j)[i]);
  if (!ok) {
    Fail(Wrong(key, "整数数组", "an array of whole numbers"));
    return out;
  }
  for (const auto& v : *j) out.push_back(v.get<int64_t>());
  return out;
}

std::vector<const Json*> BodyFields::Objects(std::string_view key, bool required) {
  std::vector<const Json*> out;
  const Json* j = Member(key, required, "对象数组", "an array of objects");
  if (!j) return out;
  bool ok = j->is_array();
  for (size_t i = 0; ok && i < j->size(); ++i) ok = (*j)[i].is_object();
  if (!ok) {
    Fail(Wrong(key, "对象数组", "an array of objects"));
    return out;
  }
  for (const auto& v : *j) out.push_back(&v);
  return out;
}

Status BodyFields::Finish() {
  if (!status_.ok()) return status_;
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (read_.count(it.key())) continue;
    std::string name = where_ + it.key();
    return BodyInvalid("body-member-unknown",
                       "请求体含有此接口不认识的字段 " + name + "，请对照 docs/api.md 检查拼写",
                       "the body has member " + name +
                           ", which this route does not know; check its spelling in docs/api.md");
  }
  return Status::Ok();
}

}  // namespace agritrace::http
