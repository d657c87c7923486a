#include "http/audit_page.h"

#include <httplib.h>

#include <array>
#include <string_view>

#include "http/audit_api.h"
#include "http/bearer_auth.h"
#include "http/html_escape.h"
#include "http/http_response.h"
#include "http/output_chart.h"
#include "registry/audit_reports.h"
#include "registry/dates.h"
#include "registry/tokens.h"

namespace agritrace::http {
namespace {

constexpr const char* kCss =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f3f4ef;color:#1d231c;font:15px/1.5 system-ui,-apple-system,"
    "\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif}"
    "main{max-width:1100px;margin:0 auto;padding:10px}"
    "header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px}"
    "h1{font-size:1.3em;margin:6px 0}h2{font-size:1.1em;margin:0 0 8px;color:#1c5a2b}"
    "nav{display:flex;flex-wrap:wrap;gap:6px 14px;margin:6px 0 10px}a{color:#1c5a2b}"
    "section{background:#fff;border-radius:10px;padding:10px 14px;margin:0 0 12px}"
    // Wide tables scroll sideways on a phone rather than squeezing a letter per line.
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;min-width:600px;"
    "font-size:.92em}th,td{border-bottom:1px solid #e3e6de;padding:4px 6px;text-align:left;"
    "vertical-align:top;overflow-wrap:break-word}th{background:#eef2ea;font-weight:600}"
    "th small{font-weight:400}"
    "tr.over td{background:#fdecea}tr.soon td{background:#fff4e5}"
    ".chart{width:100%;max-width:600px;height:auto;display:block;margin:0 0 10px}"
    "small,.mut{color:#5b6358;font-size:.88em}"
    ".err{background:#fdecea;border-left:4px solid #c0221c;padding:8px 12px;margin:0 0 10px}"
    "form{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:0 0 8px}"
    "input{font-size:1em;padding:6px 8px;border:1px solid #9aa396;border-radius:6px}"
    "button{font-size:1em;padding:6px 14px;border:0;border-radius:6px;background:#1c7a35;"
    "color:#fff}"
    ".login{max-width:420px;margin:40px auto}.login input{flex:1 1 220px}";

// Column headings: the report's key, in Chinese with the key beneath.
constexpr std::array<std::array<const char*, 2>, 42> kColumns = {{
    {"number", "证书编号"},
    {"type", "类型"},
    {"holder", "持证主体"},
    {"status", "状态"},
    {"valid_to", "有效期至"},
    {"days_to_expiry", "距到期天数"},
    {"expiring_soon", "即将到期"},
    {"certified_kg", "核定年产量（公斤）"},
    {"lots", "批次数"},
    {"issued_kg", "发放量（公斤）"},
    {"labelled_kg", "贴标量（公斤）"},
    {"over_output", "超出核定产量"},
    {"at", "时间"},
    {"organisation", "经营主体"},
    {"product", "产品"},
    {"reason", "原因"},
    {"message", "说明"},
    {"lot", "批次"},
    {"region", "区划代码"},
    {"code", "编码"},
    {"scans", "扫码次数"},
    {"networks", "网络数"},
    {"first_scan", "首次扫码"},
    {"last_scan", "最近扫码"},
    {"day", "日期"},
    {"codes", "编码数"},
    {"region_name", "地区"},
    {"brand", "品牌"},
    {"household_kg", "农户供货（公斤）"},
    {"poor_kg", "脱贫户供货（公斤）"},
    {"poor_share_percent", "脱贫户占比（%）"},
    {"units", "件数"},
    {"kg", "公斤"},
    {"credit_code", "信用代码"},
    {"month", "月份"},
    {"certificates", "合格证张数"},
    {"lots_covered", "涉及批次"},
    {"covered_kg", "合格证覆盖（公斤）"},
    {"lots_packed", "当月包装批次"},
    {"packed_kg", "当月包装（公斤）"},
    {"covered_percent", "覆盖率（%）"},
    {"packed", "包装日期"},
}};

std::string Heading(const std::string& key) {
  for (const auto& c : kColumns)
    if (key == c[0]) return HtmlEscape(c[1]) + "<br><small>" + HtmlEscape(key) + "</small>";
  return HtmlEscape(key);
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

// A report as a table (at most kAuditPageRows rows) with its CSV link.
std::string Table(const Report& r, const std::string& csv_href) {
  std::string out = "<div class=\"scroll\"><table><thead><tr>";
  for (const auto& c : r.columns) out += "<th>" + Heading(c) + "</th>";
  out += "</tr></thead><tbody>";
  size_t shown = 0;
  for (const auto& row : r.rows) {
    if (shown++ == kAuditPageRows) break;
    const char* cls = Flag(row, "over_output")     ? " class=\"over\""
                      : Flag(row, "expiring_soon") ? " class=\"soon\""
                                                   : "";
    out += std::string("<tr") + cls + ">";
    for (const auto& c : r.columns) out += "<td>" + Cell(row.value(c, Json())) + "</td>";
    out += "</tr>";
  }
  if (r.rows.empty())
    out += "<tr><td colspan=\"" + std::to_string(r.columns.size()) + "\">无 / none</td></tr>";
  out += "</tbody></table></div>";
  if (r.rows.size() > kAuditPageRows)
    out += "<p class=\"mut\">仅显示前 " + std::to_string(kAuditPageRows) + " 行（共 " +
           std::to_string(r.rows.size()) + " 行），完整内容请下载 CSV / first " +
           std::to_string(kAuditPageRows) + " of " + std::to_string(r.rows.size()) +
           " rows; the CSV has them all</p>";
  out += "<p><a href=\"" + HtmlEscape(csv_href) + "\" download>下载 CSV / Download CSV</a></p>";
  return out;
}

std::string Head(const std::string& title) {
  return "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<meta name=\"referrer\" content=\"no-referrer\"><title>" +
         HtmlEscape(title) + "</title><style>" + kCss + "</style></head><body><main>";
}

constexpr const char* kTail = "</main></body></html>";

std::string LoginPage(const std::string& error_zh, const std::string& error_en) {
  std::string out = Head("稽查报表登录 / Audit sign-in") +
                    "<section class=\"login\"><h1>农业农村局稽查报表</h1>"
                    "<p class=\"mut\">Agriculture bureau audit reports</p>";
  if (!error_zh.empty())
    out += "<p class=\"err\">" + HtmlEscape(error_zh) + "<br>" + HtmlEscape(error_en) + "</p>";
  out +=
      "<form method=\"post\" action=\"/audit/login\">"
      "<label for=\"token\">农业农村局令牌 / Bureau token</label>"
      "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required>"
      "<button type=\"submit\">登录 / Sign in</button></form>"
      "<p class=\"mut\">令牌由管理员用 agritrace token create --role bureau "
      "生成；登录后保存在本浏览器"
      "的 Cookie 中 8 小时。 / Tokens come from agritrace token create --role bureau; signing in "
      "keeps "
      "it in this browser's cookie for 8 hours.</p></section>";
  return out + kTail;
}

std::string LogoutForm() {
  return "<form method=\"post\" action=\"/audit/logout\"><button type=\"submit\">退出 / Sign out"
         "</button></form>";
}

std::string ForbiddenPage() {
  return Head("无权访问 / Forbidden") +
         "<section class=\"login\"><h1>无权访问 <small>Forbidden</small></h1><p class=\"err\">"
         "此页面只对农业农村局（bureau）令牌开放；此次访问已记录。<br>This page is for bureau "
         "tokens "
         "only; the attempt has been logged.</p>" +
         LogoutForm() + "</section>" + kTail;
}

std::string CookieHeader(const httplib::Request& req, const std::string& value, int max_age) {
  std::string c = std::string(kTokenCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (req.get_header_value("X-Forwarded-Proto") == "https") c += "; Secure";
  return c;
}

// Authorize wrote a problem+json answer; a browser gets a page instead.
void ReplaceWithPage(httplib::Response& res, int status, std::string html) {
  for (const char* h : {"Content-Type", "Content-Language", "Cache-Control"}) res.headers.erase(h);
  SetPage(res, status, std::move(html), Lang::kZh);
}

struct PageQuery {
  std::string year, month;
  std::string error_zh, error_en;
};

// ?year= and ?month=, each checked like the API's; a bad one is reported and its default used.
PageQuery ReadQuery(const httplib::Request& req) {
  PageQuery q;
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

std::string Section(const char* id) { return std::string("<section id=\"") + id + "\">"; }

std::string AuditPage(Store& store, const Principal& who, const PageQuery& q,
                      ScanThresholds thresholds) {
  const Report certs = CertificateReport(store, q.year);
  const std::string scan_query = "threshold=" + std::to_string(thresholds.scans) +
                                 "&networks=" + std::to_string(thresholds.networks);
  std::string out = Head("稽查报表 / Audit reports");
  out += "<header><h1>稽查报表 <small>Audit reports · " + HtmlEscape(store.Meta("name")) +
         "</small></h1><div class=\"mut\">已登录 / signed in: " + HtmlEscape(who.name) +
         LogoutForm() + "</div></header>";
  out +=
      "<nav><a href=\"#certs\">证书产量 / Certificates</a><a href=\"#refusals\">拒绝记录 / "
      "Refusals</a><a href=\"#scans\">扫码异常 / Scans</a><a href=\"#poverty\">脱贫户占比 / "
      "Poverty</a><a href=\"#hgz\">合格证 / Certificates issued</a><a href=\"#monthly\">月度报表 / "
      "Monthly</a></nav>";
  if (!q.error_zh.empty())
    out += "<p class=\"err\">" + HtmlEscape(q.error_zh) + "已改用默认值。<br>" +
           HtmlEscape(q.error_en) + "the default is shown instead.</p>";

  out += Section("certs") + Title("h2", certs);
  out += "<form method=\"get\" action=\"/audit\"><label>年份 / Year <input name=\"year\" value=\"" +
         HtmlEscape(q.year) +
         "\" inputmode=\"numeric\" pattern=\"[0-9]{4}\" size=\"5\"></label><input type=\"hidden\" "
         "name=\"month\" value=\"" +
         HtmlEscape(q.month) + "\"><button type=\"submit\">查看 / Show</button></form>";
  out += OutputChartSvg(certs);
  out += Table(certs, ReportCsvPath("certs", "year=" + q.year)) + "</section>";

  const Report refusals = RefusalReport(store);
  out += Section("refusals") + Title("h2", refusals);
  out += Table(refusals, ReportCsvPath("refusals")) + "</section>";

  const Report copied = CopiedCodeReport(store, "", thresholds.scans, thresholds.networks);
  const Report unknown = UnknownScanReport(store);
  out += Section("scans") + "<h2>扫码异常 <small>Suspicious scans</small></h2>";
  out += "<p class=\"mut\">扫码超过 " + std::to_string(thresholds.scans) + " 次或来自超过 " +
         std::to_string(thresholds.networks) + " 个网络的编码 / codes scanned more than " +
         std::to_string(thresholds.scans) + " times or from more than " +
         std::to_string(thresholds.networks) + " networks</p>";
  out += Title("h3", copied) + Table(copied, ReportCsvPath("scans", scan_query));
  out += Title("h3", unknown) + Table(unknown, ReportCsvPath("unknown-scans")) + "</section>";

  const Report poverty = PovertyReport(store);
  out += Section("poverty") + Title("h2", poverty);
  out += Table(poverty, ReportCsvPath("poverty")) + "</section>";

  const Report hgz = HgzReport(store);
  const Report without = LotsWithoutHgzReport(store);
  out += Section("hgz") + "<h2>承诺达标合格证 <small>Compliance certificates</small></h2>";
  out += Title("h3", hgz) + Table(hgz, ReportCsvPath("hgz"));
  out += Title("h3", without) + Table(without, ReportCsvPath("lots-without-hgz")) + "</section>";

  const Report monthly = MonthlyReport(store, q.month);
  out += Section("monthly") + Title("h2", monthly);
  out +=
      "<form method=\"get\" action=\"/audit#monthly\"><label>月份 / Month <input type=\"month\" "
      "name=\"month\" value=\"" +
      HtmlEscape(q.month) +
      "\" pattern=\"[0-9]{4}-[0-9]{2}\"></label><input type=\"hidden\" "
      "name=\"year\" value=\"" +
      HtmlEscape(q.year) + "\"><button type=\"submit\">查看 / Show</button></form>";
  out += Table(monthly, ReportCsvPath("monthly", "month=" + q.month)) + "</section>";
  return out + kTail;
}

}  // namespace

void RegisterAuditPage(httplib::Server& svr, ApiContext& api, ScanThresholds thresholds) {
  svr.Get("/audit", [&api, thresholds](const httplib::Request& req, httplib::Response& res) {
    if (PresentedToken(req, TokenSource::kBearerOrCookie).empty())
      return SetPage(res, 200, LoginPage("", ""), Lang::kZh);
    auto who = Authorize(api, req, res, {"bureau"}, TokenSource::kBearerOrCookie);
    if (!who) {
      if (res.status == 401) {
        ReplaceWithPage(res, 401,
                        LoginPage("令牌无效或已被吊销，请重新登录",
                                  "the token is unknown or revoked; sign in again"));
        // A stale cookie would bring the visitor back here: drop it.
        res.set_header("Set-Cookie", CookieHeader(req, "", 0));
      } else if (res.status == 403) {
        ReplaceWithPage(res, 403, ForbiddenPage());
      }
      return;
    }
    const PageQuery q = ReadQuery(req);
    std::string html;
    try {
      html = api.WithReportStore(
          [&](Store& store) { return AuditPage(store, *who, q, thresholds); });
    } catch (const SQLite::Exception& e) {
      return SetStatusProblem(res,
                              Status::Io(std::string("读取报表失败：") + e.what(),
                                         std::string("reading the reports failed: ") + e.what()),
                              req.path);
    }
    SetPage(res, q.error_zh.empty() ? 200 : 422, std::move(html), Lang::kZh);
  });

  svr.Post("/audit/login", [&api](const httplib::Request& req, httplib::Response& res) {
    std::string token = req.get_param_value("token");
    while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r'))
      token.pop_back();
    while (!token.empty() && token.front() == ' ') token.erase(0, 1);
    if (token.empty())
      return SetPage(res, 400, LoginPage("请输入令牌", "enter a token"), Lang::kZh);
    std::optional<Principal> who;
    try {
      who = api.WithStore([&](Store& store) { return Authenticate(store, token); });
    } catch (const SQLite::Exception& e) {
      return SetStatusProblem(res,
                              Status::Io(std::string("读取令牌失败：") + e.what(),
                                         std::string("reading tokens failed: ") + e.what()),
                              req.path);
    }
    if (!who)
      return SetPage(res, 401, LoginPage("令牌无效或已被吊销", "the token is unknown or revoked"),
                     Lang::kZh);
    if (who->role != "bureau") {
      RecordDenial(api, *who, req, "role " + who->role + " not in bureau");
      return SetPage(res, 403,
                     LoginPage("此页面只对农业农村局（bureau）令牌开放；此次尝试已记录",
                               "this page is for bureau tokens only; the attempt has been logged"),
                     Lang::kZh);
    }
    res.set_header("Set-Cookie", CookieHeader(req, token, kAuditCookieMaxAgeSeconds));
    res.set_header("Cache-Control", "no-store");
    res.set_redirect("/audit", 303);
  });

  auto logout = [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Set-Cookie", CookieHeader(req, "", 0));
    res.set_header("Cache-Control", "no-store");
    res.set_redirect("/audit", 303);
  };
  svr.Post("/audit/logout", logout);
  svr.Get("/audit/logout", logout);
}

}  // namespace agritrace::http
