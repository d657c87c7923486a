// GET /console/audit: the bureau's reports (the same sections as the token-signed /audit page,
// audit_sections.h), then the access-denial log and the failed sign-ins, for bureau roles; each
// report's CSV and Excel download under /console/audit/csv|xlsx/NAME (audit_api.h's answer).
#include <httplib.h>

#include "agritrace/registry/tokens.h"
#include "http/audit_api.h"
#include "http/audit_sections.h"
#include "http/console/console_context.h"
#include "http/console/console_logs.h"
#include "http/console/console_look.h"
#include "http/console/console_table.h"

namespace agritrace::http {
namespace {

constexpr int64_t kLogRowsShown = 100;

std::string AuditPage(Store& store, Lang lang, const Session& s, const AuditQuery& q,
                      ScanThresholds thresholds) {
  std::string out = ConsoleHead(lang, L(lang, "稽查", "Audit"));
  // The report tables' rules, beside the console's own (CSP: inline styles only).
  out += "<style>" + std::string(kAuditSectionsCss) + "</style>";
  out += ConsoleBar(lang, store.Meta("name"), s);
  out += "<section><h1>" + L(lang, "稽查报表", "Audit reports") + "</h1></section>";
  out += AuditSections(store, q, thresholds, "/console/audit", "/console/audit");
  out += "<section id=\"denials\"><h2>" + L(lang, "越权访问记录", "Access denials") +
         "</h2><p class=\"mut\">" +
         L(lang, "令牌和控制台用户被拒绝的访问，按小时合并计数，最新的在前。",
           "Refused requests of tokens and console users, counted per hour, latest first.") +
         "</p>" + AccessDenialTable(lang, RecentAccessDenials(store, kLogRowsShown)) + "</section>";
  out += "<section id=\"sign-in-failures\"><h2>" + L(lang, "登录失败记录", "Failed sign-ins") +
         "</h2>" + SignInFailureTable(lang, RecentSignInFailures(store, kLogRowsShown)) +
         "</section>";
  return out + ConsoleTail(lang, "/console/audit");
}

}  // namespace

void RegisterConsoleAudit(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  svr.Get("/console/audit", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    if (!s->user.bureau()) return ConsoleDenied(ctx, req, res, *s, "audit is bureau's");
    const AuditQuery q = ReadAuditQuery(req);
    std::string html = ctx.api.WithReportStore(
        [&](Store& store) { return AuditPage(store, lang, *s, q, ctx.thresholds); });
    SetConsolePage(res, q.error_zh.empty() ? 200 : 422, std::move(html), lang);
  });
  // Downloads: GET only, the session cookie is SameSite=Strict.
  svr.Get(R"(/console/audit/(csv|xlsx)/([a-z-]{1,32}))",
          [owner](const httplib::Request& req, httplib::Response& res) {
            ConsoleContext& ctx = *owner;
            auto s = RequireSession(ctx, req, res);
            if (!s) return;
            if (!s->user.bureau()) return ConsoleDenied(ctx, req, res, *s, "audit is bureau's");
            AnswerAuditReport(ctx.api, ctx.thresholds, req.matches[2], req, res);
          });
}

}  // namespace agritrace::http
