// Who may open a lot in the console: clerks and managers their own organisation's lots, bureau
// staff every lot. Another organisation's lot answers as if it did not exist (404), and the
// attempt is logged in access_denials, where the bureau sees the API's denials too.
#pragma once

#include <optional>
#include <string>

#include "http/console/console_context.h"

namespace agritrace::http {

// The path matcher of a lot code in console URLs: 10 Crockford characters, optionally written
// XXXXX-XXXXX, so that fixed paths such as /console/lots/new are never taken for a lot.
inline constexpr const char* kConsoleLotPath = "/console/lots/([0-9A-Za-z]{5}-?[0-9A-Za-z]{5})";

// The normalised code of the lot in `segment` when `s` may open it; otherwise writes a 404 page
// (unknown lot, or another organisation's, the latter logged) and returns nullopt.
std::optional<std::string> OpenConsoleLot(ConsoleContext& ctx, const httplib::Request& req,
                                          httplib::Response& res, const Session& s,
                                          const std::string& segment);

// A form posted on one of a lot's pages: the live session, after its CSRF token and Origin are
// checked, and the lot of the path's first group. Nullopt once the answer (sign-in page, 403 or
// 404) is written.
struct ConsoleLotForm {
  Session session;
  std::string code;
};
std::optional<ConsoleLotForm> OpenConsoleLotForm(ConsoleContext& ctx, const httplib::Request& req,
                                                 httplib::Response& res);

// A 403 page: the signed-in role may not do this; nothing was changed.
void RoleRefusedPage(httplib::Response& res, Lang lang, const std::string& zh,
                     const std::string& en);

}  // namespace agritrace::http
