#include "http/console/console_alerts.h"

#include "agritrace/registry/audit_reports.h"
#include "agritrace/registry/copied_codes.h"
#include "agritrace/registry/dates.h"
#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/html_escape.h"

namespace agritrace::http {
namespace {

bool Flag(const Json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_boolean() && it->get<bool>();
}

std::string Str(const Json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "";
}

constexpr int64_t kItemsShown = 20;  // per kind; the count says how many there are

std::string Item(const std::string& html) { return "<li>" + html + "</li>"; }

}  // namespace

std::string ConsoleAlerts(Store& store, Lang lang, const Session& s, ScanThresholds thresholds) {
  const int64_t org = s.user.bureau() ? 0 : s.user.org_id;
  const Report certs = CertificateReport(store, TodayShanghai().substr(0, 4), org);
  CopiedCodeQuery copied_query;
  copied_query.org_id = org;
  copied_query.threshold = thresholds.scans;
  copied_query.networks = thresholds.networks;
  copied_query.limit = kItemsShown;
  copied_query.tail = ScanTail::kSkip;  // as of the last fold: a burst of scans must not slow it
  const CopiedCodes copied = FindCopiedCodes(store.db(), copied_query);
  std::string expiring, over;
  int64_t n_expiring = 0, n_over = 0;
  for (const auto& row : certs.rows) {
    if (Str(row, "status") == "revoked") continue;
    const std::string number = "<code>" + HtmlEscape(Str(row, "number")) + "</code>";
    const std::string holder = s.user.bureau() ? "（" + HtmlEscape(Str(row, "holder")) + "）" : "";
    if (Flag(row, "expiring_soon")) {
      if (++n_expiring <= kItemsShown)
        expiring += Item(number + holder + L(lang, " 有效期至 ", " valid to ") +
                         HtmlEscape(Str(row, "valid_to")) + L(lang, "，剩 ", ", ") +
                         HtmlEscape(row["days_to_expiry"].dump()) + L(lang, " 天", " days left"));
    }
    if (Flag(row, "over_output")) {
      if (++n_over <= kItemsShown)
        over +=
            Item(number + holder + L(lang, " 今年已发放 ", " issued this year ") +
                 HtmlEscape(Str(row, "issued_kg")) + L(lang, " 公斤、贴标 ", " kg, labelled ") +
                 HtmlEscape(Str(row, "labelled_kg")) + L(lang, " 公斤，核定 ", " kg; certified ") +
                 HtmlEscape(Str(row, "certified_kg")) + L(lang, " 公斤", " kg"));
    }
  }
  std::string codes;
  const int64_t n_copied = copied.total;
  for (const auto& row : copied.rows)
    codes += Item("<code>" + HtmlEscape(row.code) + "</code>" + L(lang, "（批次 ", " (lot ") +
                  HtmlEscape(row.lot_code) + L(lang, "）扫码 ", ") scanned ") +
                  std::to_string(row.scans) + L(lang, " 次、来自 ", " times from ") +
                  std::to_string(row.networks) + L(lang, " 个网络", " networks"));

  std::string out = "<section id=\"alerts\"><h2>" + L(lang, "提醒", "Alerts") + "</h2>";
  if (n_expiring == 0 && n_over == 0 && n_copied == 0)
    return out + "<p>" + L(lang, "没有需要处理的提醒。", "Nothing needs attention.") +
           "</p></section>";
  auto block = [&](const std::string& title, int64_t count, const std::string& items) {
    if (count == 0) return;
    out += "<p class=\"note\"><b>" + title + L(lang, "：", ": ") + std::to_string(count) + "</b></p>";
    if (!items.empty()) out += "<ul>" + items + "</ul>";
  };
  const bool bureau = s.user.bureau();
  block(L(lang, "疑似被复制的追溯码", "Codes that look copied"), n_copied, codes);
  block(L(lang, "60 天内到期的证书", "Certificates expiring within 60 days"), n_expiring, expiring);
  block(L(lang, "今年批次超出核定产量的证书",
          "Certificates whose lots are past the certified output"),
        n_over, over);
  if (bureau && n_copied > 0)
    out += "<p class=\"mut\">" + L(lang, "涉及 ", "Across ") + std::to_string(copied.lots) +
           L(lang, " 个批次的扫码异常；详见", " lots with suspicious scans; see ") +
           "<a href=\"/console/audit" + LangSuffix(lang) + "\">" + L(lang, "稽查", "Audit") +
           "</a></p>";
  return out + "</section>";
}

}  // namespace agritrace::http
