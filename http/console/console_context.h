// What the console's route files share: the registry, the sign-in throttle, the server's own
// origin, and the checks every console request goes through (session cookie, CSRF, Origin).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agritrace/http/language.h"
#include "agritrace/http/rate_limiter.h"
#include "agritrace/registry/users.h"
#include "http/api_context.h"
#include "http/verify_service.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

inline constexpr const char* kConsoleCookie = "agritrace_console";

struct ConsoleContext {
  ApiContext& api;
  RateLimiter& sign_in_failures;
  std::function<std::string(const httplib::Request&)> network_of;
  std::string salt;           // hashes client networks in sign_in_failures, as scans.net
  std::string base_url;       // the registry's base URL: its origin is ours, https means Secure
  ScanThresholds thresholds;  // the server's: when a code looks copied (alerts, audit)
};

Lang ConsoleLang(const httplib::Request& req);
// "?lang=en" for English pages, "" for Chinese: appended to every console link and form.
std::string LangSuffix(Lang lang);

// Set-Cookie for session `value` ("" with Max-Age=0 clears it).
std::string SessionCookieHeader(const ConsoleContext& ctx, const std::string& value);
// The session cookie's value in the request, or "".
std::string PresentedSession(const httplib::Request& req);

// True when the request has no Origin header or one equal to our own origin (the base URL's,
// or this request's Host over http or https).
bool SameOrigin(const ConsoleContext& ctx, const httplib::Request& req);

// The live session, or nullopt. Otherwise (no session, expired, user disabled) writes a redirect
// to the sign-in page for a GET, a 403 page for anything else, and clears a stale cookie. A user
// who must change the password is sent to /console/password from every page but those marked
// `allow_must_change` (the password page and sign-out).
std::optional<Session> RequireSession(ConsoleContext& ctx, const httplib::Request& req,
                                      httplib::Response& res, bool allow_must_change = false);
// For a form that changes something: the Origin check and the session's CSRF token in the
// hidden field `csrf`. On failure writes a 403 page and returns false: the caller writes nothing.
bool CheckForm(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res,
               const Session* session);

// SetPage (http_response.h) with Referrer-Policy same-origin instead of the server's no-referrer:
// under no-referrer browsers send "Origin: null" with our own forms, which CheckForm refuses.
void SetConsolePage(httplib::Response& res, int status, std::string html, Lang lang);

// "user:<username>": the actor a console change names in its log event.
std::string UserActor(const Session& s);
// A signed-in user reaching for what the role may not: counted in access_denials (no token; the
// reason names the user and role, so the bureau sees it) and answered 403 with a page saying so.
void ConsoleDenied(ConsoleContext& ctx, const httplib::Request& req, httplib::Response& res,
                   const Session& s, const std::string& why);

// The routes of each console file; their handlers share ownership of the context.
void RegisterConsoleAuth(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);
void RegisterConsoleHome(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);
void RegisterConsoleProducts(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);
void RegisterConsoleLotForm(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);
void RegisterConsoleLotPage(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);
void RegisterConsoleLabels(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);
void RegisterConsoleOrgs(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);
void RegisterConsoleCerts(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);
void RegisterConsoleAudit(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);
void RegisterConsoleHgz(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner);

}  // namespace agritrace::http
