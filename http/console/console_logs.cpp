#include "http/console/console_logs.h"

#include "agritrace/registry/dates.h"
#include "http/console/console_look.h"
#include "http/console/console_table.h"
#include "http/html_escape.h"

namespace agritrace::http {
namespace {

std::string None(Lang lang) { return "<p>" + L(lang, "无", "None") + "</p>"; }

}  // namespace

std::string SignInFailureTable(Lang lang, const std::vector<SignInFailure>& failures) {
  if (failures.empty()) return None(lang);
  std::string out;
  const std::string h_at = L(lang, "时间（北京时间）", "Time (Beijing)"),
                    h_user = L(lang, "用户名", "User name"), h_reason = L(lang, "原因", "Reason"),
                    h_net = L(lang, "网络（哈希）", "Network (hash)");
  out += "<div class=\"scroll\"><table class=\"cards\"><thead><tr><th>" + h_at + "</th><th>" +
         h_user + "</th><th>" + h_reason + "</th><th>" + h_net + "</th></tr></thead><tbody>";
  for (const auto& f : failures) {
    const std::string& reason = f.reason;
    const std::string reason_text =
        reason == "unknown-user"     ? L(lang, "无此用户", "unknown user")
        : reason == "wrong-password" ? L(lang, "密码错误", "wrong password")
        : reason == "disabled"       ? L(lang, "账号已停用", "account disabled")
                                     : reason;
    out += "<tr>" + CardCell(h_at, HtmlEscape(ShanghaiTime(f.at))) +
           CardCell(h_user, HtmlEscape(f.username)) + CardCell(h_reason, HtmlEscape(reason_text)) +
           CardCell(h_net, "<code>" + HtmlEscape(f.net.substr(0, 12)) + "</code>") + "</tr>";
  }
  out += "</tbody></table></div>";
  return out;
}

std::string AccessDenialTable(Lang lang, const std::vector<AccessDenial>& denials) {
  if (denials.empty()) return None(lang);
  const std::string h_at = L(lang, "最近一次（北京时间）", "Latest (Beijing)"),
                    h_count = L(lang, "次数", "Times"),
                    h_who = L(lang, "令牌或用户", "Token or user"),
                    h_route = L(lang, "路径", "Route"), h_reason = L(lang, "原因", "Reason");
  std::string out = "<div class=\"scroll\"><table class=\"cards\"><thead><tr><th>" + h_at +
                    "</th><th class=\"n\">" + h_count + "</th><th>" + h_who + "</th><th>" +
                    h_route + "</th><th>" + h_reason + "</th></tr></thead><tbody>";
  for (const auto& d : denials) {
    // Console denials carry no token: their reason names the user.
    std::string who = "—";
    if (d.token_name)
      who = L(lang, "令牌 ", "token ") + *d.token_name + " (" + d.role.value_or("") + ")";
    out += "<tr>" + CardCell(h_at, HtmlEscape(ShanghaiTime(d.at))) +
           CardCell(h_count, std::to_string(d.count), true) + CardCell(h_who, HtmlEscape(who)) +
           CardCell(h_route, "<code>" + HtmlEscape(d.route) + "</code>") +
           CardCell(h_reason, HtmlEscape(d.reason)) + "</tr>";
  }
  return out + "</tbody></table></div>";
}

}  // namespace agritrace::http
