// /console/lots/{CODE}/labels: a lot's unit codes and labels in the console. Minting calls
// labeler::MintUnitCodes, as `label mint` and the API do; printing and the preview go through
// ServeLabelFile (http/label_download.h), the API's label download, which renders with
// labeler::PrintLabels as `label print` does: one path for every label file.
//
// Without JavaScript the settings form is a GET that re-renders the page and its preview; the
// download is a POST with the CSRF token carrying the settings shown on its button. A small
// inline script (allowed by its hash in this page's CSP) keeps the preview and the download in
// step with the settings as they change.
#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "agritrace/labeler/label_job.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/unit_store.h"
#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/console/console_lot_access.h"
#include "http/html_escape.h"
#include "http/http_response.h"
#include "http/label_download.h"

namespace agritrace::http {
namespace {

struct SizePreset {
  const char* size;  // as ParseLabelGeometry takes it
  int width_mm, height_mm;
};
// The label sizes clerks' printers take (issue 13).
constexpr SizePreset kSizes[] = {
    {"40x30", 40, 30}, {"50x30", 50, 30}, {"60x40", 60, 40}, {"70x50", 70, 50}, {"100x70", 100, 70}};

struct FormatChoice {
  const char* value;
  const char* zh;
  const char* en;
};
constexpr FormatChoice kFormats[] = {
    {"pdf", "PDF，每页一张标签（用标签打印机自带驱动打印）",
     "PDF, one label a page (print with the label printer's own driver)"},
    {"a4", "A4 不干胶纸 PDF（普通打印机）", "A4 sticker sheet PDF (office printer)"},
    {"tspl", "TSPL（TSC、佳博、芯烨打印机）", "TSPL (TSC, Gprinter, Xprinter)"},
    {"zpl", "ZPL（斑马打印机）", "ZPL (Zebra)"},
    {"png", "PNG 图片（一张标签：起始序号）", "PNG image (one label: the first serial)"},
    {"svg", "SVG 图片（一张标签：起始序号）", "SVG image (one label: the first serial)"},
};

// The tiny enhancement: settings changes update the preview image and the download form's
// hidden fields, so the download needs no GET round trip first.
constexpr const char* kScript =
    "(function(){var f=document.getElementById('choose'),i=document.getElementById('preview'),"
    "b=document.getElementById('download');if(!f||!i||!b)return;f.addEventListener('change',"
    "function(){var d=new FormData(f),p=new URLSearchParams();p.set('size',d.get('size'));"
    "p.set('dpi',d.get('dpi'));if(d.get('from'))p.set('serial',d.get('from'));"
    "i.src=i.getAttribute('data-base')+'?'+p.toString();['format','size','dpi','from','to']"
    ".forEach(function(k){var h=document.getElementById('p-'+k);if(h)h.value=d.get(k)||''});"
    "b.textContent=b.getAttribute('data-generic')})})();";

const std::string& LabelsCsp() {
  static const std::string csp =
      std::string("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; ") +
      "script-src 'sha256-" + Base64Encode(Sha256(kScript)) +
      "'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  return csp;
}

const SizePreset* FindSize(const std::string& size) {
  for (const auto& s : kSizes)
    if (size == s.size) return &s;
  return nullptr;
}

const FormatChoice* FindFormat(const std::string& format) {
  for (const auto& f : kFormats)
    if (format == f.value) return &f;
  return nullptr;
}

// Digits only, the value within int64 (from_chars refuses an overflow): the number, else
// nullopt. Sums and limits are the registry's (checked_math.h in MintUnitCodes, PrintLabels).
std::optional<int64_t> WholeNumber(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// The settings of a print, as chosen on the page (GET) or posted with the download.
struct PrintChoice {
  std::string format = "pdf", size = "50x30", dpi = "203", from, to;
};

// Checks `c` and turns it into the label download's query (label_download.h): unknown formats,
// sizes, dpi and serials are refused here, ranges and limits by PrintLabels.
Result<httplib::Params> DownloadQuery(const PrintChoice& c) {
  const FormatChoice* format = FindFormat(c.format);
  const SizePreset* size = FindSize(c.size);
  if (!format || !size)
    return Status::Invalid("请从列表中选择格式和标签尺寸",
                           "pick a format and a label size from the lists");
  if (c.dpi != "203" && c.dpi != "300")
    return Status::Invalid("打印机分辨率应为 203 或 300 dpi", "the printer resolution must be "
                                                              "203 or 300 dpi");
  auto from = c.from.empty() ? std::optional<int64_t>(0) : WholeNumber(c.from);
  auto to = c.to.empty() ? std::optional<int64_t>(0) : WholeNumber(c.to);
  if (!from || !to || (!c.from.empty() && *from < 1) || (!c.to.empty() && *to < 1))
    return Status::Invalid("序号应为正整数，例如 1 到 100；留空为全部",
                           "serials must be whole numbers from 1, e.g. 1 to 100; leave them "
                           "empty for every code");
  httplib::Params q;
  const std::string f = c.format;
  q.emplace("format", f == "a4" ? "pdf" : f);
  q.emplace("size", c.size);
  q.emplace("dpi", c.dpi);
  if (f == "a4")  // as many labels as fit on A4 (210 × 297 mm)
    q.emplace("sheet", "a4:" + std::to_string(210 / size->width_mm) + "x" +
                           std::to_string(297 / size->height_mm));
  if (f == "png" || f == "svg") {  // one label: the first serial
    const std::string one = *from ? std::to_string(*from) : "1";
    q.emplace("from", one);
    q.emplace("to", one);
  } else {
    if (*from) q.emplace("from", std::to_string(*from));
    if (*to) q.emplace("to", std::to_string(*to));
  }
  return q;
}

// The label download answered into `res` for `query`, a print run recorded under `actor`
// unless it is a `preview`; on refusal its problem's details.
std::optional<Status> Download(ConsoleContext& ctx, const httplib::Request& req,
                               httplib::Response& res, const std::string& code,
                               httplib::Params query, const std::string& actor, bool preview) {
  httplib::Request q;
  q.method = "GET";
  q.path = req.path;
  q.params = std::move(query);
  ServeLabelFile(ctx.api.db_path(), code, actor, q, res, preview);
  if (res.status == 200) return std::nullopt;
  Json p = Json::parse(res.body, nullptr, false);
  Status s = Status::Invalid(p.is_object() ? p.value("detail_zh", "") : "",
                             p.is_object() ? p.value("detail_en", "") : "");
  // The page replaces the problem document.
  res.headers.clear();
  res.body.clear();
  return s;
}

struct LotCounts {
  int64_t units = 0, minted = 0, spares = 0;
  bool recalled = false;
};

LotCounts CountsOf(Store& store, const std::string& code) {
  LotCounts c;
  auto id = LotId(store, code);
  if (!id.ok()) return c;
  auto lot = GetLot(store, code);
  if (lot.ok()) c.units = lot->record.value("units", int64_t{0});
  auto n = CountUnits(store.db(), *id);
  if (n.ok()) {
    c.minted = n->units;
    c.spares = n->spares;
  }
  c.recalled = IsRecalled(store, *id);
  return c;
}

std::string Options(const std::vector<std::pair<std::string, std::string>>& values,
                    const std::string& selected) {
  std::string out;
  for (const auto& [value, label] : values)
    out += "<option value=\"" + HtmlEscape(value) + "\"" + (value == selected ? " selected" : "") +
           ">" + HtmlEscape(label) + "</option>";
  return out;
}

// How many labels and pages `c` makes of `minted` codes, for the page to say before a long run.
std::string RunSize(Lang lang, const PrintChoice& c, int64_t minted) {
  const SizePreset* size = FindSize(c.size);
  if (!size || minted == 0) return "";
  int64_t from = WholeNumber(c.from).value_or(1), to = WholeNumber(c.to).value_or(minted);
  if (c.format == "png" || c.format == "svg") to = from;
  if (from < 1 || to < from || to > minted) return "";
  const int64_t labels = to - from + 1;
  int64_t pages = 0;
  if (c.format == "pdf") pages = labels;
  if (c.format == "a4") {
    const int64_t per_page = (210 / size->width_mm) * (297 / size->height_mm);
    pages = (labels + per_page - 1) / per_page;
  }
  std::string out = L(lang, "将生成 ", "This makes ") + std::to_string(labels) +
                    L(lang, " 张标签", labels == 1 ? " label" : " labels");
  if (pages) out += L(lang, "，", ", ") + std::to_string(pages) + L(lang, " 页", " pages");
  out += L(lang, "（序号 ", " (serials ") + std::to_string(from) + "–" + std::to_string(to) +
         L(lang, "）。", ").");
  if (labels > 10000)
    out += L(lang,
             " 服务器先生成整个文件（PDF 每秒约 2000 张以上），然后开始下载；文件大小已知，"
             "浏览器会显示下载进度。",
             " The server renders the whole file first (PDF at 2,000 labels a second or more), "
             "then the download starts; its size is known, so the browser shows its progress.");
  return out;
}

struct MintState {
  std::string error, count, spare;
};

std::string LabelsPage(Store& store, Lang lang, const Session& s, const std::string& code,
                       const PrintChoice& choice, const MintState& mint,
                       const std::string& print_error, const std::string& minted_note) {
  const LotCounts c = CountsOf(store, code);
  const std::string base = "/console/lots/" + code;
  std::string out = ConsoleHead(lang, L(lang, "追溯码与标签 · ", "Codes and labels · ") + code);
  out += ConsoleBar(lang, store.Meta("name"), s);
  out += "<section><p><a href=\"" + base + LangSuffix(lang) + "\">← " +
         L(lang, "批次 ", "Lot ") + code + "</a></p><h1>" +
         L(lang, "追溯码与标签", "Codes and labels") + " <code>" + code + "</code></h1>" +
         minted_note + "<dl><dt>" + L(lang, "批次件数", "Units in the lot") + "</dt><dd>" +
         std::to_string(c.units) + "</dd><dt>" + L(lang, "已发码", "Codes minted") +
         "</dt><dd data-minted=\"" + std::to_string(c.minted) + "\">" + std::to_string(c.minted) +
         L(lang, "（其中备用码 ", " (spares: ") + std::to_string(c.spares) + L(lang, "）", ")") +
         "</dd></dl></section>";
  if (c.recalled) {
    out += "<section><p class=\"err\">" +
           L(lang, "本批次已召回，不能再发码或打印标签。",
             "This lot is recalled: no more codes or labels.") +
           "</p></section>";
    return out + ConsoleTail(lang, base + "/labels");
  }

  const int64_t regular_left = std::max<int64_t>(0, c.units - (c.minted - c.spares));
  const int64_t spares_left = std::max<int64_t>(0, labeler::SpareLimit(c.units) - c.spares);
  out += "<section id=\"mint\"><h2>" + L(lang, "发码", "Mint codes") + "</h2><p class=\"mut\">" +
         L(lang, "还能发 ", "Left to mint: ") + std::to_string(regular_left) +
         L(lang, " 个追溯码、", " codes and ") + std::to_string(spares_left) +
         L(lang, " 个备用码（补打损坏的标签用，最多为件数的 10%）。",
           " spares (for damaged labels; at most 10% of the units).") +
         "</p>" + mint.error + "<form class=\"stack\" method=\"post\" action=\"" + base + "/mint" +
         LangSuffix(lang) + "\">" + CsrfInput(s) + "<label>" + L(lang, "追溯码数量", "Codes") +
         "<input name=\"count\" inputmode=\"numeric\" pattern=\"[0-9]*\" maxlength=\"19\" "
         "value=\"" +
         HtmlEscape(mint.count) + "\"></label><label>" + L(lang, "备用码数量", "Spares") +
         "<input name=\"spare\" inputmode=\"numeric\" pattern=\"[0-9]*\" maxlength=\"19\" "
         "value=\"" +
         HtmlEscape(mint.spare) + "\"></label><button type=\"submit\">" +
         L(lang, "发码", "Mint") + "</button></form></section>";

  // Settings (GET, no token), preview, download (POST with the token and the same settings).
  std::vector<std::pair<std::string, std::string>> formats, sizes;
  for (const auto& f : kFormats) formats.emplace_back(f.value, L(lang, f.zh, f.en));
  for (const auto& z : kSizes)
    sizes.emplace_back(z.size, std::to_string(z.width_mm) + " × " + std::to_string(z.height_mm) +
                                   " mm");
  out += "<section id=\"print\"><h2>" + L(lang, "打印或重印标签", "Print or reprint labels") +
         "</h2><p class=\"mut\">" +
         L(lang, "重印：填上已打印过的序号范围（例如卡纸损坏的那几张）。",
           "Reprint: enter a range of serials already printed (say the labels a jam spoiled).") +
         "</p>" + print_error + "<form id=\"choose\" class=\"stack\" method=\"get\" action=\"" +
         base + "/labels\">" +
         (lang == Lang::kEn ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "") +
         "<label>" + L(lang, "格式", "Format") + "<select name=\"format\">" +
         Options(formats, choice.format) + "</select></label><div class=\"pair\"><label>" +
         L(lang, "标签尺寸", "Label size") + "<select name=\"size\">" +
         Options(sizes, choice.size) + "</select></label><label>" +
         L(lang, "打印机分辨率", "Printer resolution") + "<select name=\"dpi\">" +
         Options({{"203", "203 dpi"}, {"300", "300 dpi"}}, choice.dpi) +
         "</select></label></div><div class=\"pair\"><label>" +
         L(lang, "起始序号", "From serial") +
         "<input name=\"from\" inputmode=\"numeric\" pattern=\"[0-9]*\" maxlength=\"19\" "
         "placeholder=\"1\" value=\"" +
         HtmlEscape(choice.from) + "\"></label><label>" + L(lang, "结束序号", "To serial") +
         "<input name=\"to\" inputmode=\"numeric\" pattern=\"[0-9]*\" maxlength=\"19\" "
         "placeholder=\"" +
         std::to_string(c.minted) + "\" value=\"" + HtmlEscape(choice.to) +
         "\"></label></div><button type=\"submit\" class=\"sec\">" +
         L(lang, "预览并核对", "Preview and check") + "</button></form>";

  const SizePreset* size = FindSize(choice.size);
  const std::string serial = WholeNumber(choice.from).value_or(0) > 0 ? choice.from : "1";
  const std::string preview = base + "/preview.png";
  out += "<figure><img id=\"preview\" data-base=\"" + preview + "\" src=\"" + preview +
         "?size=" + (size ? size->size : "50x30") + "&amp;dpi=" + HtmlEscape(choice.dpi) +
         (c.minted ? "&amp;serial=" + HtmlEscape(serial) : "") + "\" alt=\"" +
         L(lang, "第一张标签的预览", "Preview of the first label") +
         "\"><figcaption class=\"mut\">" +
         (c.minted ? L(lang, "第一张标签（由标签生成器渲染）",
                       "The first label, as the labeler renders it")
                   : L(lang, "还没有发码：这是批次码标签的预览",
                       "No codes minted yet: this previews the lot-code label")) +
         "</figcaption></figure>";
  const std::string run = RunSize(lang, choice, c.minted);
  if (!run.empty()) out += "<p data-run>" + run + "</p>";
  const FormatChoice* fmt = FindFormat(choice.format);
  out += "<form method=\"post\" action=\"" + base + "/print" + LangSuffix(lang) + "\">" +
         CsrfInput(s);
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"format", choice.format},
           {"size", choice.size},
           {"dpi", choice.dpi},
           {"from", choice.from},
           {"to", choice.to}})
    out += "<input type=\"hidden\" id=\"p-" + name + "\" name=\"" + name + "\" value=\"" +
           HtmlEscape(value) + "\">";
  out += "<button type=\"submit\" id=\"download\" data-generic=\"" +
         L(lang, "按上面的设置下载", "Download with the settings above") + "\">" +
         L(lang, "下载：", "Download: ") + HtmlEscape(fmt ? L(lang, fmt->zh, fmt->en) : "") +
         (size ? ", " + std::to_string(size->width_mm) + "×" + std::to_string(size->height_mm) +
                     " mm"
               : "") +
         "</button></form></section><script>" + kScript + "</script>";
  return out + ConsoleTail(lang, base + "/labels");
}

