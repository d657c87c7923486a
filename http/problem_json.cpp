#include "http/problem_json.h"

#include "agritrace/registry/canonical_json.h"

namespace agritrace::http {

Problem ProblemForStatus(int status) {
  switch (status) {
    case 400:
      return {400,
              "bad-request",
              "请求格式错误",
              "Bad request",
              "请求无法解析，请检查链接是否完整",
              "the request could not be parsed; check the link"};
    case 401:
      return {401,
              "unauthorized",
              "需要登录令牌",
              "Unauthorized",
              "此接口需要令牌：请在请求头加 Authorization: Bearer 令牌",
              "this route needs a token: send Authorization: Bearer TOKEN"};
    case 403:
      return {403,
              "forbidden",
              "无权访问",
              "Forbidden",
              "你的令牌无权进行此操作",
              "your token may not do this"};
    case 404:
      return {404,
              "not-found",
              "找不到该页面",
              "Not found",
              "没有这个地址；查询编码请用 /q/编码 或首页的输入框",
              "no such address; look codes up at /q/CODE or with the form on the home page"};
    case 405:
      return {405,
              "method-not-allowed",
              "不支持该请求方法",
              "Method not allowed",
              "此地址只支持 GET",
              "this address only answers GET"};
    case 409:
      return {409,
              "conflict",
              "与现有记录冲突",
              "Conflict",
              "该记录已存在，或其状态不允许此操作",
              "the record exists already, or its state does not allow this"};
    case 413:
      return {413,
              "payload-too-large",
              "请求内容过大",
              "Payload too large",
              "请求体超过了服务器允许的大小",
              "the request body is larger than the server accepts"};
    case 414:
      return {414,
              "uri-too-long",
              "链接过长",
              "URI too long",
              "链接超过了服务器允许的长度",
              "the link is longer than the server accepts"};
    case 415:
      return {415,
              "unsupported-media-type",
              "不支持的内容类型",
              "Unsupported media type",
              "请求体应为 JSON（Content-Type: application/json）",
              "the request body must be JSON (Content-Type: application/json)"};
    case 422:
      return {422,
              "invalid-input",
              "输入不符合规则",
              "Invalid input",
              "请求内容不符合规则，请按说明修改后重试",
              "the request breaks a rule; correct it and try again"};
    case 429:
      return {429,
              "rate-limited",
              "请求过于频繁",
              "Too many requests",
              "同一网络的查询过于频繁，请稍后再试",
              "too many requests from your network; try again later"};
    case 500:
      return {500,
              "internal-error",
              "服务器内部错误",
              "Internal server error",
              "服务器出错，请稍后再试",
              "the server failed; try again later"};
    case 503:
      return {503,
              "unavailable",
              "服务暂不可用",
              "Service unavailable",
              "服务器正在停止或数据库不可用，请稍后再试",
              "the server is stopping or its database is unavailable; try again later"};
    default:
      return {status,
              "http-" + std::to_string(status),
              "请求失败",
              "Request failed",
              "请求失败（HTTP " + std::to_string(status) + "）",
              "the request failed (HTTP " + std::to_string(status) + ")"};
  }
}

Problem ProblemFromStatus(const Status& s) {
  int http = 500;
  switch (s.code()) {
    case StatusCode::kOk:
      http = 200;
      break;
    case StatusCode::kInvalid:
      http = 422;
      break;
    case StatusCode::kNotFound:
      http = 404;
      break;
    case StatusCode::kConflict:
      http = 409;
      break;
    case StatusCode::kForbidden:
      http = 403;
      break;
    case StatusCode::kIo:
    case StatusCode::kCorruption:
      http = 500;
      break;
  }
  Problem p = ProblemForStatus(http);
  if (!s.reason().empty()) p.slug = s.reason();
  p.detail_zh = s.zh();
  p.detail_en = s.en();
  return p;
}

std::string ProblemBody(const Problem& p, std::string_view instance) {
  Json body = {{"type", "urn:agritrace:problem:" + p.slug},
               {"status", p.status},
               {"title", p.title_zh},
               {"title_en", p.title_en},
               {"detail", p.detail_zh + " / " + p.detail_en},
               {"detail_zh", p.detail_zh},
               {"detail_en", p.detail_en}};
  if (!instance.empty()) body["instance"] = std::string(instance);
  // Request paths may hold invalid UTF-8; replace rather than throw.
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace agritrace::http
