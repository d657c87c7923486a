#include "http/consumer_page.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "agritrace/registry/cert_number.h"
#include "agritrace/registry/dates.h"
#include "http/html_escape.h"
#include "http/status_message.h"

namespace agritrace::http {
namespace {

// Inline so that the page makes no second request; system fonts only.
constexpr const char* kCss =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f3f4ef;color:#1d231c;font:16px/1.55 system-ui,-apple-system,"
    "\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif}"
    "main{max-width:640px;margin:0 auto;padding:10px}"
    ".b{border-radius:10px;padding:14px 16px;margin:0 0 10px;color:#fff}"
    ".b h1{font-size:1.25em;line-height:1.35;margin:0 0 6px}.b p{margin:0}"
    ".ok{background:#1c7a35}.warn{background:#a85d00}.bad{background:#c0221c}"
    ".note{background:#fff4e5;border-left:4px solid #a85d00;padding:8px 12px;margin:0 0 10px}"
    "section{background:#fff;border-radius:10px;padding:10px 14px;margin:0 0 10px}"
    "h2{font-size:1.05em;margin:0 0 6px;color:#1c5a2b}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}"
    "dt{color:#5b6358}dd{margin:0;overflow-wrap:anywhere}"
    "ul,ol{margin:0;padding:0;list-style:none}li{padding:4px 0;border-top:1px solid #eceee8}"
    "li:first-child{border-top:0}"
    ".tl li{border-top:0;border-left:3px solid #8fbf95;padding:0 0 8px 10px}"
    ".red{color:#c0221c;font-weight:700}.grn{color:#1c7a35;font-weight:700}"
    "small,.mut{color:#5b6358;font-size:.88em}"
    "form{display:flex;flex-wrap:wrap;gap:8px}"
    "input{flex:1 1 200px;font-size:1.1em;padding:9px;border:1px solid #9aa396;border-radius:6px}"
    "button{font-size:1.05em;padding:9px 16px;border:0;border-radius:6px;background:#1c7a35;"
    "color:#fff}"
    "footer{text-align:center;padding:8px 0 20px}a{color:#1c5a2b}"
    ".hgz{border:3px double #1c5a2b}.hgz h1{text-align:center;font-size:1.6em;letter-spacing:.12em;"
    "margin:4px 0 10px;color:#1c5a2b}.hgz blockquote{margin:8px 0 4px;padding:8px 10px;"
    "background:#f3f7f1;border-left:4px solid #1c7a35}";

// Up to this many trace steps and households are listed; the page stays well under 30 KB.
constexpr size_t kMaxTrace = 40;
constexpr size_t kMaxHouseholds = 20;

std::string L(Lang lang, std::string_view zh, std::string_view en) {
  return std::string(lang == Lang::kZh ? zh : en);
}

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t Int(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

const Json& Obj(const Json& j, const char* key) {
  static const Json kEmpty = Json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}

const Json& Arr(const Json& j, const char* key) {
  static const Json kEmpty = Json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

// A row of a definition list; skipped when the value is empty. `value` is escaped here.
void Row(std::string& out, const std::string& label, const std::string& value) {
  if (value.empty()) return;
  out += "<dt>" + label + "</dt><dd>" + HtmlEscape(value) + "</dd>";
}

std::string Label(Lang lang, std::string_view key,
                  std::initializer_list<std::array<const char*, 3>> table) {
  for (const auto& row : table)
    if (key == row[0]) return lang == Lang::kZh ? row[1] : row[2];
  return std::string(key);
}

std::string OrgKind(Lang lang, std::string_view k) {
  return Label(lang, k,
               {{"cooperative", "农民专业合作社", "farmers' cooperative"},
                {"enterprise", "企业", "enterprise"},
                {"family-farm", "家庭农场", "family farm"},
                {"station", "电商服务站", "e-commerce service station"},
                {"collective", "村集体", "village collective"}});
}

std::string BrandScheme(Lang lang, std::string_view k) {
  return Label(lang, k,
               {{"one-village-one-product", "一村一品", "One Village One Product"},
                {"one-township-one-product", "一乡一品", "One Township One Product"},
                {"one-county-one-product", "一县一品", "One County One Product"},
                {"regional-public", "区域公用品牌", "regional public brand"}});
}

std::string BrandLevel(Lang lang, std::string_view k) {
  return Label(lang, k,
               {{"national", "国家级", "national"},
                {"provincial", "省级", "provincial"},
                {"municipal", "市级", "municipal"},
                {"county", "县级", "county"}});
}

std::string StepName(Lang lang, std::string_view k) {
  return Label(lang, k,
               {{"planting", "种植", "planting"},
                {"input-use", "投入品使用", "input use"},
                {"harvesting", "采收", "harvesting"},
                {"inspecting", "检测", "inspection"},
                {"processing", "加工", "processing"},
                {"packing", "包装", "packing"},
                {"storing", "仓储", "storage"},
                {"shipping", "发运", "shipping"},
                {"receiving", "收货", "receiving"},
                {"retail", "零售", "retail"},
                {"recall", "召回", "recall"},
                {"amendment", "更正", "amendment"}});
}

std::string CertTypeName(Lang lang, const std::string& type) {
  const CertType* t = FindCertType(type);
  if (!t) return type;
  return std::string(lang == Lang::kZh ? t->name_zh : t->name_en);
}

const char* BannerClass(const Verdict& v) {
  switch (v.status) {
    case VerifyStatus::kGenuine:
      return "ok";
    case VerifyStatus::kScanned:
    case VerifyStatus::kMistyped:
      return "warn";
    default:
      return "bad";
  }
}

void Head(std::string& out, Lang lang, const std::string& title) {
  out += "<!doctype html><html lang=\"";
  out += HtmlLangTag(lang);
  out +=
      "\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<meta name=\"referrer\" content=\"no-referrer\"><title>";
  out += HtmlEscape(title);
  out += "</title><style>";
  out += kCss;
  out += "</style></head><body><main>";
}

void EntryForm(std::string& out, Lang lang, const std::string& value) {
  out +=
      "<form method=\"get\" action=\"/lookup\"><input name=\"code\" autocomplete=\"off\" "
      "autocapitalize=\"characters\" spellcheck=\"false\" value=\"" +
      HtmlEscape(value) + "\" placeholder=\"" +
      L(lang, "标签上的编码，如 7KQ2-M9XW-4C8D-JH3R",
        "code on the label, e.g. 7KQ2-M9XW-4C8D-JH3R") +
      "\" aria-label=\"" + L(lang, "编码", "code") + "\">";
  if (lang == Lang::kEn) out += "<input type=\"hidden\" name=\"lang\" value=\"en\">";
  out += "<button type=\"submit\">" + L(lang, "查询", "Check") + "</button></form>";
}

void Footer(std::string& out, Lang lang) {
  out += "<footer class=\"mut\"><a href=\"" +
         std::string(lang == Lang::kZh ? "?lang=en\">English" : "?lang=zh\">中文") +
         "</a> · <a href=\"/" + std::string(lang == Lang::kZh ? "" : "?lang=en") + "\">" +
         L(lang, "手动输入编码", "Type a code") + "</a></footer></main></body></html>";
}

// The product section up to the lot code: the same for every unit of the lot.
void ProductHead(std::string& out, const Verdict& v, Lang lang) {
  const Json& r = v.record();
  const Json& product = Obj(r, "product");
  out += "<section><h2>" + L(lang, "产品", "Product") + "</h2><dl>";
  Row(out, L(lang, "名称", "Name"), Str(product, "name"));
  Row(out, L(lang, "品类", "Category"), Str(product, "category"));
  if (int64_t g = Int(r, "net_content_g"); g > 0)
    Row(out, L(lang, "净含量", "Net content"), FormatGrams(g, lang));
  Row(out, L(lang, "商品条码", "GTIN"), Str(product, "gtin"));
  Row(out, L(lang, "批次码", "Lot code"), Str(r, "code"));
}

// The scanned code's own rows.
void UnitRows(std::string& out, const Verdict& v, Lang lang) {
  const Json& r = v.record();
  if (v.kind == ScannedKind::kUnit && v.lot) {
    Row(out, L(lang, "单品码", "Unit code"), v.display);
    Row(out, L(lang, "序号", "Serial"),
        std::to_string(v.serial) + " / " + std::to_string(Int(r, "units")));
    // Consumers check an organic label's own code at the certification authority's site.
    Row(out, L(lang, "有机码", "Organic code"), v.organic_code);
  } else if (int64_t units = Int(r, "units"); units > 0) {
    Row(out, L(lang, "本批数量", "Units in lot"), std::to_string(units));
  }
}

void ProducerSection(std::string& out, const Verdict& v, Lang lang) {
  const Json& r = v.record();
  const Json& producer = Obj(r, "producer");
  const Json& origin = Obj(r, "origin");
  out += "<section><h2>" + L(lang, "生产者与产地", "Producer and origin") + "</h2><dl>";
  Row(out, L(lang, "生产者", "Producer"), Str(producer, "name"));
  Row(out, L(lang, "主体类型", "Kind"), OrgKind(lang, Str(producer, "kind")));
  Row(out, L(lang, "信用代码", "Credit code"), Str(producer, "credit_code"));
  std::string village = Str(origin, "full_name");
  if (village.empty()) village = Str(origin, "name");
  Row(out, L(lang, "产地", "Village"), village);
  Row(out, L(lang, "行政区划代码", "Region code"), Str(origin, "code"));
  auto poverty = origin.find("poverty_registered");
  if (poverty != origin.end() && poverty->is_boolean() && poverty->get<bool>())
    Row(out, L(lang, "村情", "Village status"),
        L(lang, "脱贫村（原建档立卡贫困村）", "formerly registered poor village"));
  out += "</dl></section>";
}

void CertSection(std::string& out, const Verdict& v, Lang lang) {
  if (!v.lot || v.lot->certifications.empty()) return;
  out += "<section><h2>" + L(lang, "认证", "Certifications") + "</h2><ul>";
  for (const auto& c : v.lot->certifications) {
    out += "<li><b>" + HtmlEscape(CertTypeName(lang, c.type)) + "</b> " + HtmlEscape(c.number);
    out += c.live == "active" ? " <span class=\"grn\">" + L(lang, "有效", "valid") + "</span>"
                              : " <span class=\"red\">" +
                                    Label(lang, c.live,
                                          {{"revoked", "已撤销", "REVOKED"},
                                           {"suspended", "已暂停", "SUSPENDED"},
                                           {"expired", "已过期", "EXPIRED"}}) +
                                    "</span>";
    out += "<br><small>" + L(lang, "颁证机构：", "Issuer: ") + HtmlEscape(c.issuer) + "；" +
           L(lang, "有效期：", "valid: ") + HtmlEscape(c.valid_from) + " — " +
           (c.valid_to.empty() ? L(lang, "长期有效", "no expiry") : HtmlEscape(c.valid_to));
    if (!c.status_reason.empty() && c.live != "active")
      out += "；" + L(lang, "原因：", "reason: ") + HtmlEscape(c.status_reason);
    out += "</small></li>";
  }
  out += "</ul></section>";
}

void BrandAndDates(std::string& out, const Verdict& v, Lang lang) {
  const Json& r = v.record();
  const Json& brand = Obj(r, "brand");
  if (!brand.empty()) {
    out += "<section><h2>" + L(lang, "品牌", "Brand") + "</h2><dl>";
    Row(out, L(lang, "品牌", "Brand"), Str(brand, "name"));
    Row(out, L(lang, "类别", "Scheme"), BrandScheme(lang, Str(brand, "scheme")));
    std::string level = BrandLevel(lang, Str(brand, "level"));
    if (int64_t year = Int(brand, "year")) level += " · " + std::to_string(year);
    Row(out, L(lang, "认定", "Recognised"), level);
    if (v.lot) Row(out, L(lang, "认定机构", "Recognised by"), v.lot->brand_recognised_by);
    out += "</dl></section>";
  }
  out += "<section><h2>" + L(lang, "日期", "Dates") + "</h2><dl>";
  Row(out, L(lang, "采收日期", "Harvested"), Str(r, "harvested"));
  Row(out, L(lang, "包装日期", "Packed"), Str(r, "packed"));
  std::string issued = Str(r, "issued_at");
  if (!issued.empty())
    Row(out, L(lang, "登记时间", "Registered"),
        ShanghaiTime(issued) + L(lang, "（北京时间）", " (Beijing time)"));
  out += "</dl></section>";
}

void InspectionSection(std::string& out, const Verdict& v, Lang lang) {
  const Json& list = Arr(v.record(), "inspections");
  if (list.empty()) return;
  out += "<section><h2>" + L(lang, "检测", "Inspections") + "</h2><ul>";
  for (const auto& i : list) {
    bool pass = Str(i, "result") == "pass";
    out += "<li>" + HtmlEscape(Str(i, "agency")) + "<br><small>" +
           L(lang, "报告编号：", "Report: ") + HtmlEscape(Str(i, "report")) + "</small> " +
           (pass ? "<span class=\"grn\">" + L(lang, "合格", "pass") + "</span>"
                 : "<span class=\"red\">" + L(lang, "不合格", "FAIL") + "</span>") +
           "</li>";
  }
  out += "</ul></section>";
}

void TraceSection(std::string& out, const Verdict& v, Lang lang) {
  if (!v.lot || v.lot->trace.empty()) return;
  const auto& trace = v.lot->trace;
  out += "<section><h2>" + L(lang, "追溯记录", "Trace") + "</h2><ol class=\"tl\">";
  size_t shown = std::min(trace.size(), kMaxTrace);
  for (size_t i = 0; i < shown; ++i) {
    const TraceStep& t = trace[i];
    bool recall = t.step == "recall";
    out += "<li><small>" + HtmlEscape(ShanghaiTime(t.at)) + "</small> <b" +
           (recall ? " class=\"red\"" : "") + ">" + HtmlEscape(StepName(lang, t.step)) + "</b>";
    std::string where = t.place_name.empty() ? t.place : t.place_name;
    if (!where.empty()) out += " · " + HtmlEscape(where);
    if (!t.actor.empty()) out += " · " + HtmlEscape(t.actor);
    if (!t.note.empty()) out += "<br>" + HtmlEscape(t.note);
    out += "</li>";
  }
  if (trace.size() > shown)
    out += "<li class=\"mut\">" +
           L(lang, "另有 " + std::to_string(trace.size() - shown) + " 条",
             std::to_string(trace.size() - shown) + " more") +
           "</li>";
  out += "</ol><p class=\"mut\">" + L(lang, "时间为北京时间", "Times are Beijing time") +
         "</p></section>";
}

void HouseholdSection(std::string& out, const Verdict& v, Lang lang) {
  const Json& list = Arr(v.record(), "households");
  if (list.empty()) return;
  int64_t total = 0, poor = 0;
  for (const auto& h : list) {
    int64_t g = Int(h, "grams");
    total += g;
    auto rp = h.find("registered_poor");
    if (rp != h.end() && rp->is_boolean() && rp->get<bool>()) poor += g;
  }
  out += "<section><h2>" + L(lang, "助农", "Farming households") + "</h2><p>" +
         L(lang, "脱贫户（原建档立卡贫困户）供货占比 ",
           "Share supplied by formerly registered poor households: ") +
         "<b>" + FormatPercent(poor, total) + "</b></p><ul>";
  size_t shown = std::min(list.size(), kMaxHouseholds);
  for (size_t i = 0; i < shown; ++i) {
    const Json& h = list[i];
    auto rp = h.find("registered_poor");
    bool is_poor = rp != h.end() && rp->is_boolean() && rp->get<bool>();
    out += "<li>" + HtmlEscape(Str(h, "id")) + " · " + FormatGrams(Int(h, "grams"), lang) +
           (is_poor ? " · " + L(lang, "脱贫户", "formerly registered poor") : "") + "</li>";
  }
  if (list.size() > shown)
    out += "<li class=\"mut\">" +
           L(lang, "另有 " + std::to_string(list.size() - shown) + " 户",
             std::to_string(list.size() - shown) + " more households") +
           "</li>";
  out += "</ul></section>";
}

void SignatureSection(std::string& out, const Verdict& v, Lang lang) {
  if (!v.lot) return;
  out += "<section><h2>" + L(lang, "数字签名", "Digital signature") + "</h2><p>";
  if (v.lot->signature_valid)
    out += "<span class=\"grn\">" + L(lang, "签名有效", "Signature valid") + "</span>";
  else
    out += "<span class=\"red\">" + L(lang, "签名无效", "Signature INVALID") + "</span>";
  out += "<br><small>" + L(lang, "登记机构 ", "Registry ") +
         HtmlEscape(Str(v.record(), "registry")) + L(lang, "，密钥 ", ", key ") +
         HtmlEscape(v.lot->kid) + " · Ed25519</small></p></section>";
}

}  // namespace

void ConsumerPageHead(std::string& out, Lang lang, const std::string& title) {
  Head(out, lang, title);
}

void ConsumerPageFooter(std::string& out, Lang lang) { Footer(out, lang); }

std::string FormatGrams(int64_t grams, Lang lang) {
  const bool zh = lang == Lang::kZh;
  if (grams < 1000 || grams % 10 != 0) return std::to_string(grams) + (zh ? " 克" : " g");
  std::string s = std::to_string(grams / 1000);
  int64_t frac = grams % 1000;
  if (frac) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03lld", static_cast<long long>(frac));
    std::string f = buf;
    while (!f.empty() && f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s + (zh ? " 千克" : " kg");
}

std::string FormatPercent(int64_t part, int64_t whole) {
  if (whole <= 0) return "—";
  // Tenths of a percent, rounded half up, in integers.
  int64_t tenths = (part * 1000 + whole / 2) / whole;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "%";
}

int ConsumerPageStatus(const Verdict& v) {
  if (v.status == VerifyStatus::kMistyped) return 400;
  if (v.status == VerifyStatus::kUnknown) return 404;
  return 200;
}

std::string RenderConsumerPage(const Verdict& v, Lang lang) {
  StatusMessage msg = MessageFor(v, lang);
  std::string out;
  out.reserve(12000);
  std::string product = Str(Obj(v.record(), "product"), "name");
  Head(out, lang, product.empty() ? msg.headline : product + " · " + msg.headline);

  out += "<section class=\"b ";
  out += BannerClass(v);
  out += "\" id=\"status\" data-status=\"";
  out += StatusName(v.status);
  out +=
      "\"><h1>" + HtmlEscape(msg.headline) + "</h1><p>" + HtmlEscape(msg.detail) + "</p></section>";
  if (std::string note = ScanNote(v, lang); !note.empty())
    out += "<p class=\"note\">" + HtmlEscape(note) + "</p>";
  if (std::string note = ReadOnlyNote(v, lang); !note.empty())
    out += "<p class=\"note\" id=\"read-only\">" + HtmlEscape(note) + "</p>";

  if (v.lot) {
    // The lot's parts as LotCache rendered them at load, or now for a lot it did not load.
    const int l = static_cast<int>(lang);
    LotPageParts parts;
    if (v.lot->rendered.page_head[l].empty()) parts = RenderLotPageParts(*v.lot, lang);
    out += parts.head.empty() ? v.lot->rendered.page_head[l] : parts.head;
    UnitRows(out, v, lang);
    out += parts.head.empty() ? v.lot->rendered.page_tail[l] : parts.tail;
    return out;
  } else {
    out += "<section><h2>" + L(lang, "重新输入编码", "Type the code again") + "</h2>";
    EntryForm(out, lang, v.display);
    out += "<p class=\"mut\">" +
           L(lang, "编码印在二维码下方，共 16 位（单品码）或 10 位（批次码），不区分大小写。",
             "The code is printed under the QR code: 16 characters (unit) or 10 (lot), any case.") +
           "</p></section>";
  }
  Footer(out, lang);
  return out;
}

LotPageParts RenderLotPageParts(const LotLookup& lot, Lang lang) {
  Verdict v;  // what the sections read of a lot, without a scan
  v.lot = std::shared_ptr<const LotLookup>(&lot, [](const LotLookup*) {});
  LotPageParts parts;
  ProductHead(parts.head, v, lang);
  std::string& out = parts.tail;
  out += "</dl></section>";
  ProducerSection(out, v, lang);
  CertSection(out, v, lang);
  BrandAndDates(out, v, lang);
  InspectionSection(out, v, lang);
  TraceSection(out, v, lang);
  HouseholdSection(out, v, lang);
  SignatureSection(out, v, lang);
  Footer(out, lang);
  return parts;
}

std::string RenderHomePage(Lang lang) {
  std::string out;
  Head(out, lang, L(lang, "农产品扫码验真", "Check a farm product"));
  out += "<section><h1>" + L(lang, "农产品扫码验真", "Check a farm product") + "</h1><p>" +
         L(lang, "输入标签二维码下方的编码，查看产品是否为正品、产地、认证和追溯信息。",
           "Type the code printed under the label's QR code to see whether the product is "
           "genuine, where it comes from, its certifications and its trace.") +
         "</p>";
  EntryForm(out, lang, "");
  out += "</section>";
  Footer(out, lang);
  return out;
}

}  // namespace agritrace::http