void SetLabelsPage(httplib::Response& res, int status, std::string html, Lang lang) {
  SetConsolePage(res, status, std::move(html), lang);
  // The preview is an image from this server, and the inline script runs by its hash.
  res.headers.erase("Content-Security-Policy");
  res.set_header("Content-Security-Policy", LabelsCsp());
}

PrintChoice ChoiceOf(const httplib::Request& req) {
  PrintChoice c;
  auto get = [&](const char* key, std::string& into) {
    if (req.has_param(key)) into = req.get_param_value(key).substr(0, 32);
  };
  get("format", c.format);
  get("size", c.size);
  get("dpi", c.dpi);
  get("from", c.from);
  get("to", c.to);
  return c;
}

void Render(ConsoleContext& ctx, httplib::Response& res, Lang lang, const Session& s,
            const std::string& code, const PrintChoice& choice, const MintState& mint,
            const std::string& print_error, const std::string& note, int status) {
  std::string html = ctx.api.WithReportStore([&](Store& store) {
    return LabelsPage(store, lang, s, code, choice, mint, print_error, note);
  });
  SetLabelsPage(res, status, std::move(html), lang);
}

}  // namespace

void RegisterConsoleLabels(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  const std::string lot = kConsoleLotPath;

  svr.Get(lot + "/labels", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    auto code = OpenConsoleLot(ctx, req, res, *s, req.matches[1]);
    if (!code) return;
    PrintChoice choice = ChoiceOf(req);
    std::string error;
    if (auto q = DownloadQuery(choice); !q.ok()) {
      error = ErrorBox(lang, q.status().zh(), q.status().en());
      choice = {};
    }
    // After a mint: "first-last" of the serials it made.
    std::string note;
    const std::string minted = req.get_param_value("minted");
    const size_t dash = minted.find('-');
    if (dash != std::string::npos && WholeNumber(minted.substr(0, dash)) &&
        WholeNumber(minted.substr(dash + 1)))
      note = "<p class=\"note\" role=\"status\">" + L(lang, "已发码：序号 ", "Minted: serials ") +
             minted.substr(0, dash) + "–" + minted.substr(dash + 1) + "</p>";
    Render(ctx, res, lang, *s, *code, choice, {}, error, note, error.empty() ? 200 : 422);
  });

  svr.Post(lot + "/mint", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto opened = OpenConsoleLotForm(ctx, req, res);
    if (!opened) return;
    const Session& s = opened->session;
    const std::string& code = opened->code;
    MintState mint{"", req.get_param_value("count").substr(0, 32),
                   req.get_param_value("spare").substr(0, 32)};
    auto count = mint.count.empty() ? std::optional<int64_t>(0) : WholeNumber(mint.count);
    auto spare = mint.spare.empty() ? std::optional<int64_t>(0) : WholeNumber(mint.spare);
    Status refused = Status::Ok();
    if (!count || !spare) {
      refused = Status::Invalid("数量应为整数，例如 100", "the numbers must be whole, e.g. 100");
    } else {
      auto r = ctx.api.WithStore([&](Store& store) {
        return labeler::MintUnitCodes(store,
                                      {code, *count, *spare, "user:" + s.user.username});
      });
      if (r.ok()) {
        res.set_header("Cache-Control", "no-store");
        return res.set_redirect("/console/lots/" + code + "/labels?minted=" +
                                    std::to_string(r->first_serial) + "-" +
                                    std::to_string(r->last_serial) +
                                    (lang == Lang::kEn ? "&lang=en" : ""),
                                303);
      }
      refused = r.status();
    }
    mint.error = ErrorBox(lang, refused.zh() + "。未发任何码。", refused.en() + ". No code was minted.");
    Render(ctx, res, lang, s, code, {}, mint, "", "", 422);
  });

  svr.Post(lot + "/print", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto opened = OpenConsoleLotForm(ctx, req, res);
    if (!opened) return;
    const Session& s = opened->session;
    const std::string& code = opened->code;
    const PrintChoice choice = ChoiceOf(req);
    auto query = DownloadQuery(choice);
    std::optional<Status> refused =
        query.ok() ? Download(ctx, req, res, code, *query, "user:" + s.user.username, false)
                   : query.status();
    if (!refused) return;  // streaming the file
    Render(ctx, res, lang, s, code, choice, {},
           ErrorBox(lang, refused->zh() + "。没有生成文件。", refused->en() + ". No file was made."),
           "", 422);
  });

  svr.Get(lot + "/preview.png", [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    auto code = OpenConsoleLot(ctx, req, res, *s, req.matches[1]);
    if (!code) return;
    PrintChoice c;
    c.format = "png";
    c.size = req.get_param_value("size").substr(0, 32);
    c.dpi = req.has_param("dpi") ? req.get_param_value("dpi").substr(0, 8) : "203";
    c.from = req.get_param_value("serial").substr(0, 32);
    auto query = DownloadQuery(c);
    const int64_t minted =
        ctx.api.WithReportStore([&](Store& store) { return CountsOf(store, *code).minted; });
    if (query.ok() && minted == 0) {  // nothing minted yet: the lot-code label
      query->erase("from");
      query->erase("to");
      query->emplace("lot_only", "true");
    }
    std::optional<Status> refused =
        query.ok() ? Download(ctx, req, res, *code, *query, "user:" + s->user.username, true)
                   : query.status();
    if (refused) {
      res.status = 422;
      res.set_content(refused->zh() + " / " + refused->en(), "text/plain; charset=utf-8");
      return;
    }
    // Shown in the page, not saved.
    res.headers.erase("Content-Disposition");
    res.set_header("Content-Disposition", "inline");
  });
}

}  // namespace agritrace::http
