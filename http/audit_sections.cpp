#include "http/audit_sections.h"

#include <httplib.h>


#include "agritrace/registry/audit_reports.h"
#include "agritrace/registry/code_exports.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/print_runs.h"
#include "http/audit_api.h"
#include "http/html_escape.h"
#include "http/output_chart.h"

namespace agritrace::http {
namespace {

// Column headings: the report's key, in Chinese with the key beneath.
std::string Heading(const std::string& key) {
  const std::string zh = ColumnTitleZh(key);
  return zh == key ? HtmlEscape(key)
                   : HtmlEscape(zh) + "<br><small>" + HtmlEscape(key) + "</small>";
}

std::string Cell(const Json& v) {
  if (v.is_null()) return "—";
  if (v.is_boolean()) return v.get<bool>() ? "是 yes" : "否 no";
  if (v.is_string()) return HtmlEscape(v.get<std::string>());
  return HtmlEscape(v.dump(-1, ' ', false, Json::error_handler_t::replace));
}

bool Flag(const Json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_boolean() && it->get<bool>();
}

std::string Title(const char* tag, const Report& r) {
  return std::string("<") + tag + ">" + HtmlEscape(r.title_zh) + " <small>" +
         HtmlEscape(r.title_en) + "</small></" + tag + ">";
}

std::string Section(const char* id) { return std::string("<section id=\"") + id + "\">"; }

}  // namespace

// At most kAuditPageRows rows, with the CSV and Excel links when there are.
std::string AuditTable(const std::vector<std::string>& columns, const Json& rows,
                       const std::string& csv_href, const std::string& xlsx_href, int64_t total) {
  std::string out = "<div class=\"scroll audit\"><table><thead><tr>";
  for (const auto& c : columns) out += "<th>" + Heading(c) + "</th>";
  out += "</tr></thead><tbody>";
  size_t shown = 0;
  for (const auto& row : rows) {
    if (shown++ == kAuditPageRows) break;
    const char* cls = Flag(row, "over_output")     ? " class=\"over\""
                      : Flag(row, "expiring_soon") ? " class=\"soon\""
                                                   : "";
    out += std::string("<tr") + cls + ">";
    for (const auto& c : columns) out += "<td>" + Cell(row.value(c, Json())) + "</td>";
    out += "</tr>";
  }
  if (rows.empty())
    out += "<tr><td colspan=\"" + std::to_string(columns.size()) + "\">无 / none</td></tr>";
  out += "</tbody></table></div>";
  const int64_t all_rows = total >= 0 ? total : static_cast<int64_t>(rows.size());
  if (all_rows > static_cast<int64_t>(kAuditPageRows)) {
    const std::string n = std::to_string(kAuditPageRows), all = std::to_string(all_rows);
    out += "<p class=\"mut\">仅显示前 " + n + " 行（共 " + all + " 行）" +
           (csv_href.empty() ? "" : "，完整内容请下载 CSV 或 Excel") + " / first " + n + " of " +
           all + " rows" + (csv_href.empty() ? "" : "; the CSV and Excel files have them all") +
           "</p>";
  }
  if (!csv_href.empty())
    out += "<p><a href=\"" + HtmlEscape(csv_href) + "\" download>下载 CSV / Download CSV</a> · <a href=\"" +
           HtmlEscape(xlsx_href) + "\" download>下载 Excel / Download Excel</a></p>";
  return out;
}

const char* const kAuditSectionsCss =
    ".audit table{min-width:600px;font-size:.92em}.audit th small{font-weight:400}"
    ".audit td{overflow-wrap:break-word}"
    "tr.over td{background:#fdecea}tr.soon td{background:#fff4e5}"
    ".chart{width:100%;max-width:600px;height:auto;display:block;margin:0 0 10px}"
    "nav.reports{display:flex;flex-wrap:wrap;gap:6px 14px;margin:6px 0 10px}"
    "form.pick{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:0 0 8px}"
    "form.pick input{width:auto}";

AuditQuery ReadAuditQuery(const httplib::Request& req) {
  AuditQuery q;
  const std::string today = TodayShanghai();
  q.year = today.substr(0, 4);
  q.month = today.substr(0, 7);
  auto take = [&](const char* name, std::string& field, Status (*check)(const std::string&)) {
    if (!req.has_param(name) || req.get_param_value(name).empty()) return;
    std::string v = req.get_param_value(name);
    if (Status s = check(v); !s.ok()) {
      q.error_zh += s.zh() + "；";
      q.error_en += s.en() + "; ";
      return;
    }
    field = v;
  };
  take("year", q.year, CheckReportYear);
  take("month", q.month, CheckReportMonth);
  return q;
}

std::string AuditSections(Store& store, const AuditQuery& q, ScanThresholds thresholds,
                          const std::string& self_path, const std::string& download_base) {
  auto table = [&](const Report& r, const std::string& name, const std::string& query = "") {
    return AuditTable(r.columns, r.rows, ReportCsvPath(name, query, download_base),
                      ReportXlsxPath(name, query, download_base), r.total_rows);
  };
  const std::string self = HtmlEscape(self_path);
  const Report certs = CertificateReport(store, q.year);
  const std::string scan_query = "threshold=" + std::to_string(thresholds.scans) +
                                 "&networks=" + std::to_string(thresholds.networks);
  std::string out =
      "<nav class=\"reports\"><a href=\"#certs\">证书产量 / Certificates</a><a "
      "href=\"#refusals\">拒绝记录 / Refusals</a><a href=\"#scans\">扫码异常 / Scans</a><a "
      "href=\"#poverty\">脱贫户占比 / Poverty</a><a href=\"#reprints\">重复打印 / Reprints</a><a "
      "href=\"#reexports\">码包重复导出 / Re-exports</a><a href=\"#hgz\">合格证 / Certificates "
      "issued</a><a href=\"#monthly\">月度报表 / "
      "Monthly</a></nav>";
  if (!q.error_zh.empty())
    out += "<p class=\"err\">" + HtmlEscape(q.error_zh) + "已改用默认值。<br>" +
           HtmlEscape(q.error_en) + "the default is shown instead.</p>";

  out += Section("certs") + Title("h2", certs);
  out += "<form class=\"pick\" method=\"get\" action=\"" + self +
         "\"><label>年份 / Year <input name=\"year\" value=\"" + HtmlEscape(q.year) +
         "\" inputmode=\"numeric\" pattern=\"[0-9]{4}\" size=\"5\"></label><input type=\"hidden\" "
         "name=\"month\" value=\"" +
         HtmlEscape(q.month) + "\"><button type=\"submit\">查看 / Show</button></form>";
  out += OutputChartSvg(certs);
  out += table(certs, "certs", "year=" + q.year) + "</section>";

  const Report refusals = RefusalReport(store);
  out += Section("refusals") + Title("h2", refusals);
  out += table(refusals, "refusals") + "</section>";

  const Report copied =
      CopiedCodeReport(store, "", thresholds.scans, thresholds.networks, 0, kAuditPageRows,
                       ScanTail::kSkip);
  const Report unknown = UnknownScanReport(store);
  out += Section("scans") + "<h2>扫码异常 <small>Suspicious scans</small></h2>";
  out += "<p class=\"mut\">扫码超过 " + std::to_string(thresholds.scans) + " 次或来自超过 " +
         std::to_string(thresholds.networks) +
         " 个网络的编码；扫码每秒汇总一次，下载的 CSV、Excel 含最近一秒 / codes scanned more than " +
         std::to_string(thresholds.scans) + " times or from more than " +
         std::to_string(thresholds.networks) +
         " networks; scans are tallied every second, the downloads include the last one</p>";
  out += Title("h3", copied) + table(copied, "scans", scan_query);
  out += Title("h3", unknown) + table(unknown, "unknown-scans") + "</section>";

  const Report poverty = PovertyReport(store);
  out += Section("poverty") + Title("h2", poverty);
  out += table(poverty, "poverty") + "</section>";

  const Report reprints = ReprintReport(store);
  out += Section("reprints") + Title("h2", reprints);
  out += table(reprints, "reprints") + "</section>";

  const Report reexports = ReexportReport(store);
  out += Section("reexports") + Title("h2", reexports);
  out += table(reexports, "reexports") + "</section>";

  const Report hgz = HgzReport(store);
  const Report without = LotsWithoutHgzReport(store);
  out += Section("hgz") + "<h2>承诺达标合格证 <small>Compliance certificates</small></h2>";
  out += Title("h3", hgz) + table(hgz, "hgz");
  out += Title("h3", without) + table(without, "lots-without-hgz") + "</section>";

  const Report monthly = MonthlyReport(store, q.month, ScanTail::kSkip);
  out += Section("monthly") + Title("h2", monthly);
  out += "<form class=\"pick\" method=\"get\" action=\"" + self +
         "#monthly\"><label>月份 / Month <input type=\"month\" name=\"month\" value=\"" +
         HtmlEscape(q.month) +
         "\" pattern=\"[0-9]{4}-[0-9]{2}\"></label><input type=\"hidden\" name=\"year\" value=\"" +
         HtmlEscape(q.year) + "\"><button type=\"submit\">查看 / Show</button></form>";
  out += table(monthly, "monthly", "month=" + q.month) + "</section>";
  return out;
}

}  // namespace agritrace::http
