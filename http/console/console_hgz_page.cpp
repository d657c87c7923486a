// The console's 承诺达标合格证 form (issue 11): a clerk or manager issues a certificate for a
// shipment of one of the organisation's lots and downloads it to print, in the sizes the CLI
// prints. The form calls IssueHgz and RenderHgz, the services the CLI calls: one validation path.
//   GET  /console/hgz[?lot=CODE]                 the form
//   POST /console/hgz                            issue; 303 to the certificate
//   GET  /console/hgz/{number}                   the certificate and its print links
//   GET  /console/hgz/{number}/print?format=&size=   the file
#include <httplib.h>

#include <sstream>

#include "agritrace/labeler/hgz_print.h"
#include "agritrace/registry/crockford.h"
#include "agritrace/registry/hgz.h"
#include "agritrace/registry/lots.h"
#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/html_escape.h"
#include "http/http_response.h"

namespace agritrace::http {
namespace {

// What the clerk typed, echoed back into the form after a refusal.
struct HgzForm {
  std::string lot, weight_kg, pieces, basis = "control", report, contact, style = "producer",
                                     from;
};

HgzForm ReadForm(const httplib::Request& req) {
  HgzForm f;
  auto get = [&](const char* name, std::string& out) {
    if (req.has_param(name)) out = req.get_param_value(name);
  };
  get("lot", f.lot);
  get("weight_kg", f.weight_kg);
  get("pieces", f.pieces);
  get("basis", f.basis);
  get("report", f.report);
  get("contact", f.contact);
  get("style", f.style);
  get("from", f.from);
  return f;
}

std::string Option(const std::string& value, const std::string& current, const std::string& text) {
  return "<option value=\"" + value + "\"" + (value == current ? " selected" : "") + ">" + text +
         "</option>";
}

std::string Input(const std::string& label, const std::string& name, const std::string& value,
                  const std::string& extra) {
  return "<label>" + label + "<input name=\"" + name + "\" value=\"" + HtmlEscape(value) + "\" " +
         extra + "></label>";
}

std::string FormPage(Lang lang, const std::string& registry, const Session& s, const HgzForm& f,
                     const std::string& error) {
  std::string out = ConsoleHead(lang, L(lang, "开具承诺达标合格证", "Issue a compliance certificate"));
  out += ConsoleBar(lang, registry, s) + error;
  out += "<section class=\"narrow\"><h1>" + L(lang, "开具承诺达标合格证", "Issue a 承诺达标合格证") +
         "</h1><p class=\"mut\">" +
         L(lang, "每次发货开一张；同一批次的合格证合计不能超过批次重量。产品、产地和承诺主体取自批次记录。",
           "One per shipment; a lot's certificates together stay within its weight. Product, "
           "origin and committing party come from the lot's record.") +
         "</p><form class=\"stack\" method=\"post\" action=\"/console/hgz" + LangSuffix(lang) +
         "\">" + CsrfInput(s);
  out += Input(L(lang, "批次码", "Lot code"), "lot", f.lot,
               "required maxlength=\"16\" autocapitalize=\"characters\" spellcheck=\"false\"");
  out += Input(L(lang, "重量（公斤，与件数二选一）", "Weight in kg (or pieces)"), "weight_kg",
               f.weight_kg, "inputmode=\"decimal\" maxlength=\"14\"");
  out += Input(L(lang, "件数（与重量二选一）", "Pieces (or weight)"), "pieces", f.pieces,
               "inputmode=\"numeric\" maxlength=\"12\"");
  out += "<label>" + L(lang, "承诺依据", "Basis") + "<select name=\"basis\">" +
         Option("control", f.basis, "质量安全控制符合要求 / controls met") +
         Option("self-test", f.basis, "自行检测合格 / own test passed") +
         Option("commissioned-test", f.basis, "委托检测合格 / commissioned test passed") +
         "</select></label>";
  out += Input(L(lang, "检测报告编号（检测合格时必填）", "Test report number (for a test basis)"),
               "report", f.report, "maxlength=\"64\"");
  out += Input(L(lang, "联系电话", "Contact phone"), "contact", f.contact,
               "required inputmode=\"tel\" maxlength=\"16\" autocomplete=\"tel\"");
  out += "<label>" + L(lang, "样式", "Style") + "<select name=\"style\">" +
         Option("producer", f.style, "生产者（样式一） / producer") +
         Option("collector", f.style, "收购者（样式二） / collector") + "</select></label>";
  out += "<label>" +
         L(lang, "收取的合格证编号（收购者填写，空格或换行分隔）",
           "Certificates received (collectors; separated by spaces or lines)") +
         "<textarea name=\"from\" rows=\"2\" maxlength=\"1400\" spellcheck=\"false\">" +
         HtmlEscape(f.from) + "</textarea></label>";
  out += "<button type=\"submit\">" + L(lang, "开具并签名", "Issue and sign") +
         "</button></form></section>";
  return out + ConsoleTail(lang, "/console/hgz");
}

// Print links of every paper the CLI prints on.
std::string PrintLinks(Lang lang, const std::string& number) {
  struct Paper {
    const char *size, *zh, *en, *formats[3];
  };
  static const Paper kPapers[] = {
      {"100x70", "热敏标签 100×70 毫米", "thermal label 100×70 mm", {"pdf", "tspl", "zpl"}},
      {"80x60", "热敏标签 80×60 毫米", "thermal label 80×60 mm", {"pdf", "tspl", "zpl"}},
      {"50x30", "热敏标签 50×30 毫米", "thermal label 50×30 mm", {"pdf", "zpl", nullptr}},
      {"a5", "A5 纸", "A5 paper", {"pdf", "png", nullptr}},
      {"a4:2x3", "A4 不干胶，一页六张", "A4 sticker sheet of six", {"pdf", "png", nullptr}}};
  std::string out = "<ul>";
  for (const Paper& p : kPapers) {
    out += "<li>" + L(lang, p.zh, p.en) + "：";
    for (const char* fmt : p.formats) {
      if (!fmt) continue;
      out += " <a href=\"/console/hgz/" + number + "/print?format=" + fmt + "&amp;size=" +
             p.size + "\" download>" + fmt + "</a>";
    }
    out += "</li>";
  }
  return out + "</ul>";
}

std::string CertificatePage(Lang lang, const std::string& registry, const Session& s,
                            const Hgz& hgz) {
  const std::string& number = hgz.number;
  std::string out = ConsoleHead(lang, L(lang, "合格证 ", "Certificate ") + number);
  out += ConsoleBar(lang, registry, s);
  out += "<section><h1>" + std::string(kHgzTitle) + " <code>" + HtmlEscape(number) +
         "</code></h1><dl>";
  for (const HgzField& f : HgzFields(hgz.record))
    out += "<dt>" + L(lang, f.zh, f.en) + "</dt><dd>" +
           HtmlEscape(lang == Lang::kZh || f.en == "Commitment" ? f.value_zh : f.value_en) +
           "</dd>";
  out += "</dl>";
  if (hgz.lot_recalled)
    out += ErrorBox(lang, "该批次已召回，合格证不能再打印。", "The lot is recalled: no printing.");
  else
    out += "<h2>" + L(lang, "打印", "Print") + "</h2>" + PrintLinks(lang, number);
  out += "<p><a href=\"/h/" + number + LangSuffix(lang) + "\">" +
         L(lang, "扫码页面（消费者看到的）", "Its public page (what a scan shows)") +
         "</a> · <a href=\"/console/hgz" + LangSuffix(lang) + "\">" +
         L(lang, "再开一张", "Issue another") + "</a></p></section>";
  return out + ConsoleTail(lang, "/console/hgz/" + number);
}

void Refused(httplib::Response& res, Lang lang, int status, const std::string& zh,
             const std::string& en) {
  SetConsolePage(res, status,
                 ConsoleHead(lang, L(lang, "不能办理", "Not possible")) +
                     "<section class=\"narrow\">" + ErrorBox(lang, zh, en) + "<p><a href=\"/console/" +
                     LangSuffix(lang) + "\">" + L(lang, "返回控制台", "Back to the console") +
                     "</a></p></section>" + ConsoleTail(lang, "/console/"),
                 lang);
}

// Certificates are the organisation's own business: clerks and managers only.
bool RequireOrganisation(const Session& s, httplib::Response& res, Lang lang) {
  if (!s.user.bureau()) return true;
  Refused(res, lang, 403, "合格证由经营主体的文员或负责人开具；农业农村局账号请查看稽查报表。",
          "Certificates are issued by an organisation's clerks and managers; bureau accounts "
          "see the audit reports.");
  return false;
}

// For the certificate routes: the session (clerk or manager) and the certificate named in the
// path, if it is the organisation's; otherwise the answer is written and nullopt returned.
std::optional<std::pair<Session, Hgz>> OpenCertificate(ConsoleContext& ctx,
                                                        const httplib::Request& req,
                                                        httplib::Response& res, Lang lang) {
  auto s = RequireSession(ctx, req, res);
  if (!s || !RequireOrganisation(*s, res, lang)) return std::nullopt;
  const std::string typed = req.matches[1];
  auto number = NormalizeHgzNumber(typed);
  Result<Hgz> hgz =
      number.ok() ? ctx.api.WithReportStore([&](Store& store) { return GetHgz(store, *number); })
                  : Result<Hgz>(number.status());
  if (!hgz.ok() || hgz->record["party"]["id"].get<int64_t>() != s->user.org_id) {
    Refused(res, lang, 404, "本主体没有这张合格证：" + typed,
            "this organisation has no certificate " + typed);
    return std::nullopt;
  }
  return std::make_pair(std::move(*s), std::move(hgz).value());
}

}  // namespace

void RegisterConsoleHgz(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  svr.Get("/console/hgz", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s || !RequireOrganisation(*s, res, lang)) return;
    HgzForm f;
    f.lot = req.get_param_value("lot");
    const std::string registry = ctx.api.WithReportStore([](Store& st) { return st.Meta("name"); });
    SetConsolePage(res, 200, FormPage(lang, registry, *s, f, ""), lang);
  });

  svr.Post("/console/hgz", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s || !CheckForm(ctx, req, res, &*s) || !RequireOrganisation(*s, res, lang)) return;
    const HgzForm f = ReadForm(req);
    HgzInput in;
    in.lot = crockford::Normalize(f.lot);
    in.basis = f.basis;
    in.report = f.report;
    in.contact = f.contact;
    in.style = f.style;
    std::istringstream from(f.from);
    for (std::string n; from >> n;) in.from.push_back(n);
    Status bad;
    if (!f.weight_kg.empty()) {
      auto g = ParseHgzWeightKg(f.weight_kg);
      if (g.ok()) in.weight_g = *g; else bad = g.status();
    }
    if (bad.ok() && !f.pieces.empty()) {
      if (f.pieces.size() > 12 || f.pieces.find_first_not_of("0123456789") != std::string::npos)
        bad = Status::Invalid("件数应为正整数：" + f.pieces, "pieces must be a whole number: " + f.pieces);
      else
        in.pieces = std::stoll(f.pieces);
    }
    std::string registry;
    Result<IssuedHgz> issued = Status::Ok();
    ctx.api.WithStore([&](Store& store) {
      registry = store.Meta("name");
      if (!bad.ok()) return;
      // Only the organisation's own lots: the owner is checked before anything is written.
      auto owner_org = LotOwner(store, in.lot);
      if (owner_org.ok() && *owner_org != s->user.org_id)
        bad = Status::Forbidden("批次 " + in.lot + " 不属于本主体", "lot " + in.lot +
                                                                    " is not this organisation's");
      else
        issued = IssueHgz(store, in);
    });
    if (bad.ok() && !issued.ok()) bad = issued.status();
    if (!bad.ok())
      return SetConsolePage(res, bad.code() == StatusCode::kForbidden ? 403 : 422,
                            FormPage(lang, registry, *s, f, ErrorBox(lang, bad.zh(), bad.en())),
                            lang);
    res.set_header("Cache-Control", "no-store");
    res.set_redirect("/console/hgz/" + issued->number + LangSuffix(lang), 303);
  });

  svr.Get(R"(/console/hgz/([^/]+))", [owner](const httplib::Request& req,
                                           httplib::Response& res) {
    const Lang lang = ConsoleLang(req);
    auto seen = OpenCertificate(*owner, req, res, lang);
    if (!seen) return;
    const std::string registry =
        owner->api.WithReportStore([](Store& st) { return st.Meta("name"); });
    SetConsolePage(res, 200, CertificatePage(lang, registry, seen->first, seen->second), lang);
  });

  svr.Get(R"(/console/hgz/([^/]+)/print)", [owner](const httplib::Request& req,
                                                 httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto seen = OpenCertificate(ctx, req, res, lang);
    if (!seen) return;
    labeler::HgzPrintRequest p;
    p.number = seen->second.number;
    Status st = Status::Ok();
    auto format = labeler::ParseLabelFormat(req.get_param_value("format"));
    if (!format.ok()) st = format.status(); else p.format = *format;
    if (st.ok()) st = labeler::ApplyHgzPaper(req.get_param_value("size"), &p.options);
    p.options.copies = p.options.sheet ? 6 : 1;
    Result<labeler::HgzRendering> file = st;
    if (st.ok())
      file = ctx.api.WithReportStore([&](Store& store) { return labeler::RenderHgz(store, p); });
    if (!file.ok())
      return Refused(res, lang, 422, file.status().zh(), file.status().en());
    res.set_content(file->bytes, labeler::HgzMimeType(p.format));
    // The name is built from the checked number and format only.
    res.set_header("Content-Disposition", "attachment; filename=\"hgz-" + p.number + "." +
                                              labeler::HgzFileExtension(p.format) + "\"");
    res.set_header("Cache-Control", "no-store");
  });
}

}  // namespace agritrace::http
