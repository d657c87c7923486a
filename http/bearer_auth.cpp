#include "http/bearer_auth.h"

#include <httplib.h>

#include <algorithm>

#include "http/http_response.h"

namespace agritrace::http {
namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string CookieValue(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = Trim(header.substr(pos, end - pos));
    if (pair.size() > name.size() && pair.compare(0, name.size(), name) == 0 &&
        pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

}  // namespace

void SetUnauthorized(httplib::Response& res, std::string_view path, bool presented) {
  Problem p{401,
            "unauthorized",
            "需要登录令牌",
            "Unauthorized",
            presented ? "令牌无效或已被吊销，请向管理员（agritrace token create）申请新令牌"
                      : "此接口需要令牌：请在请求头加 Authorization: Bearer 令牌",
            presented ? "the token is unknown or revoked; ask for a new one (agritrace token create)"
                      : "this route needs a token: send Authorization: Bearer TOKEN"};
  SetProblem(res, p, path);
  res.set_header("WWW-Authenticate",
                 presented ? R"(Bearer realm="agritrace", error="invalid_token")"
                           : R"(Bearer realm="agritrace")");
}

namespace {

void Unauthorized(httplib::Response& res, const httplib::Request& req, bool presented) {
  SetUnauthorized(res, req.path, presented);
}

std::string ThrottleKey(const Principal& who) { return std::to_string(who.token_id); }

void Denied(ApiContext& api, const Principal& who, const httplib::Request& req,
            httplib::Response& res, const std::string& reason, Problem p) {
  RecordDenial(api, who, req, reason);
  SetProblem(res, p, req.path);
}

}  // namespace

void RecordDenial(ApiContext& api, const Principal& who, const httplib::Request& req,
                  const std::string& reason) {
  api.denials().Take(ThrottleKey(who));
  api.WithStore([&](Store& store) {
    try {
      RecordAccessDenial(store, who.token_id, req.method + " " + req.path, reason);
    } catch (const sql::Error& e) {
      // The refusal stands even when it cannot be logged; say so where an operator looks.
      std::fprintf(stderr, "agritrace serve: cannot log access denial: %s\n", e.what());
    }
    return 0;
  });
}

std::string PresentedToken(const httplib::Request& req, TokenSource source) {
  return PresentedToken(req.get_header_value("Authorization"), req.get_header_value("Cookie"),
                        source);
}

std::string PresentedToken(std::string_view auth, std::string_view cookie, TokenSource source) {
  if (auth.size() > 7) {
    std::string scheme(auth.substr(0, 7));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
    if (scheme == "bearer ") return Trim(auth.substr(7));
  }
  if (source == TokenSource::kBearerOrCookie) return CookieValue(cookie, kTokenCookie);
  return "";
}

std::optional<Principal> Authorize(ApiContext& api, const httplib::Request& req,
                                   httplib::Response& res,
                                   std::initializer_list<std::string_view> roles,
                                   TokenSource source) {
  std::string token = PresentedToken(req, source);
  if (token.empty()) {
    Unauthorized(res, req, false);
    return std::nullopt;
  }
  std::optional<Principal> who;
  try {
    who = api.WithStore([&](Store& store) { return Authenticate(store, token); });
  } catch (const sql::Error& e) {
    SetStatusProblem(res,
                     Status::Io(std::string("读取令牌失败：") + e.what(),
                                std::string("reading tokens failed: ") + e.what()),
                     req.path);
    return std::nullopt;
  }
  if (!who) {
    Unauthorized(res, req, true);
    return std::nullopt;
  }
  // Refused too often lately: no more work (and no more rows) for this token until it refills.
  if (RateLimiter::Decision d = api.denials().Peek(ThrottleKey(*who)); !d.allowed) {
    Problem p = ProblemForStatus(429);
    p.detail_zh = "此令牌近来被拒绝的请求太多，请 " + std::to_string(d.retry_after_seconds) +
                  " 秒后再试，并检查它要访问的是否是本主体的数据";
    p.detail_en = "this token has been refused too often lately; retry in " +
                  std::to_string(d.retry_after_seconds) +
                  " s and check that it asks for its own organisation's data";
    SetProblem(res, p, req.path);
    res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
    return std::nullopt;
  }
  if (std::find(roles.begin(), roles.end(), who->role) == roles.end()) {
    std::string allowed;
    for (auto r : roles) allowed += (allowed.empty() ? "" : ", ") + std::string(r);
    Denied(api, *who, req, res, "role " + who->role + " not in " + allowed,
           {403, "forbidden-role", "无权访问", "Forbidden",
            "此接口只对 " + allowed + " 角色开放，你的令牌角色是 " + who->role,
            "this route is for the " + allowed + " role; your token's role is " + who->role});
    return std::nullopt;
  }
  return who;
}

bool AllowOrganisation(ApiContext& api, const Principal& who, int64_t org_id,
                       const httplib::Request& req, httplib::Response& res) {
  if (who.role == "bureau" || (who.role == "cooperative" && who.org_id == org_id)) return true;
  Denied(api, who, req, res,
         "organisation " + std::to_string(org_id) + " is not the token's (" +
             std::to_string(who.org_id) + ")",
         {403, "forbidden-organisation", "无权访问", "Forbidden",
          "令牌属于经营主体 " + std::to_string(who.org_id) + "，不能操作经营主体 " +
              std::to_string(org_id) + " 的数据；此次尝试已记录",
          "the token belongs to organisation " + std::to_string(who.org_id) +
              " and may not touch organisation " + std::to_string(org_id) +
              "'s data; the attempt has been logged"});
  return false;
}

}  // namespace agritrace::http
