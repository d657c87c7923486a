// GET /console/: a clerk's or manager's organisation's lots, newest first, a page at a time; for
// bureau staff the registry's counts and the latest failed sign-ins.
#include <httplib.h>

#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/html_escape.h"
#include "http/http_response.h"
#include "registry/dates.h"
#include "registry/lot_list.h"
#include "registry/organisations.h"

namespace agritrace::http {
namespace {

constexpr int64_t kLotsPerPage = 20;
constexpr int64_t kMaxPage = 1'000'000;
constexpr int64_t kFailuresShown = 20;

// ?page=N, 1-based: digits only, 1..kMaxPage. nullopt for anything else.
std::optional<int64_t> ParsePage(const std::string& text) {
  if (text.empty()) return 1;
  if (text.size() > 7 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int64_t n = std::stoll(text);
  if (n < 1 || n > kMaxPage) return std::nullopt;
  return n;
}

std::string Num(int64_t n) { return std::to_string(n); }

// A table cell labelled for the phone layout (console_look.cpp: table.cards).
std::string Td(const std::string& heading, const std::string& html, bool number = false) {
  return "<td" + std::string(number ? " class=\"n\"" : "") + " data-h=\"" + HtmlEscape(heading) +
         "\">" + html + "</td>";
}

std::string OrganisationHome(Store& store, Lang lang, const Session& s, int64_t page,
                             const std::string& error) {
  const std::string name = store.Meta("name");
  auto org = GetOrganisation(store, s.user.org_id);
  const std::string org_name = org.ok() ? (*org)["name"].get<std::string>() : "";
  const int64_t total = CountOrganisationLots(store, s.user.org_id);
  int64_t offset = 0;
  if (__builtin_mul_overflow(page - 1, kLotsPerPage, &offset)) offset = 0;
  auto lots = ListOrganisationLots(store, s.user.org_id, offset, kLotsPerPage);

  std::string out = ConsoleHead(lang, L(lang, "批次 · ", "Lots · ") + org_name);
  out += ConsoleBar(lang, name, s) + error;
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
      const std::string lot_code = HtmlEscape(lot["code"].get<std::string>());
      std::string code = "<a href=\"/console/lots/" + lot_code + LangSuffix(lang) + "\"><code>" +
                         lot_code + "</code></a>";
      if (lot["recalled"].get<bool>())
        code += " <span class=\"red\">" + L(lang, "已召回", "recalled") + "</span>";
      out += "<tr>" + Td(h_code, code) +
             Td(h_product, HtmlEscape(lot["product"].get<std::string>())) +
             Td(h_packed, HtmlEscape(lot["packed"].get<std::string>())) +
             Td(h_units, Num(lot["units"].get<int64_t>()), true) +
             Td(h_codes, Num(lot["codes_minted"].get<int64_t>()), true) + "</tr>";
    }
    out += "</tbody></table></div>";
  }
  const int64_t pages = std::max<int64_t>(1, (total + kLotsPerPage - 1) / kLotsPerPage);
  if (pages > 1) {
    const std::string amp = lang == Lang::kEn ? "lang=en&amp;" : "";
    out += "<nav class=\"pager\"><span>";
    if (page > 1)
      out += "<a href=\"/console/?" + amp + "page=" + Num(page - 1) + "\">" +
             L(lang, "← 较新", "← Newer") + "</a>";
    out += "</span><span class=\"mut\">" + L(lang, "第 ", "Page ") + Num(std::min(page, pages)) +
           " / " + Num(pages) + L(lang, " 页", "") + "</span><span>";
    if (page < pages)
      out += "<a href=\"/console/?" + amp + "page=" + Num(page + 1) + "\">" +
             L(lang, "较早 →", "Older →") + "</a>";
    out += "</span></nav>";
  }
  out += "</section>";
  return out + ConsoleTail(lang, "/console/");
}

std::string BureauHome(Store& store, Lang lang, const Session& s) {
  const Json counts = RegistryCounts(store);
  std::string out = ConsoleHead(lang, L(lang, "概况", "Overview"));
  out += ConsoleBar(lang, store.Meta("name"), s);
  out += "<section><h1>" + L(lang, "登记概况", "Registry overview") + "</h1><dl>";
  auto row = [&](std::string_view zh, std::string_view en, const char* key) {
    out += "<dt>" + L(lang, zh, en) + "</dt><dd>" + Num(counts[key].get<int64_t>()) + "</dd>";
  };
  row("经营主体", "Organisations", "organisations");
  row("认证证书", "Certifications", "certifications");
  row("其中有效", "of them active", "active_certifications");
  row("批次", "Lots", "lots");
  row("启用的账号", "Active accounts", "users");
  out +=
      "</dl><p><a href=\"/audit\">" + L(lang, "稽查报表", "Audit reports") + "</a></p></section>";

  const Json failures = RecentSignInFailures(store, kFailuresShown);
  out += "<section><h2>" + L(lang, "最近的登录失败", "Recent failed sign-ins") + "</h2>";
  if (failures.empty()) {
    out += "<p>" + L(lang, "无", "None") + "</p>";
  } else {
    const std::string h_at = L(lang, "时间（北京时间）", "Time (Beijing)"),
                      h_user = L(lang, "用户名", "User name"), h_reason = L(lang, "原因", "Reason"),
                      h_net = L(lang, "网络（哈希）", "Network (hash)");
    out += "<div class=\"scroll\"><table class=\"cards\"><thead><tr><th>" + h_at + "</th><th>" +
           h_user + "</th><th>" + h_reason + "</th><th>" + h_net + "</th></tr></thead><tbody>";
    for (const auto& f : failures) {
      const std::string reason = f["reason"].get<std::string>();
      const std::string reason_text =
          reason == "unknown-user"     ? L(lang, "无此用户", "unknown user")
          : reason == "wrong-password" ? L(lang, "密码错误", "wrong password")
          : reason == "disabled"       ? L(lang, "账号已停用", "account disabled")
                                       : reason;
      out +=
          "<tr>" + Td(h_at, HtmlEscape(ShanghaiTime(f["at"].get<std::string>()))) +
          Td(h_user, HtmlEscape(f["username"].get<std::string>())) +
          Td(h_reason, HtmlEscape(reason_text)) +
          Td(h_net, "<code>" + HtmlEscape(f["net"].get<std::string>().substr(0, 12)) + "</code>") +
          "</tr>";
    }
    out += "</tbody></table></div>";
  }
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
    auto page = ParsePage(req.get_param_value("page"));
    const std::string error =
        page ? ""
             : ErrorBox(lang, "页码应为 1 到 1000000 的整数，已显示第 1 页。",
                        "The page number must be a whole number from 1 to 1000000; page 1 is "
                        "shown.");
    // Page reads take the report connection: they never wait behind the API's writes.
    std::string html = ctx.api.WithReportStore([&](Store& store) {
      return s->user.bureau() ? BureauHome(store, lang, *s)
                              : OrganisationHome(store, lang, *s, page.value_or(1), error);
    });
    SetConsolePage(res, page ? 200 : 422, std::move(html), lang);
  });
}

}  // namespace agritrace::http
