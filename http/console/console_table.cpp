#include "http/console/console_table.h"

#include <algorithm>

#include "agritrace/registry/checked_math.h"
#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/html_escape.h"
#include "http/problem_json.h"

namespace agritrace::http {

std::optional<int64_t> ParsePageNumber(const std::string& text) {
  if (text.empty()) return 1;
  if (text.size() > 7 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int64_t n = std::stoll(text);
  if (n < 1 || n > kMaxConsolePage) return std::nullopt;
  return n;
}

std::string BadPageBox(Lang lang) {
  return ErrorBox(lang, "页码应为 1 到 1000000 的整数，已显示第 1 页。",
                  "The page number must be a whole number from 1 to 1000000; page 1 is shown.");
}

std::string CardCell(const std::string& heading, const std::string& html, bool number) {
  return "<td" + std::string(number ? " class=\"n\"" : "") + " data-h=\"" + HtmlEscape(heading) +
         "\">" + html + "</td>";
}

std::string Pager(Lang lang, const std::string& path, int64_t page, int64_t pages,
                  std::string_view newer_zh, std::string_view newer_en, std::string_view older_zh,
                  std::string_view older_en) {
  if (pages <= 1) return "";
  const std::string sep = path.find('?') == std::string::npos ? "?" : "&amp;";
  const std::string base = path + sep + (lang == Lang::kEn ? "lang=en&amp;" : "") + "page=";
  std::string out = "<nav class=\"pager\"><span>";
  if (page > 1)
    out += "<a href=\"" + base + std::to_string(page - 1) + "\">" + L(lang, newer_zh, newer_en) +
           "</a>";
  out += "</span><span class=\"mut\">" + L(lang, "第 ", "Page ") +
         std::to_string(std::min(page, pages)) + " / " + std::to_string(pages) +
         L(lang, " 页", "") + "</span><span>";
  if (page < pages)
    out += "<a href=\"" + base + std::to_string(page + 1) + "\">" + L(lang, older_zh, older_en) +
           "</a>";
  return out + "</span></nav>";
}

int64_t PageCount(int64_t total, int64_t per_page) {
  return std::max<int64_t>(1, total / per_page + (total % per_page != 0));
}

int64_t PageOffset(int64_t page, int64_t per_page) {
  return CheckedMul(page - 1, per_page).value_or(0);
}

std::string StatusBox(Lang lang, const Status& st) { return ErrorBox(lang, st.zh(), st.en()); }

int RefusalHttp(const Status& st) {
  const int http = ProblemFromStatus(st).status;
  return http == 404 ? 422 : http;
}

}  // namespace agritrace::http
