// The bureau's certifications (issue 13), bureau roles only:
//   GET  /console/certs?q=&show=all|expiring|active|suspended|revoked&page=
//   POST /console/certs                      add one (AddCertification, as `cert add`)
//   GET  /console/certs/{NUMBER}             the certificate and the lots issued under it
//   POST /console/certs/{NUMBER}/status      action suspend|revoke|reinstate with a reason
// The registry's services check everything; the forms only turn text into their inputs. Each
// change names the signed-in user as its actor.
#include <httplib.h>

#include <map>

#include "agritrace/registry/cert_number.h"
#include "agritrace/registry/certifications.h"
#include "agritrace/registry/organisations.h"
#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/console/console_table.h"
#include "http/html_escape.h"
#include "http/http_response.h"

namespace agritrace::http {
namespace {

using Req = const httplib::Request&;
using Res = httplib::Response&;

constexpr int64_t kCertsPerPage = 30;
constexpr long kExpiringDays = 60;     // as the certificate report's expiring_soon
constexpr size_t kMaxListItems = 100;  // products or area codes in one form field

const char* const kTypes[] = {"green-food", "organic", "geographic-indication", "pollution-free",
                              "sc-license"};

std::string TypeName(Lang lang, const std::string& key) {
  const CertType* t = FindCertType(key);
  return t ? L(lang, t->name_zh, t->name_en) : key;
}

std::string StatusName(Lang lang, const std::string& status) {
  if (status == "active") return L(lang, "有效", "active");
  if (status == "suspended") return L(lang, "暂停", "suspended");
  if (status == "revoked") return L(lang, "已撤销", "revoked");
  return status;
}

std::string Input(const std::string& name, const std::string& value, int maxlength,
                  const std::string& extra = "") {
  return "<input name=\"" + name + "\" value=\"" + HtmlEscape(value) + "\" maxlength=\"" +
         std::to_string(maxlength) + "\" " + extra + ">";
}

std::string Field(Lang lang, std::string_view zh, std::string_view en, const std::string& input) {
  return "<label>" + L(lang, zh, en) + input + "</label>";
}

// The add form as typed, kept on a refusal.
struct CertForm {
  std::string type = "green-food", number, issuer, holder, products, valid_from, valid_to,
              output_kg, area;
};

// Digits only, at most 15 of them (far below int64's limit): the number, else nullopt.
std::optional<int64_t> Whole(const std::string& text) {
  if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(text);
}

// Items separated by commas, spaces or 、 (a Chinese list comma).
std::vector<std::string> Items(std::string text) {
  for (const std::string sep : {"，", "、"})
    for (size_t at; (at = text.find(sep)) != std::string::npos;) text.replace(at, sep.size(), " ");
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + " ") {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

// The form's text as the service's input, or the field that is not a number.
Result<CertificationInput> ReadCertForm(const CertForm& f) {
  CertificationInput in;
  in.type = f.type;
  in.number = f.number;
  in.issuer = f.issuer;
  in.valid_from = f.valid_from;
  in.valid_to = f.valid_to;
  auto holder = Whole(f.holder);
  if (!holder)
    return Status::Invalid("持证主体编号应为数字（见经营主体页）",
                           "the holder is an organisation's number (see Organisations)");
  in.holder = *holder;
  const auto products = Items(f.products);
  const auto area = Items(f.area);
  if (products.size() > kMaxListItems || area.size() > kMaxListItems)
    return Status::Invalid("产品或保护区域最多 100 项", "at most 100 products or area codes");
  for (const auto& p : products) {
    auto id = Whole(p);
    if (!id)
      return Status::Invalid("产品编号应为数字，用逗号分开：" + p,
                             "product numbers are digits separated by commas: " + p);
    in.products.push_back(*id);
  }
  in.area = area;
  if (!f.output_kg.empty()) {
    auto kg = Whole(f.output_kg);
    if (!kg)
      return Status::Invalid("年核定产量应为公斤数（整数），不限量请留空",
                             "the certified annual output is whole kilograms; leave it empty for "
                             "no limit");
    in.annual_output_kg = *kg;
  }
  return in;
}

// Holder names by organisation id, read once per page.
std::string HolderName(Store& store, std::map<int64_t, std::string>& names, int64_t id) {
  auto it = names.find(id);
  if (it != names.end()) return it->second;
  auto org = GetOrganisation(store, id);
  return names[id] = org.ok() ? org->name : std::to_string(id);
}

bool Expiring(const Certification& c) {
  if (!c.days_to_expiry || c.status == "revoked") return false;
  const int64_t days = *c.days_to_expiry;
  return days >= 0 && days <= kExpiringDays;
}

std::string CertLink(Lang lang, const std::string& number) {
  return "<a href=\"/console/certs/" + HtmlEscape(PercentEncode(number)) + LangSuffix(lang) +
         "\"><code>" + HtmlEscape(number) + "</code></a>";
}

std::string ListPage(Store& store, Lang lang, const Session& s, const std::string& query,
                     const std::string& show, int64_t page, const CertForm& form,
                     const std::string& notice) {
  std::map<int64_t, std::string> names;
  struct Shown {
    Certification cert;
    std::string holder_name;
  };
  std::vector<Shown> shown;
  for (auto& c : ListCertifications(store)) {
    std::string holder = HolderName(store, names, c.holder);
    if (!query.empty() && c.number.find(query) == std::string::npos &&
        holder.find(query) == std::string::npos)
      continue;
    if (show == "expiring" ? !Expiring(c) : (show != "all" && c.status != show)) continue;
    shown.push_back({std::move(c), std::move(holder)});
  }
  const int64_t total = static_cast<int64_t>(shown.size());
  const int64_t pages = PageCount(total, kCertsPerPage);
  const int64_t from = std::min(total, PageOffset(page, kCertsPerPage));

  std::string out = ConsoleHead(lang, L(lang, "认证证书", "Certifications"));
  out += ConsoleBar(lang, store.Meta("name"), s) + notice;
  out += "<section><h1>" + L(lang, "认证证书", "Certifications") + "</h1>";
  out +=
      "<form class=\"stack\" method=\"get\" action=\"/console/certs\">" +
      std::string(lang == Lang::kEn ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "") +
      Field(lang, "证书编号或持证主体名称", "Certificate number or holder's name",
            Input("q", query, 100, "type=\"search\""));
  std::string select = "<select name=\"show\">";
  for (auto [key, zh, en] :
       {std::tuple{"all", "全部", "all"},
        std::tuple{"expiring", "60 天内到期", "expiring within 60 days"},
        std::tuple{"active", "有效", "active"}, std::tuple{"suspended", "暂停", "suspended"},
        std::tuple{"revoked", "已撤销", "revoked"}})
    select += std::string("<option value=\"") + key + "\"" + (show == key ? " selected" : "") +
              ">" + L(lang, zh, en) + "</option>";
  out += Field(lang, "显示", "Show", select + "</select>") + "<button type=\"submit\">" +
         L(lang, "查找", "Search") + "</button></form>";
  out += "<p class=\"mut\">" + L(lang, "共 ", "") + std::to_string(total) +
         L(lang, " 个", " found") + "</p>";
  if (total > 0) {
    const std::string h_number = L(lang, "证书编号", "Number"), h_type = L(lang, "类型", "Type"),
                      h_holder = L(lang, "持证主体", "Holder"),
                      h_status = L(lang, "状态", "Status"), h_to = L(lang, "有效期至", "Valid to"),
                      h_days = L(lang, "距到期天数", "Days left");
    out += "<div class=\"scroll\"><table class=\"cards\"><thead><tr><th>" + h_number + "</th><th>" +
           h_type + "</th><th>" + h_holder + "</th><th>" + h_status + "</th><th>" + h_to +
           "</th><th class=\"n\">" + h_days + "</th></tr></thead><tbody>";
    for (int64_t i = from; i < std::min(total, from + kCertsPerPage); ++i) {
      const Certification& c = shown[static_cast<size_t>(i)].cert;
      const std::string& status = c.status;
      std::string status_html = HtmlEscape(StatusName(lang, status));
      if (status != "active") status_html = "<span class=\"red\">" + status_html + "</span>";
      std::string days = c.days_to_expiry ? std::to_string(*c.days_to_expiry) : "—";
      if (Expiring(c)) days = "<span class=\"red\">" + days + "</span>";
      out += "<tr>" + CardCell(h_number, CertLink(lang, c.number)) +
             CardCell(h_type, HtmlEscape(TypeName(lang, c.type))) +
             CardCell(h_holder, HtmlEscape(shown[static_cast<size_t>(i)].holder_name)) +
             CardCell(h_status, status_html) +
             CardCell(h_to, c.valid_to ? HtmlEscape(*c.valid_to) : L(lang, "长期", "open-ended")) +
             CardCell(h_days, days, true) + "</tr>";
    }
    out += "</tbody></table></div>";
  }
  out += Pager(lang,
               "/console/certs?q=" + HtmlEscape(PercentEncode(query)) +
                   "&amp;show=" + HtmlEscape(PercentEncode(show)),
               page, pages);
  out += "</section>";

  out += "<section id=\"add\"><h2>" + L(lang, "登记证书", "Register a certification") +
         "</h2><form class=\"stack\" method=\"post\" action=\"/console/certs" + LangSuffix(lang) +
         "\">" + CsrfInput(s);
  std::string types = "<select name=\"type\">";
  for (const char* t : kTypes)
    types += std::string("<option value=\"") + t + "\"" + (form.type == t ? " selected" : "") +
             ">" + HtmlEscape(TypeName(lang, t)) + "</option>";
  out += Field(lang, "类型", "Type", types + "</select>");
  out += Field(lang, "证书编号", "Certificate number",
               Input("number", form.number, 64, "required spellcheck=\"false\""));
  out += Field(lang, "发证机构", "Issuing body", Input("issuer", form.issuer, 200, "required"));
  out += Field(lang, "持证主体编号", "Holder organisation number",
               Input("holder", form.holder, 15, "required inputmode=\"numeric\""));
  out += Field(lang, "覆盖的产品编号（逗号分开）", "Covered product numbers (comma-separated)",
               Input("products", form.products, 1000, "required"));
  out += Field(lang, "有效期起（YYYY-MM-DD）", "Valid from (YYYY-MM-DD)",
               Input("valid_from", form.valid_from, 10, "required type=\"date\""));
  out += Field(lang, "有效期止（留空按类型推算）", "Valid to (empty: by type)",
               Input("valid_to", form.valid_to, 10, "type=\"date\""));
  out +=
      Field(lang, "年核定产量（公斤，留空为不限）", "Certified annual output, kg (empty: no limit)",
            Input("annual_output_kg", form.output_kg, 15, "inputmode=\"numeric\""));
  out += Field(lang, "地理标志保护区域（行政区划代码，逗号分开）",
               "Geographic indication's protected area (region codes, comma-separated)",
               Input("area", form.area, 2000));
  out += "<button type=\"submit\">" + L(lang, "登记", "Register") + "</button></form></section>";
  return out + ConsoleTail(lang, "/console/certs");
}

std::string CertPage(Store& store, Lang lang, const Session& s, const Certification& c,
                     const std::vector<CertificationLot>& lots, const std::string& notice,
                     const std::string& action, const std::string& reason) {
  const std::string& number = c.number;
  const std::string self = "/console/certs/" + HtmlEscape(PercentEncode(number));
  const std::string& status = c.status;
  std::map<int64_t, std::string> names;
  std::string out = ConsoleHead(lang, number);
  out += ConsoleBar(lang, store.Meta("name"), s) + notice;
  out += "<section><h1>" + HtmlEscape(TypeName(lang, c.type)) + " <code>" +
         HtmlEscape(number) + "</code></h1><dl>";
  auto row = [&](std::string_view zh, std::string_view en, const std::string& html) {
    out += "<dt>" + L(lang, zh, en) + "</dt><dd>" + html + "</dd>";
  };
  std::string status_html = HtmlEscape(StatusName(lang, status));
  if (status != "active") status_html = "<span class=\"red\">" + status_html + "</span>";
  if (c.status_reason) status_html += " — " + HtmlEscape(*c.status_reason);
  row("状态", "Status", status_html);
  const int64_t holder = c.holder;
  row("持证主体", "Holder",
      "<a href=\"/console/orgs/" + std::to_string(holder) + LangSuffix(lang) + "\">" +
          HtmlEscape(HolderName(store, names, holder)) + "</a>");
  row("发证机构", "Issuer", HtmlEscape(c.issuer));
  std::string validity = HtmlEscape(c.valid_from) + " ~ ";
  validity += c.valid_to ? HtmlEscape(*c.valid_to) + L(lang, "（距到期 ", " (") +
                               std::to_string(c.days_to_expiry.value_or(0)) +
                               L(lang, " 天）", " days left)")
                         : L(lang, "长期", "open-ended");
  if (Expiring(c)) validity = "<span class=\"red\">" + validity + "</span>";
  row("有效期", "Valid", validity);
  row("年核定产量", "Certified annual output",
      c.annual_output_kg ? std::to_string(*c.annual_output_kg) + L(lang, " 公斤", " kg")
                         : L(lang, "不限", "not limited"));
  std::string products;
  for (int64_t p : c.products) products += (products.empty() ? "" : ", ") + std::to_string(p);
  row("覆盖的产品编号", "Covered products", HtmlEscape(products));
  if (!c.area.empty()) {
    std::string area;
    for (const auto& a : c.area) area += (area.empty() ? "" : ", ") + HtmlEscape(a);
    row("保护区域", "Protected area", area);
  }
  out += "</dl></section>";

  out += "<section id=\"lots\"><h2>" + L(lang, "此证书下的批次", "Lots under this certificate") +
         "</h2>";
  if (lots.empty()) {
    out += "<p>" + L(lang, "还没有批次。", "No lots yet.") + "</p>";
  } else {
    const std::string h_code = L(lang, "批次码", "Lot code"),
                      h_product = L(lang, "产品", "Product"),
                      h_org = L(lang, "经营主体", "Organisation"),
                      h_packed = L(lang, "包装日期", "Packed"), h_units = L(lang, "件数", "Units"),
                      h_kg = L(lang, "公斤", "kg");
    out += "<div class=\"scroll\"><table class=\"cards\"><thead><tr><th>" + h_code + "</th><th>" +
           h_product + "</th><th>" + h_org + "</th><th>" + h_packed + "</th><th class=\"n\">" +
           h_units + "</th><th class=\"n\">" + h_kg + "</th></tr></thead><tbody>";
    for (const auto& l : lots) {
      std::string code = "<code>" + HtmlEscape(l.code) + "</code>";
      if (l.recalled) code += " <span class=\"red\">" + L(lang, "已召回", "recalled") + "</span>";
      const int64_t g = l.total_g;
      out += "<tr>" + CardCell(h_code, code) + CardCell(h_product, HtmlEscape(l.product)) +
             CardCell(h_org, HtmlEscape(HolderName(store, names, l.org_id))) +
             CardCell(h_packed, HtmlEscape(l.packed)) +
             CardCell(h_units, std::to_string(l.units), true) +
             CardCell(h_kg, std::to_string(g / 1000) + "." + std::to_string(g % 1000 / 100), true) +
             "</tr>";
    }
    out += "</tbody></table></div>";
  }
  out += "</section>";

  if (status != "revoked") {
    out += "<section id=\"status\"><h2>" + L(lang, "更改状态", "Change the status") +
           "</h2><form class=\"stack\" method=\"post\" action=\"" + self + "/status" +
           LangSuffix(lang) + "\">" + CsrfInput(s);
    std::string select = "<select name=\"action\">";
    for (auto [key, zh, en] :
         {std::tuple{"suspend", "暂停", "suspend"}, std::tuple{"reinstate", "恢复", "reinstate"},
          std::tuple{"revoke", "撤销（不可恢复）", "revoke (final)"}}) {
      if ((status == "active" && std::string(key) == "reinstate") ||
          (status == "suspended" && std::string(key) == "suspend"))
        continue;
      select += std::string("<option value=\"") + key + "\"" + (action == key ? " selected" : "") +
                ">" + L(lang, zh, en) + "</option>";
    }
    out += Field(lang, "操作", "Action", select + "</select>");
    out += Field(lang, "原因（稽查时要看）", "Reason (auditors read it)",
                 "<textarea name=\"reason\" rows=\"3\" maxlength=\"1000\" required>" +
                     HtmlEscape(reason) + "</textarea>");
    out +=
        "<button type=\"submit\">" + L(lang, "确认更改", "Change") + "</button></form></section>";
  }
  return out + ConsoleTail(lang, self);
}

// Renders certificate `number`'s page (404 when there is none).
void AnswerCertPage(ConsoleContext& ctx, Req req, Res res, const Session& s,
                    const std::string& number, int status, const std::string& notice,
                    const std::string& action = "", const std::string& reason = "") {
  const Lang lang = ConsoleLang(req);
  int code = status;
  std::string html = ctx.api.WithReportStore([&](Store& store) {
    auto c = GetCertification(store, number);
    auto lots = ListCertificationLots(store, number);
    if (!c.ok() || !lots.ok()) {
      code = 404;
      const Status st = c.ok() ? lots.status() : c.status();
      return ConsoleHead(lang, L(lang, "找不到", "Not found")) +
             ConsoleBar(lang, store.Meta("name"), s) + "<section>" +
             StatusBox(lang, st) + "</section>" + ConsoleTail(lang, "/console/certs");
    }
    return CertPage(store, lang, s, *c, lots->lots, notice, action, reason);
  });
  SetConsolePage(res, code, std::move(html), lang);
}

}  // namespace

void RegisterConsoleCerts(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  svr.Get("/console/certs", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    if (!s->user.bureau()) return ConsoleDenied(ctx, req, res, *s, "certifications are bureau's");
    auto page = ParsePageNumber(req.get_param_value("page"));
    std::string notice = page ? "" : BadPageBox(lang);
    std::string show = req.has_param("show") ? req.get_param_value("show") : "all";
    if (show != "all" && show != "expiring" && show != "active" && show != "suspended" &&
        show != "revoked") {
      notice +=
          ErrorBox(lang, "“显示”只能是 all、expiring、active、suspended 或 revoked，已显示全部。",
                   "show must be all, expiring, active, suspended or revoked; all are shown.");
      show = "all";
    }
    const std::string query = req.get_param_value("q").substr(0, 100);
    std::string html = ctx.api.WithReportStore([&](Store& store) {
      return ListPage(store, lang, *s, query, show, page.value_or(1), {}, notice);
    });
    SetConsolePage(res, notice.empty() ? 200 : 422, std::move(html), lang);
  });

