// Who is calling an authenticated route (DESIGN.md §9): a bearer token (Authorization: Bearer …),
// or, for the bureau's /audit pages in a browser only, the same token in the HttpOnly cookie
// `agritrace_token`. The JSON API under /api/v1/ takes bearer tokens only: it has no CSRF
// defence, which a cookie would need. Roles: bureau (everything) and cooperative (its own
// organisation only). A token that keeps being refused (403) is throttled: each refusal takes
// from its bucket in ApiContext::denials() and an empty bucket answers 429 before any work.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "agritrace/registry/tokens.h"
#include "http/api_context.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

inline constexpr std::string_view kTokenCookie = "agritrace_token";

// Where a route looks for the token.
enum class TokenSource {
  kBearer,          // the JSON API: Authorization: Bearer only
  kBearerOrCookie,  // the /audit pages: the header, else the page's cookie
};

// The token the request presents, or "" when it presents none.
std::string PresentedToken(const httplib::Request& req, TokenSource source = TokenSource::kBearer);
// The same from the Authorization and Cookie fields' values (the event loops' head gate).
std::string PresentedToken(std::string_view authorization, std::string_view cookie,
                           TokenSource source = TokenSource::kBearer);

// The 401 problem with WWW-Authenticate that Authorize answers: no token (`presented` false),
// or an unknown or revoked one.
void SetUnauthorized(httplib::Response& res, std::string_view path, bool presented);

// The caller, when the request presents a live token of one of `roles`. Otherwise writes the
// answer and returns nullopt: 401 problem with WWW-Authenticate for no token or an unknown or
// revoked one, 429 with Retry-After for a token refused too often lately, 403 (counted in
// access_denials) for a role not allowed here.
std::optional<Principal> Authorize(ApiContext& api, const httplib::Request& req,
                                   httplib::Response& res,
                                   std::initializer_list<std::string_view> roles,
                                   TokenSource source = TokenSource::kBearer);

// Counts a refusal of `who` in access_denials and in its throttle bucket; the caller answers.
void RecordDenial(ApiContext& api, const Principal& who, const httplib::Request& req,
                  const std::string& reason);

// True when `who` may touch organisation `org_id`'s data: the bureau always, a cooperative only
// its own. Otherwise logs the attempt in access_denials, writes a 403 problem and returns false.
bool AllowOrganisation(ApiContext& api, const Principal& who, int64_t org_id,
                       const httplib::Request& req, httplib::Response& res);

}  // namespace agritrace::http
