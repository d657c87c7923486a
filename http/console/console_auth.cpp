// Console sign-in, sign-out and password change, and the checks every console request passes:
// the session cookie (stored hashed, registry/users.h), the CSRF token of changing forms and the
// Origin header. Failed sign-ins share the token routes' RateLimiter, keyed by client network
// and by "user:<name>", and are kept in sign_in_failures for the bureau.
#include <httplib.h>
#include <openssl/crypto.h>

#include "http/client_network.h"
#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/html_escape.h"
#include "http/http_response.h"

namespace agritrace::http {
namespace {

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, std::min(s.size(), s.find_first_not_of(ws)));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

// scheme://host[:port] of a URL ("" when it has no scheme).
std::string OriginOf(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t end = url.find('/', scheme + 3);
  return url.substr(0, end);
}

bool SecureOrigin(const ConsoleContext& ctx) { return ctx.base_url.rfind("https://", 0) == 0; }

void Redirect(httplib::Response& res, const std::string& to) {
  res.set_header("Cache-Control", "no-store");
  res.set_redirect(to, 303);
}

void ForbiddenPage(httplib::Response& res, Lang lang) {
  SetConsolePage(
      res, 403,
      ConsoleHead(lang, L(lang, "请求被拒绝", "Request refused")) +
          "<section class=\"narrow\"><h1>" + L(lang, "请求被拒绝", "Request refused") + "</h1>" +
          ErrorBox(lang,
                   "此表单已过期或来自其他网站，未做任何修改。请回到控制台重新打开页面再提交。",
                   "This form has expired or came from another site; nothing was changed. "
                   "Open the page again from the console and resubmit.") +
          "<p><a href=\"/console/" + LangSuffix(lang) + "\">" +
          L(lang, "返回控制台", "Back to the console") + "</a></p></section>" +
          ConsoleTail(lang, "/console/login"),
      lang);
}

std::string LoginPage(Lang lang, const std::string& username, const std::string& error) {
  std::string out = ConsoleHead(lang, L(lang, "登录追溯管理控制台", "Sign in to the console"));
  out += "<section class=\"narrow\"><h1>" + L(lang, "追溯管理控制台", "Traceability console") +
         "</h1><p class=\"mut\">" +
         L(lang, "合作社文员与农业农村局工作人员登录", "For cooperative clerks and bureau staff") +
         "</p>" + error + "<form class=\"stack\" method=\"post\" action=\"/console/login" +
         LangSuffix(lang) + "\"><label>" + L(lang, "用户名", "User name") +
         "<input name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" "
         "spellcheck=\"false\" maxlength=\"64\" required value=\"" +
         HtmlEscape(username) + "\"></label><label>" + L(lang, "密码", "Password") +
         "<input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
         "maxlength=\"256\" required></label><button type=\"submit\">" +
         L(lang, "登录", "Sign in") + "</button></form><p class=\"mut\">" +
         L(lang, "忘记密码请联系农业农村局管理员重设。",
           "Forgot your password? Ask a bureau "
           "administrator to reset it.") +
         "</p></section>";
  return out + ConsoleTail(lang, "/console/login");
}

std::string PasswordPage(Lang lang, const std::string& registry_name, const Session& s,
                         const std::string& error) {
  std::string out = ConsoleHead(lang, L(lang, "修改密码", "Change password"));
  out += ConsoleBar(lang, registry_name, s);
  out += "<section class=\"narrow\"><h1>" + L(lang, "修改密码", "Change password") + "</h1>";
  if (s.user.must_change_password)
    out += "<p class=\"note\">" +
           L(lang, "这是首次登录或密码刚被重设：请先设置只有您自己知道的新密码。",
             "This is a first sign-in or the password was just reset: set a new password only "
             "you know before going on.") +
           "</p>";
  out += error + "<form class=\"stack\" method=\"post\" action=\"/console/password" +
         LangSuffix(lang) + "\">" + CsrfInput(s) +
         "<input type=\"hidden\" name=\"username\" autocomplete=\"username\" value=\"" +
         HtmlEscape(s.user.username) + "\"><label>" + L(lang, "当前密码", "Current password") +
         "<input name=\"current\" type=\"password\" autocomplete=\"current-password\" "
         "maxlength=\"256\" required></label><label>" +
         L(lang, "新密码（至少 8 个字符）", "New password (8 characters or more)") +
         "<input name=\"new_password\" type=\"password\" autocomplete=\"new-password\" "
         "minlength=\"8\" maxlength=\"256\" required></label><label>" +
         L(lang, "再次输入新密码", "New password again") +
         "<input name=\"repeat\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" "
         "maxlength=\"256\" required></label><button type=\"submit\">" +
         L(lang, "保存新密码", "Save the new password") + "</button></form></section>";
  return out + ConsoleTail(lang, "/console/password");
}

// The client's throttle keys: its network and the name it tries (names longer than any real
// one share a bucket, so a flood of long names cannot fill the limiter).
std::string NameKey(const std::string& username) {
  return "user:" + username.substr(0, kMaxUsernameBytes + 1);
}

// Refused by the shared limiter? Then 429 with Retry-After, before any password is checked.
bool Throttled(ConsoleContext& ctx, const std::string& net, const std::string& username, Lang lang,
               httplib::Response& res) {
  if (!ctx.sign_in_failures.enabled()) return false;
  RateLimiter::Decision d = ctx.sign_in_failures.Peek(net);
  if (d.allowed) d = ctx.sign_in_failures.Peek(NameKey(username));
  if (d.allowed) return false;
  const std::string wait = std::to_string(d.retry_after_seconds);
  SetConsolePage(
      res, 429,
      LoginPage(lang, username,
                ErrorBox(lang, "登录失败次数太多，请 " + wait + " 秒后再试。",
                         "Too many failed sign-ins; try again in " + wait + " seconds.")),
      lang);
  res.set_header("Retry-After", wait);
  return true;
}

void CountFailure(ConsoleContext& ctx, const std::string& net, const std::string& username) {
  ctx.sign_in_failures.Take(net);
  ctx.sign_in_failures.Take(NameKey(username));
}

}  // namespace

