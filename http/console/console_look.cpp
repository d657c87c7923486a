#include "http/console/console_look.h"

#include "http/html_escape.h"

namespace agritrace::http {
namespace {

// The consumer page's palette, type and cards (consumer_page.cpp), with room for tables and
// forms. Inline: the page makes no second request. Phones first; wide screens get a wider main.
constexpr const char* kCss =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f3f4ef;color:#1d231c;font:16px/1.55 system-ui,-apple-system,"
    "\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\","
    "\"WenQuanYi Micro Hei\",sans-serif}"
    "main{max-width:1000px;margin:0 auto;padding:10px}"
    ".bar{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:6px "
    "12px;"
    "background:#1c7a35;color:#fff;border-radius:10px;padding:10px 14px;margin:0 0 10px}"
    ".bar b{font-size:1.1em}.bar form{margin:0}.bar button{background:#fff;color:#1c5a2b}"
    ".bar .who{display:flex;flex-wrap:wrap;align-items:center;gap:8px}"
    "section{background:#fff;border-radius:10px;padding:10px 14px;margin:0 0 10px}"
    "h1{font-size:1.25em;line-height:1.35;margin:0 0 8px}"
    "h2{font-size:1.05em;margin:0 0 6px;color:#1c5a2b}"
    "small,.mut{color:#5b6358;font-size:.88em}.bar small{color:#e4f1e6}"
    ".err{background:#fdecea;border-left:4px solid #c0221c;padding:8px 12px;margin:0 0 10px}"
    ".note{background:#fff4e5;border-left:4px solid #a85d00;padding:8px 12px;margin:0 0 10px}"
    "form.stack{display:grid;gap:10px}label{display:grid;gap:4px;font-weight:600}"
    "input{width:100%;font-size:1.05em;padding:9px;border:1px solid #9aa396;border-radius:6px;"
    "font-weight:400}"
    "button{font-size:1.05em;padding:9px 16px;border:0;border-radius:6px;background:#1c7a35;"
    "color:#fff;cursor:pointer}"
    ".narrow{max-width:440px;margin:24px auto}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.95em}"
    "th,td{border-bottom:1px solid #e3e6de;padding:6px;text-align:left;vertical-align:top}"
    "th{background:#eef2ea;font-weight:600;white-space:nowrap}td.n,th.n{text-align:right}"
    "code{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:.95em;"
    "overflow-wrap:anywhere}"
    ".red{color:#c0221c;font-weight:700}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}"
    "dt{color:#5b6358}dd{margin:0}"
    ".pager{display:flex;gap:16px;justify-content:space-between;margin:8px 0 0}"
    "footer{text-align:center;padding:8px 0 20px}a{color:#1c5a2b}"
    // Forms of the cooperative's pages: a refusal beside its field, rows of inputs, choices.
    "select,textarea{width:100%;font:inherit;font-size:1.05em;padding:8px;border:1px solid "
    "#9aa396;border-radius:6px;background:#fff}textarea{min-height:6em}"
    ".bad{border:2px solid #c0221c}.ferr{color:#c0221c;font-weight:600}"
    "fieldset{border:1px solid #d5dacf;border-radius:8px;padding:8px 10px;margin:0;min-width:0}"
    "legend{font-weight:600;padding:0 4px}"
    ".grid{display:grid;gap:10px;grid-template-columns:repeat(auto-fit,minmax(160px,1fr))}"
    ".btns{display:flex;flex-wrap:wrap;gap:8px}button.sec{background:#e4ebe0;color:#1c5a2b}"
    "label.chk{display:flex;gap:8px;align-items:flex-start;font-weight:400}"
    "label.chk input{width:auto;margin-top:4px}td input,td select{min-width:5em}"
    ".tabs{display:flex;flex-wrap:wrap;gap:4px 16px;margin:0 0 10px;padding:0 4px}"
    ".ok{background:#e8f5e9;border-left:4px solid #1c7a35;padding:8px 12px;margin:0 0 10px}"
    // A lot's page and its labels (console_lot_page.cpp, console_lot_labels.cpp).
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:10px}"
    "button.danger{background:#c0221c}.good{color:#1c7a35;font-weight:700}"
    "pre.json{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8em;background:#f3f4ef;"
    "padding:8px;border-radius:6px}details{margin:8px 0}summary{cursor:pointer;color:#1c5a2b}"
    "ol.timeline{margin:0 0 10px;padding-left:1.4em}ol.timeline li{margin:0 0 6px}"
    "figure{margin:12px 0}figure img{max-width:100%;border:1px solid #9aa396;background:#fff}"
    // On a phone a lot becomes a card: every cell on its own line, labelled by its heading.
    "@media (max-width:560px){table.cards thead{display:none}table.cards tr{display:block;"
    "border-bottom:1px solid #e3e6de;padding:6px 0}table.cards td{display:flex;gap:8px;"
    "border:0;padding:1px 0;text-align:left}table.cards td::before{content:attr(data-h);"
    "color:#5b6358;min-width:6.5em}}";

}  // namespace

