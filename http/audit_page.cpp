#include "http/audit_page.h"

#include <httplib.h>

#include <string>

#include "agritrace/registry/tokens.h"
#include "http/audit_sections.h"
#include "http/bearer_auth.h"
#include "http/html_escape.h"
#include "http/http_response.h"

namespace agritrace::http {
namespace {

constexpr const char* kCss =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f3f4ef;color:#1d231c;font:15px/1.5 system-ui,-apple-system,"
    "\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif}"
    "main{max-width:1100px;margin:0 auto;padding:10px}"
    "header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px}"
    "h1{font-size:1.3em;margin:6px 0}h2{font-size:1.1em;margin:0 0 8px;color:#1c5a2b}"
    "nav{display:flex;flex-wrap:wrap;gap:6px 14px;margin:6px 0 10px}a{color:#1c5a2b}"
    "section{background:#fff;border-radius:10px;padding:10px 14px;margin:0 0 12px}"
    // Wide tables scroll sideways on a phone rather than squeezing a letter per line.
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}"
    "th,td{border-bottom:1px solid #e3e6de;padding:4px 6px;text-align:left;vertical-align:top}"
    "th{background:#eef2ea;font-weight:600}"
    "small,.mut{color:#5b6358;font-size:.88em}"
    ".err{background:#fdecea;border-left:4px solid #c0221c;padding:8px 12px;margin:0 0 10px}"
    "form{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:0 0 8px}"
    "input{font-size:1em;padding:6px 8px;border:1px solid #9aa396;border-radius:6px}"
    "button{font-size:1em;padding:6px 14px;border:0;border-radius:6px;background:#1c7a35;"
    "color:#fff}"
    ".login{max-width:420px;margin:40px auto}.login input{flex:1 1 220px}";

std::string Head(const std::string& title) {
  return "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<meta name=\"referrer\" content=\"no-referrer\"><title>" +
         HtmlEscape(title) + "</title><style>" + kCss + kAuditSectionsCss +
         "</style></head><body><main>";
}

constexpr const char* kTail = "</main></body></html>";

std::string LoginPage(const std::string& error_zh, const std::string& error_en) {
  std::string out = Head("稽查报表登录 / Audit sign-in") +
                    "<section class=\"login\"><h1>农业农村局稽查报表</h1>"
                    "<p class=\"mut\">Agriculture bureau audit reports</p>";
  if (!error_zh.empty())
    out += "<p class=\"err\">" + HtmlEscape(error_zh) + "<br>" + HtmlEscape(error_en) + "</p>";
  out +=
      "<form method=\"post\" action=\"/audit/login\">"
      "<label for=\"token\">农业农村局令牌 / Bureau token</label>"
      "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required>"
      "<button type=\"submit\">登录 / Sign in</button></form>"
      "<p class=\"mut\">令牌由管理员用 agritrace token create --role bureau "
      "生成；登录后保存在本浏览器"
      "的 Cookie 中 8 小时。 / Tokens come from agritrace token create --role bureau; signing in "
      "keeps "
      "it in this browser's cookie for 8 hours.</p></section>";
  return out + kTail;
}

std::string LogoutForm() {
  return "<form method=\"post\" action=\"/audit/logout\"><button type=\"submit\">退出 / Sign out"
         "</button></form>";
}

std::string ForbiddenPage() {
  return Head("无权访问 / Forbidden") +
         "<section class=\"login\"><h1>无权访问 <small>Forbidden</small></h1><p class=\"err\">"
         "此页面只对农业农村局（bureau）令牌开放；此次访问已记录。<br>This page is for bureau "
         "tokens "
         "only; the attempt has been logged.</p>" +
         LogoutForm() + "</section>" + kTail;
}

std::string CookieHeader(const httplib::Request& req, const std::string& value, int max_age) {
  std::string c = std::string(kTokenCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (req.get_header_value("X-Forwarded-Proto") == "https") c += "; Secure";
  return c;
}

// Authorize wrote a problem+json answer; a browser gets a page instead.
void ReplaceWithPage(httplib::Response& res, int status, std::string html) {
  for (const char* h : {"Content-Type", "Content-Language", "Cache-Control"}) res.headers.erase(h);
  SetPage(res, status, std::move(html), Lang::kZh);
}

std::string AuditPage(Store& store, const Principal& who, const AuditQuery& q,
                      ScanThresholds thresholds) {
  std::string out = Head("稽查报表 / Audit reports");
  out += "<header><h1>稽查报表 <small>Audit reports · " + HtmlEscape(store.Meta("name")) +
         "</small></h1><div class=\"mut\">已登录 / signed in: " + HtmlEscape(who.name) +
         LogoutForm() + "</div></header>";
  out += AuditSections(store, q, thresholds, "/audit", "/audit");
  return out + kTail;
}

}  // namespace

void RegisterAuditPage(httplib::Server& svr, ApiContext& api, ScanThresholds thresholds) {
  svr.Get("/audit", [&api, thresholds](const httplib::Request& req, httplib::Response& res) {
    if (PresentedToken(req, TokenSource::kBearerOrCookie).empty())
      return SetPage(res, 200, LoginPage("", ""), Lang::kZh);
    auto who = Authorize(api, req, res, {"bureau"}, TokenSource::kBearerOrCookie);
    if (!who) {
      if (res.status == 401) {
        ReplaceWithPage(res, 401,
                        LoginPage("令牌无效或已被吊销，请重新登录",
                                  "the token is unknown or revoked; sign in again"));
        // A stale cookie would bring the visitor back here: drop it.
        res.set_header("Set-Cookie", CookieHeader(req, "", 0));
      } else if (res.status == 403) {
        ReplaceWithPage(res, 403, ForbiddenPage());
      }
      return;
    }
    const AuditQuery q = ReadAuditQuery(req);
    std::string html;
    try {
      html =
          api.WithReportStore([&](Store& store) { return AuditPage(store, *who, q, thresholds); });
    } catch (const sql::Error& e) {
      return SetStatusProblem(res,
                              Status::Io(std::string("读取报表失败：") + e.what(),
                                         std::string("reading the reports failed: ") + e.what()),
                              req.path);
    }
    SetPage(res, q.error_zh.empty() ? 200 : 422, std::move(html), Lang::kZh);
  });

  svr.Post("/audit/login", [&api](const httplib::Request& req, httplib::Response& res) {
    std::string token = req.get_param_value("token");
    while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r'))
      token.pop_back();
    while (!token.empty() && token.front() == ' ') token.erase(0, 1);
    if (token.empty())
      return SetPage(res, 400, LoginPage("请输入令牌", "enter a token"), Lang::kZh);
    std::optional<Principal> who;
    try {
      who = api.WithStore([&](Store& store) { return Authenticate(store, token); });
    } catch (const sql::Error& e) {
      return SetStatusProblem(res,
                              Status::Io(std::string("读取令牌失败：") + e.what(),
                                         std::string("reading tokens failed: ") + e.what()),
                              req.path);
    }
    if (!who)
      return SetPage(res, 401, LoginPage("令牌无效或已被吊销", "the token is unknown or revoked"),
                     Lang::kZh);
    if (who->role != "bureau") {
      RecordDenial(api, *who, req, "role " + who->role + " not in bureau");
      return SetPage(res, 403,
                     LoginPage("此页面只对农业农村局（bureau）令牌开放；此次尝试已记录",
                               "this page is for bureau tokens only; the attempt has been logged"),
                     Lang::kZh);
    }
    res.set_header("Set-Cookie", CookieHeader(req, token, kAuditCookieMaxAgeSeconds));
    res.set_header("Cache-Control", "no-store");
    res.set_redirect("/audit", 303);
  });

  auto logout = [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Set-Cookie", CookieHeader(req, "", 0));
    res.set_header("Cache-Control", "no-store");
    res.set_redirect("/audit", 303);
  };
  svr.Post("/audit/logout", logout);
  svr.Get("/audit/logout", logout);
}

}  // namespace agritrace::http