  svr.Post("/console/certs", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s || !CheckForm(ctx, req, res, &*s)) return;
    if (!s->user.bureau())
      return ConsoleDenied(ctx, req, res, *s, "only the bureau registers certifications");
    CertForm form{req.get_param_value("type"),     req.get_param_value("number"),
                  req.get_param_value("issuer"),   req.get_param_value("holder"),
                  req.get_param_value("products"), req.get_param_value("valid_from"),
                  req.get_param_value("valid_to"), req.get_param_value("annual_output_kg"),
                  req.get_param_value("area")};
    auto in = ReadCertForm(form);
    Result<Certification> r = in.ok() ? ctx.api.WithStore([&](Store& store) {
      return AddCertification(store, *in, UserActor(*s));
    })
                                      : Result<Certification>(in.status());
    if (r.ok())
      return res.set_redirect("/console/certs/" + PercentEncode(form.number) + LangSuffix(lang),
                              303);
    std::string html = ctx.api.WithStore([&](Store& store) {
      return ListPage(store, lang, *s, "", "all", 1, form, StatusBox(lang, r.status()));
    });
    SetConsolePage(res, RefusalHttp(r.status()), std::move(html), lang);
  });

  svr.Get(R"(/console/certs/([^/]{1,64}))", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    if (!s->user.bureau()) return ConsoleDenied(ctx, req, res, *s, "certifications are bureau's");
    AnswerCertPage(ctx, req, res, *s, req.matches[1], 200, "");
  });

  svr.Post(R"(/console/certs/([^/]{1,64})/status)", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s || !CheckForm(ctx, req, res, &*s)) return;
    if (!s->user.bureau())
      return ConsoleDenied(ctx, req, res, *s, "only the bureau changes certifications");
    const std::string number = req.matches[1];
    const std::string action = req.get_param_value("action");
    const std::string reason = req.get_param_value("reason");
    if (action != "suspend" && action != "revoke" && action != "reinstate")
      return AnswerCertPage(
          ctx, req, res, *s, number, 422,
          ErrorBox(lang, "请选择暂停、恢复或撤销。", "Choose suspend, reinstate or revoke."), "",
          reason);
    auto r = ctx.api.WithStore([&](Store& store) {
      return ChangeCertificationStatus(store, number, action, reason, UserActor(*s));
    });
    if (!r.ok())
      return AnswerCertPage(ctx, req, res, *s, number, RefusalHttp(r.status()),
                            StatusBox(lang, r.status()), action, reason);
    res.set_redirect("/console/certs/" + PercentEncode(number) + LangSuffix(lang), 303);
  });
}

}  // namespace agritrace::http