std::string L(Lang lang, std::string_view zh, std::string_view en) {
  return std::string(lang == Lang::kZh ? zh : en);
}

std::string ConsoleHead(Lang lang, const std::string& title) {
  return std::string("<!doctype html><html lang=\"") + HtmlLangTag(lang) +
         "\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with
         // our own forms, and the server refuses forms whose Origin is not ours.
         "<meta name=\"referrer\" content=\"same-origin\"><title>" +
         HtmlEscape(title) + "</title><style>" + kCss + "</style></head><body><main>";
}

std::string CsrfInput(const Session& s) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + HtmlEscape(s.csrf) + "\">";
}

std::string RoleName(Lang lang, const std::string& role) {
  if (role == "clerk") return L(lang, "文员", "clerk");
  if (role == "manager") return L(lang, "负责人", "manager");
  if (role == "bureau") return L(lang, "农业农村局", "bureau");
  if (role == "bureau-admin") return L(lang, "农业农村局管理员", "bureau admin");
  return role;
}

std::string ConsoleBar(Lang lang, const std::string& registry_name, const Session& s) {
  const std::string q = lang == Lang::kEn ? "?lang=en" : "";
  return "<div class=\"bar\"><div><b>" + L(lang, "追溯管理控制台", "Traceability console") +
         "</b><br><small>" + HtmlEscape(registry_name) + "</small></div><div class=\"who\"><span>" +
         HtmlEscape(s.user.username) + " · " + HtmlEscape(RoleName(lang, s.user.role)) +
         "</span><form method=\"post\" action=\"/console/logout" + q + "\">" + CsrfInput(s) +
         "<button type=\"submit\">" + L(lang, "退出", "Sign out") + "</button></form></div></div>" +
         ConsoleNav(lang, s);
}

std::string ConsoleNav(Lang lang, const Session& s) {
  if (s.user.must_change_password) return "";  // every link would lead back to the password page
  const std::string q = lang == Lang::kEn ? "?lang=en" : "";
  auto link = [&](const std::string& path, std::string_view zh, std::string_view en) {
    return "<a href=\"" + path + q + "\">" + L(lang, zh, en) + "</a>";
  };
  std::string out;
  if (s.user.bureau()) {
    out = link("/console/", "概况", "Overview") +
          link("/console/orgs", "经营主体", "Organisations") +
          link("/console/certs", "认证证书", "Certifications") +
          link("/console/audit", "稽查", "Audit");
  } else {
    out = link("/console/", "批次", "Lots") + link("/console/lots/new", "发放批次", "Issue a lot") +
          link("/console/products", "产品", "Products") +
          link("/console/hgz", "合格证", "Certificates (hgz)");
    if (s.user.role == "manager")
      out += link("/console/orgs/" + std::to_string(s.user.org_id), "本主体账号", "Accounts");
  }
  return "<nav class=\"tabs\">" + out + "</nav>";
}

std::string ConsoleTail(Lang lang, const std::string& path) {
  return "<footer class=\"mut\"><a href=\"" + HtmlEscape(path) +
         (lang == Lang::kZh ? "?lang=en\">English" : "?lang=zh\">中文") +
         "</a></footer></main></body></html>";
}

std::string ErrorBox(Lang lang, const std::string& zh, const std::string& en) {
  const std::string& first = lang == Lang::kZh ? zh : en;
  const std::string& second = lang == Lang::kZh ? en : zh;
  return "<p class=\"err\" role=\"alert\">" + HtmlEscape(first) + "<br><small>" +
         HtmlEscape(second) + "</small></p>";
}

}  // namespace agritrace::http
