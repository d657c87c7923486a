// GET /console/: a clerk's or manager's organisation's lots, newest first, a page at a time; for
// bureau staff the registry's counts and the latest failed sign-ins.
#include <httplib.h>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/lot_list.h"
#include "agritrace/registry/organisations.h"
#include "http/console/console_alerts.h"
#include "http/console/console_context.h"
#include "http/console/console_logs.h"
#include "http/console/console_look.h"
#include "http/console/console_table.h"
#include "http/html_escape.h"
#include "http/http_response.h"

namespace agritrace::http {
namespace {

constexpr int64_t kLotsPerPage = 20;
constexpr int64_t kFailuresShown = 20;

std::string Num(int64_t n) { return std::to_string(n); }

std::string OrganisationHome(Store& store, Lang lang, const Session& s, int64_t page,
                             const std::string& error, ScanThresholds thresholds) {
  const std::string name = store.Meta("name");
  auto org = GetOrganisation(store, s.user.org_id);
  const std::string org_name = org.ok() ? org->name : "";
  const int64_t total = CountOrganisationLots(store, s.user.org_id);
  auto lots =
      ListOrganisationLots(store, s.user.org_id, PageOffset(page, kLotsPerPage), kLotsPerPage);

  std::string out = ConsoleHead(lang, L(lang, "批次 · ", "Lots · ") + org_name);
  out += ConsoleBar(lang, name, s) + error;
  if (page == 1) out += ConsoleAlerts(store, lang, s, thresholds);
  out += "<section><h1>" + HtmlEscape(org_name) + "</h1><p class=\"mut\">" +
         L(lang, "本主体的批次，最新的在前；共 ", "This organisation's lots, newest first; ") +
         Num(total) + L(lang, " 个", " in all") + "</p>";
  const std::string h_code = L(lang, "批次码", "Lot code"), h_product = L(lang, "产品", "Product"),
                    h_packed = L(lang, "包装日期", "Packed"), h_units = L(lang, "件数", "Units"),
                    h_codes = L(lang, "已生成编码", "Codes minted");
  if (!lots.ok() || lots->empty()) {
    out += "<p>" +
           L(lang, total == 0 ? "还没有批次。" : "这一页没有批次。",
             total == 0 ? "No lots yet." : "No lots on this page.") +
           "</p>";
  } else {
    out += "<div class=\"scroll\"><table class=\"cards\"><thead><tr><th>" + h_code + "</th><th>" +
           h_product + "</th><th>" + h_packed + "</th><th class=\"n\">" + h_units +
           "</th><th class=\"n\">" + h_codes + "</th></tr></thead><tbody>";
    for (const auto& lot : *lots) {
      const std::string lot_code = HtmlEscape(lot.code);
      std::string code = "<a href=\"/console/lots/" + lot_code + LangSuffix(lang) + "\"><code>" +
                         lot_code + "</code></a>";
      if (lot.recalled)
        code += " <span class=\"red\">" + L(lang, "已召回", "recalled") + "</span>";
      out += "<tr>" + CardCell(h_code, code) + CardCell(h_product, HtmlEscape(lot.product)) +
             CardCell(h_packed, HtmlEscape(lot.packed)) + CardCell(h_units, Num(lot.units), true) +
             CardCell(h_codes, Num(lot.codes_minted), true) + "</tr>";
    }
    out += "</tbody></table></div>";
  }
  out += Pager(lang, "/console/", page, PageCount(total, kLotsPerPage), "← 较新", "← Newer",
               "较早 →", "Older →");
  out += "</section>";
  return out + ConsoleTail(lang, "/console/");
}

std::string BureauHome(Store& store, Lang lang, const Session& s, ScanThresholds thresholds) {
  const RegistryTotals counts = RegistryCounts(store);
  std::string out = ConsoleHead(lang, L(lang, "概况", "Overview"));
  out += ConsoleBar(lang, store.Meta("name"), s);
  out += "<section><h1>" + L(lang, "登记概况", "Registry overview") + "</h1><dl>";
  auto row = [&](std::string_view zh, std::string_view en, int64_t n) {
    out += "<dt>" + L(lang, zh, en) + "</dt><dd>" + Num(n) + "</dd>";
  };
  row("经营主体", "Organisations", counts.organisations);
  row("认证证书", "Certifications", counts.certifications);
  row("其中有效", "of them active", counts.active_certifications);
  row("批次", "Lots", counts.lots);
  row("启用的账号", "Active accounts", counts.users);
  out += "</dl></section>" + ConsoleAlerts(store, lang, s, thresholds);

  out += "<section><h2>" + L(lang, "最近的登录失败", "Recent failed sign-ins") + "</h2>";
  out += SignInFailureTable(lang, RecentSignInFailures(store, kFailuresShown));
  out += "</section>";
  return out + ConsoleTail(lang, "/console/");
}

}  // namespace

void RegisterConsoleHome(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  svr.Get("/console", [](const httplib::Request& req, httplib::Response& res) {
    res.set_redirect("/console/" + LangSuffix(ConsoleLang(req)), 303);
  });
  svr.Get("/console/", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    auto page = ParsePageNumber(req.get_param_value("page"));
    const std::string error = page ? "" : BadPageBox(lang);
    // Page reads take the report connection: they never wait behind the API's writes.
    std::string html = ctx.api.WithReportStore([&](Store& store) {
      return s->user.bureau()
                 ? BureauHome(store, lang, *s, ctx.thresholds)
                 : OrganisationHome(store, lang, *s, page.value_or(1), error, ctx.thresholds);
    });
    SetConsolePage(res, page ? 200 : 422, std::move(html), lang);
  });
}

}  // namespace agritrace::http
