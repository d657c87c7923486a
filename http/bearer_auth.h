// Who is calling an authenticated route (DESIGN.md §9): a bearer token (Authorization: Bearer …),
// or, for the bureau's /audit page in a browser, the same token in the HttpOnly cookie
// `agritrace_token`. Roles: bureau (everything) and cooperative (its own organisation only).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "http/api_context.h"
#include "registry/tokens.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

inline constexpr std::string_view kTokenCookie = "agritrace_token";

// The token the request presents, or "" when it presents none.
std::string PresentedToken(const httplib::Request& req);
// The same from the Authorization and Cookie fields' values (the event loops' head gate).
std::string PresentedToken(std::string_view authorization, std::string_view cookie);

// The 401 problem with WWW-Authenticate that Authorize answers: no token (`presented` false),
// or an unknown or revoked one.
void SetUnauthorized(httplib::Response& res, std::string_view path, bool presented);

// The caller, when the request presents a live token of one of `roles`. Otherwise writes the
// answer and returns nullopt: 401 problem with WWW-Authenticate for no token or an unknown or
// revoked one, 403 (logged in access_denials) for a role not allowed here.
std::optional<Principal> Authorize(ApiContext& api, const httplib::Request& req,
                                   httplib::Response& res,
                                   std::initializer_list<std::string_view> roles);

// True when `who` may touch organisation `org_id`'s data: the bureau always, a cooperative only
// its own. Otherwise logs the attempt in access_denials, writes a 403 problem and returns false.
bool AllowOrganisation(ApiContext& api, const Principal& who, int64_t org_id,
                       const httplib::Request& req, httplib::Response& res);

}  // namespace agritrace::http
