// Small response helpers every route file shares: problem+json errors, JSON bodies, HTML pages,
// and the percent-encoding of a code in a redirect.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/http/language.h"
#include "agritrace/registry/canonical_json.h"
#include "http/problem_json.h"

namespace httplib {
struct Response;
}

namespace agritrace::http {

// Writes `problem` as application/problem+json with its status; `instance` is the request path.
void SetProblem(httplib::Response& res, const Problem& problem, std::string_view instance);
// A registry Status as a problem (422 invalid, 404 not found, 409 conflict, 403, 500).
void SetStatusProblem(httplib::Response& res, const Status& status, std::string_view instance);
// A JSON body, never cached (answers to authenticated calls and live state).
void SetJson(httplib::Response& res, const Json& body, int status = 200);
// No scripts, no external anything: pages need inline styles and their own forms only.
inline constexpr const char* kPageCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";
// An HTML page under kPageCsp, never cached, in `lang`.
void SetPage(httplib::Response& res, int status, std::string html, Lang lang);
// nlohmann's dump, replacing invalid UTF-8 instead of throwing (paths and stored text may hold it).
std::string DumpJson(const Json& j);
// RFC 3986 unreserved characters kept, everything else %XX.
std::string PercentEncode(std::string_view s);

}  // namespace agritrace::http
