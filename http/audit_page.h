// The agriculture bureau's page on the verify server (DESIGN.md §1, §9):
//   GET  /audit         with a bureau token (Authorization: Bearer or the agritrace_token cookie):
//                       the five reports as tables with their CSV downloads, a bar chart of
//                       kilograms labelled vs certified per certificate, a year selector for the
//                       certificates and a month selector for the monthly report (?year=, ?month=).
//                       Without a token: a login form; an unknown or revoked token: the form again
//                       (401); a token of another role: 403, logged in access_denials.
//   POST /audit/login   form field `token`: a live bureau token sets the cookie agritrace_token
//                       (HttpOnly; SameSite=Strict; Path=/; Max-Age 8 h; Secure behind an HTTPS
//                       proxy that sends X-Forwarded-Proto: https) and redirects (303) to /audit.
//   POST|GET /audit/logout   clears the cookie and redirects to /audit.
// Server-rendered, Chinese first with English beside it, every value HTML-escaped, no scripts
// and no external requests (kPageCsp), readable on a 360 px screen.
#pragma once

#include "http/api_context.h"
#include "http/audit_sections.h"
#include "http/verify_service.h"

namespace httplib {
class Server;
}

namespace agritrace::http {

inline constexpr int kAuditCookieMaxAgeSeconds = 8 * 3600;

// `api` must outlive `svr`'s serving. `thresholds` are the copied-code report's (the server's).
void RegisterAuditPage(httplib::Server& svr, ApiContext& api, ScanThresholds thresholds);

}  // namespace agritrace::http