void SetConsolePage(httplib::Response& res, int status, std::string html, Lang lang) {
  SetPage(res, status, std::move(html), lang);
  res.headers.erase("Referrer-Policy");
  res.set_header("Referrer-Policy", "same-origin");
}

Lang ConsoleLang(const httplib::Request& req) {
  return ChooseLanguage(req.get_param_value("lang"), req.get_header_value("Accept-Language"));
}

std::string LangSuffix(Lang lang) { return lang == Lang::kEn ? "?lang=en" : ""; }

std::string SessionCookieHeader(const ConsoleContext& ctx, const std::string& value) {
  std::string c = std::string(kConsoleCookie) + "=" + value + "; HttpOnly; SameSite=Strict; Path=/";
  if (SecureOrigin(ctx)) c += "; Secure";
  if (value.empty()) c += "; Max-Age=0";
  return c;
}

std::string PresentedSession(const httplib::Request& req) {
  const std::string header = req.get_header_value("Cookie");
  const std::string name = std::string(kConsoleCookie) + "=";
  for (size_t pos = 0; pos < header.size();) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = Trim(header.substr(pos, end - pos));
    if (pair.rfind(name, 0) == 0) return pair.substr(name.size());
    pos = end + 1;
  }
  return "";
}

bool SameOrigin(const ConsoleContext& ctx, const httplib::Request& req) {
  if (!req.has_header("Origin")) return true;
  const std::string origin = req.get_header_value("Origin");
  if (!origin.empty() && origin == OriginOf(ctx.base_url)) return true;
  const std::string host = req.get_header_value("Host");
  return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

std::optional<Session> RequireSession(ConsoleContext& ctx, const httplib::Request& req,
                                      httplib::Response& res, bool allow_must_change) {
  const Lang lang = ConsoleLang(req);
  const std::string id = PresentedSession(req);
  std::optional<Session> s;
  if (!id.empty())
    s = ctx.api.WithStore([&](Store& store) { return LookUpSession(store, id, UnixNow()); });
  if (!s) {
    if (!id.empty()) res.set_header("Set-Cookie", SessionCookieHeader(ctx, ""));
    if (req.method == "GET" || req.method == "HEAD")
      Redirect(res, "/console/login" + LangSuffix(lang));
    else
      ForbiddenPage(res, lang);
    return std::nullopt;
  }
  if (s->user.must_change_password && !allow_must_change) {
    Redirect(res, "/console/password" + LangSuffix(lang));
    return std::nullopt;
  }
  return s;
}

bool CheckForm(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res,
               const Session* session) {
  bool ok = SameOrigin(ctx, req);
  if (ok && session) {
    // The lot form is multipart (it uploads a CSV): its fields arrive in `files`.
    const std::string sent = req.is_multipart_form_data() && req.has_file("csrf")
                                 ? req.get_file_value("csrf").content
                                 : req.get_param_value("csrf");
    ok = sent.size() == session->csrf.size() &&
         CRYPTO_memcmp(sent.data(), session->csrf.data(), sent.size()) == 0;
  }
  if (!ok) ForbiddenPage(res, ConsoleLang(req));
  return ok;
}

void RegisterConsoleAuth(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  svr.Get("/console/login", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    const std::string id = PresentedSession(req);
    if (!id.empty() &&
        ctx.api.WithStore([&](Store& store) { return LookUpSession(store, id, UnixNow()); }))
      return Redirect(res, "/console/" + LangSuffix(lang));
    SetConsolePage(res, 200, LoginPage(lang, "", ""), lang);
  });

  svr.Post("/console/login", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    if (!CheckForm(ctx, req, res, nullptr)) return;
    const std::string username = Trim(req.get_param_value("username"));
    const std::string password = req.get_param_value("password");
    if (username.empty() || password.empty())
      return SetConsolePage(
          res, 400,
          LoginPage(lang, username,
                    ErrorBox(lang, "请填写用户名和密码。", "Enter your user name and password.")),
          lang);
    const std::string net = ctx.network_of(req);
    if (Throttled(ctx, net, username, lang, res)) return;
    auto record = ctx.api.WithStore([&](Store& store) { return LoadSignIn(store, username); });
    // The slow argon2id check runs outside the registry's lock.
    auto user = CheckSignIn(record, password);
    if (!user.ok()) {
      CountFailure(ctx, net, username);
      ctx.api.WithStore([&](Store& store) {
        RecordSignInFailure(store, username, NetworkHash(ctx.salt, net), user.status().reason());
      });
      return SetConsolePage(res, 401,
                            LoginPage(lang, username,
                                      ErrorBox(lang, user.status().zh() + "。请检查后重试。",
                                               user.status().en() + ". Check and try again.")),
                            lang);
    }
    auto session =
        ctx.api.WithStore([&](Store& store) { return CreateSession(store, user->id, UnixNow()); });
    if (!session.ok()) return SetStatusProblem(res, session.status(), req.path);
    res.set_header("Set-Cookie", SessionCookieHeader(ctx, session->id));
    Redirect(res,
             (user->must_change_password ? "/console/password" : "/console/") + LangSuffix(lang));
  });

  svr.Post("/console/logout", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res, true);
    if (!s || !CheckForm(ctx, req, res, &*s)) return;
    const std::string id = PresentedSession(req);
    ctx.api.WithStore([&](Store& store) { EndSession(store, id); });
    res.set_header("Set-Cookie", SessionCookieHeader(ctx, ""));
    Redirect(res, "/console/login" + LangSuffix(lang));
  });

  svr.Get("/console/password", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res, true);
    if (!s) return;
    const std::string name = ctx.api.WithStore([](Store& store) { return store.Meta("name"); });
    SetConsolePage(res, 200, PasswordPage(lang, name, *s, ""), lang);
  });

  svr.Post("/console/password", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res, true);
    if (!s || !CheckForm(ctx, req, res, &*s)) return;
    const std::string name = ctx.api.WithStore([](Store& store) { return store.Meta("name"); });
    auto refuse = [&](int status, const std::string& zh, const std::string& en) {
      SetConsolePage(res, status, PasswordPage(lang, name, *s, ErrorBox(lang, zh, en)), lang);
    };
    const std::string current = req.get_param_value("current");
    const std::string fresh = req.get_param_value("new_password");
    if (fresh != req.get_param_value("repeat"))
      return refuse(422, "两次输入的新密码不一致。", "The two new passwords differ.");
    if (fresh == current)
      return refuse(422, "新密码不能与当前密码相同。",
                    "The new password must differ from the current one.");
    if (Status rule = CheckNewPassword(fresh); !rule.ok())
      return refuse(422, rule.zh() + "。", rule.en() + ".");
    // Guessing the current password through this form is throttled like sign-in.
    const std::string net = ctx.network_of(req);
    if (ctx.sign_in_failures.enabled() &&
        (!ctx.sign_in_failures.Peek(net).allowed ||
         !ctx.sign_in_failures.Peek(NameKey(s->user.username)).allowed))
      return refuse(429, "失败次数太多，请稍后再试。", "Too many failures; try again later.");
    auto record =
        ctx.api.WithStore([&](Store& store) { return LoadSignIn(store, s->user.username); });
    if (!CheckSignIn(record, current).ok()) {
      CountFailure(ctx, net, s->user.username);
      return refuse(422, "当前密码不对。", "The current password is wrong.");
    }
    auto hash = HashPassword(fresh);
    if (!hash.ok()) return refuse(422, hash.status().zh(), hash.status().en());
    const std::string id = PresentedSession(req);
    auto changed = ctx.api.WithStore([&](Store& store) {
      return ChangePassword(store, s->user.id, *hash, id, "user:" + s->user.username);
    });
    if (!changed.ok()) return refuse(409, changed.status().zh(), changed.status().en());
    Redirect(res, "/console/" + LangSuffix(lang));
  });
}

}  // namespace agritrace::http
