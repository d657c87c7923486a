// Issue a lot in the console (issue 13): /console/lots/new. The form offers the organisation's
// products, the registered villages (narrowed by a search that needs no script), its active
// certificates covering the product and the brands it may use; households come as table rows,
// as lines pasted from a spreadsheet or as an uploaded CSV (registry/household_table.h). Every
// button posts the whole form back, so nothing typed is lost: "filter", "add rows", "remove",
// "preview" (the issue rules run, nothing is written, totals are shown) and "issue", which calls
// IssueLot, the service of `agritrace lot issue` and POST /api/v1/lots, with the user as the
// event's actor. A refusal is shown beside the field it concerns.
#include <httplib.h>

#include <algorithm>
#include <map>

#include "agritrace/registry/brands.h"
#include "agritrace/registry/cert_number.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/form_choices.h"
#include "agritrace/registry/household_table.h"
#include "agritrace/registry/issue_rules.h"
#include "agritrace/registry/products.h"
#include "http/console/console_context.h"
#include "http/console/console_form.h"
#include "http/console/console_look.h"
#include "http/consumer_page.h"
#include "http/html_escape.h"

namespace agritrace::http {
namespace {

using Req = const httplib::Request&;
using Res = httplib::Response&;

// Rows the table starts with and adds per "add rows"; the most it carries, so that the page
// stays within the console's 100 KB (a larger lot: agritrace lot issue --households-csv).
constexpr size_t kStartRows = 5, kAddRows = 5, kMaxRows = 100, kInspectionRows = 2;

struct HouseholdRow {
  std::string id, kg;
  bool poor = false;
  bool blank() const { return id.empty() && kg.empty() && !poor; }
};
struct InspectionRow {
  std::string agency, report, result = "pass";
  bool blank() const { return agency.empty() && report.empty(); }
};

// "120.5" from grams, the way a person types kilograms.
std::string Kg(int64_t grams) {
  std::string out = std::to_string(grams / 1000);
  if (int64_t g = grams % 1000) {
    std::string frac = std::to_string(1000 + g).substr(1);
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out;
}

// Everything the form holds, as typed, and each field's refusal.
struct LotForm {
  std::string product, origin, origin_q, harvested, packed, units, brand, paste;
  std::vector<std::string> certs;
  std::vector<HouseholdRow> households;
  std::vector<InspectionRow> inspections;
  Status top, e_product, e_origin, e_harvested, e_packed, e_units, e_certs, e_brand, e_households,
      e_paste, e_csv, e_inspections;
  std::optional<CheckedLot> preview;  // the rules passed: show the totals and the issue button

  static LotForm Blank(Req req) {
    LotForm f;
    f.origin_q = TrimField(req.get_param_value("q"));
    f.households.resize(kStartRows);
    f.inspections.resize(kInspectionRows);
    return f;
  }

  static LotForm FromRequest(Req req) {
    LotForm f;
    for (auto [field, name] : {std::pair{&f.product, "product_id"},
                               {&f.origin, "origin"},
                               {&f.origin_q, "origin_q"},
                               {&f.harvested, "harvested"},
                               {&f.packed, "packed"},
                               {&f.units, "units"},
                               {&f.brand, "brand_id"},
                               {&f.paste, "paste"}})
      *field = name == std::string("paste") ? FormValue(req, name) : TrimField(FormValue(req, name));
    f.certs = FormValues(req, "certs");
    const size_t rows =
        std::min<size_t>(ParseWhole(FormValue(req, "rows"), 4).value_or(0), kMaxRows);
    for (size_t i = 0; i < rows; ++i) {
      const std::string n = std::to_string(i);
      f.households.push_back({TrimField(FormValue(req, "hh_id_" + n)),
                              TrimField(FormValue(req, "hh_kg_" + n)),
                              !FormValue(req, "hh_poor_" + n).empty()});
    }
    for (size_t i = 0; i < kInspectionRows; ++i) {
      const std::string n = std::to_string(i);
      std::string result = FormValue(req, "in_result_" + n);
      f.inspections.push_back({TrimField(FormValue(req, "in_agency_" + n)),
                               TrimField(FormValue(req, "in_report_" + n)),
                               result == "fail" ? "fail" : "pass"});
    }
    return f;
  }

  bool refused() const {
    for (const Status* s : {&top, &e_product, &e_origin, &e_harvested, &e_packed, &e_units,
                            &e_certs, &e_brand, &e_households, &e_paste, &e_csv, &e_inspections})
      if (!s->ok()) return true;
    return false;
  }

  // Blank rows out, then room to type: at least kStartRows rows, two of them empty.
  void TidyRows() {
    std::erase_if(households, [](const HouseholdRow& r) { return r.blank(); });
    size_t want = std::max(kStartRows, households.size() + 2);
    households.resize(std::min(want, std::max(kMaxRows, households.size())));
  }

  // Households from a paste box or an uploaded file, added after the table's rows.
  void Merge(const std::string& text, Status* error, bool clear_paste) {
    if (TrimField(text).empty()) return;
    auto rows = ParseHouseholdTable(text);
    if (!rows.ok()) {
      *error = rows.status();
      return;
    }
    std::erase_if(households, [](const HouseholdRow& r) { return r.blank(); });
    if (households.size() + rows->size() > kMaxRows) {
      *error = Status::Invalid("表单最多填写 " + std::to_string(kMaxRows) +
                                   " 户；更多农户请用命令 agritrace lot issue "
                                   "--households-csv 发放",
                               "the form takes up to " + std::to_string(kMaxRows) +
                                   " households; issue a larger lot "
                                   "with agritrace lot issue --households-csv");
      return;
    }
    for (const auto& h : *rows) households.push_back({h.id, Kg(h.grams), h.registered_poor});
    if (clear_paste) paste.clear();
  }

  // The registry's input from what was typed; a field that cannot be read gets its refusal.
  LotInput Input() {
    LotInput lot;
    if (auto id = ParseWhole(product, 12))
      lot.product_id = *id;
    else
      e_product = Status::Invalid("请选择产品", "choose a product");
    lot.origin = origin;
    if (origin.empty()) e_origin = Status::Invalid("请选择产地村", "choose the village of origin");
    lot.harvested = harvested;
    lot.packed = packed;
    if (auto n = ParseWhole(units, 9))
      lot.units = *n;
    else
      e_units = Status::Invalid("件数请填正整数，例如 100",
                                "enter the units as a whole number, e.g. 100");
    lot.certs = certs;
    if (!brand.empty()) {
      if (auto id = ParseWhole(brand, 12))
        lot.brand_id = *id;
      else
        e_brand = Status::Invalid("请选择品牌", "choose a brand");
    }
    for (size_t i = 0; i < households.size(); ++i) {
      const HouseholdRow& r = households[i];
      if (r.blank()) continue;
      const std::string row = std::to_string(i + 1);
      auto grams = ParseKilograms(r.kg);
      if (r.id.empty() || !grams.ok()) {
        if (e_households.ok())
          e_households =
              Status::Invalid("第 " + row + " 行：请填户号和公斤数（最多 3 位小数，例如 120.5）",
                              "row " + row +
                                  ": enter the household id and kilograms (up to 3 decimals, e.g. "
                                  "120.5)");
        continue;
      }
      lot.households.push_back({r.id, *grams, r.poor});
    }
    for (size_t i = 0; i < inspections.size(); ++i) {
      const InspectionRow& r = inspections[i];
      if (r.blank()) continue;
      if (r.agency.empty() || r.report.empty()) {
        e_inspections =
            Status::Invalid("检测记录请同时填写检测机构和报告编号",
                            "an inspection needs both the agency and the report number");
        continue;
      }
      lot.inspections.push_back({r.agency, r.report, r.result});
    }
    return lot;
  }

  // Places a refusal of the issue rules beside the field it concerns (issue_rules.cpp's reasons).
  void Place(const Status& s) {
    const std::string& r = s.reason();
    auto starts = [&](const char* p) { return r.rfind(p, 0) == 0; };
    if (r == "product-unknown")
      e_product = s;
    else if (r == "region-unknown" || r == "gi-outside-area")
      e_origin = s;
    else if (r == "date-format")
      (ParseDate(harvested, "", "").ok() ? e_packed : e_harvested) = s;
    else if (r == "date-order")
      e_harvested = s;
    else if (r == "date-future")
      e_packed = s;
    else if (r == "units")
      e_units = s;
    else if (starts("household"))
      e_households = s;
    else if (starts("inspection"))
      e_inspections = s;
    else if (starts("cert-"))
      e_certs = s;
    else if (starts("brand-"))
      e_brand = s;
    else
      top = s;
  }
};

std::string Field(const std::string& label, const std::string& control, const Status& why,
                  Lang lang) {
  return "<label>" + label + control + FieldError(lang, why) + "</label>";
}

std::string TextInput(const std::string& name, const std::string& value, const Status& why,
                      const std::string& attrs = "") {
  return "<input name=\"" + name + "\" value=\"" + HtmlEscape(value) + "\"" + BadClass(why) +
         (attrs.empty() ? "" : " " + attrs) + ">";
}

std::string Option(const std::string& value, const std::string& text, bool selected) {
  return "<option value=\"" + HtmlEscape(value) + "\"" + (selected ? " selected" : "") + ">" +
         HtmlEscape(text) + "</option>";
}

std::string Button(const std::string& action, const std::string& text, bool secondary) {
  return "<button type=\"submit\" name=\"action\" value=\"" + action + "\"" +
         (secondary ? " class=\"sec\"" : "") + ">" + text + "</button>";
}

std::string CertLine(Lang lang, const CertificationChoice& c,
                     const std::map<int64_t, std::string>& names) {
  const CertType* type = FindCertType(c.type);
  std::string out = HtmlEscape(c.number);
  if (type) out += " · " + std::string(lang == Lang::kZh ? type->name_zh : type->name_en);
  out += " <small class=\"mut\">" + L(lang, "有效期至 ", "valid to ") +
         HtmlEscape(c.valid_to.value_or(L(lang, "长期", "open-ended")));
  if (c.annual_output_kg)
    out += L(lang, " · 年核定产量 ", " · certified ") + std::to_string(*c.annual_output_kg) +
           L(lang, " 公斤", " kg a year");
  std::string covered;
  for (int64_t p : c.products)
    if (auto it = names.find(p); it != names.end())
      covered += (covered.empty() ? "" : "、") + it->second;
  if (!covered.empty()) out += L(lang, " · 覆盖：", " · covers: ") + HtmlEscape(covered);
  return out + "</small>";
}

std::string PreviewBox(Lang lang, const CheckedLot& c, const LotInput& lot) {
  int64_t hh_g = 0, poor_g = 0, poor_n = 0;
  for (const auto& h : lot.households) {
    hh_g += h.grams;  // the rules held the sum under 10^12 g
    if (h.registered_poor) poor_g += h.grams, ++poor_n;
  }
  auto row = [&](const std::string& k, const std::string& v) {
    return "<dt>" + k + "</dt><dd>" + v + "</dd>";
  };
  std::string certs;
  for (const auto& x : c.certifications)
    certs += (certs.empty() ? "" : "、") + HtmlEscape(x["number"].get<std::string>());
  return "<section class=\"ok\" id=\"preview\" role=\"status\"><h2>" +
         L(lang, "预览：检查通过，尚未签名发放", "Preview: the rules pass; not signed yet") +
         "</h2><dl class=\"tot\">" +
         row(L(lang, "产品", "Product"), HtmlEscape(c.product["name"].get<std::string>())) +
         row(L(lang, "产地", "Origin"), HtmlEscape(c.origin["full_name"].get<std::string>())) +
         row(L(lang, "批次总重", "Lot total"),
             "<b id=\"total-kg\">" + Kg(c.total_g) + "</b> " + L(lang, "公斤", "kg") + " (" +
                 std::to_string(lot.units) + L(lang, " 件 × ", " units × ") +
                 std::to_string(c.net_content_g) + L(lang, " 克)", " g)")) +
         row(L(lang, "农户交售合计", "Households' total"),
             "<b id=\"households-kg\">" + Kg(hh_g) + "</b> " + L(lang, "公斤", "kg") +
                 L(lang, "，", ", ") + std::to_string(lot.households.size()) +
                 L(lang, " 户", " households")) +
         row(L(lang, "脱贫户占比", "Registered-poor share"),
             "<b id=\"poor-share\">" + FormatPercent(poor_g, hh_g) + "</b>" +
                 L(lang, "（按重量；", " (by weight; ") + std::to_string(poor_n) +
                 L(lang, " 户脱贫户）", " registered-poor households)")) +
         row(L(lang, "证书", "Certificates"), certs.empty() ? L(lang, "无", "none") : certs) +
         "</dl><p class=\"mut\">" +
         L(lang, "核对无误后点“签名发放”；发放后批次不能修改。",
           "Check, then press “Sign and issue”; an issued lot cannot be changed.") +
         "</p><div class=\"btns\">" +
         Button("issue", L(lang, "签名发放", "Sign and issue"), false) + "</div></section>";
}

std::string FormPage(Store& store, Lang lang, const Session& s, LotForm& f,
                     const LotInput* checked_input) {
  const int64_t org = s.user.org_id;
  const std::vector<ListedProduct> products = ListOrganisationProducts(store, org);
  std::map<int64_t, std::string> names;
  for (const ListedProduct& p : products) names[p.product.id] = p.product.name;
  if (f.product.empty() && !products.empty())
    f.product = std::to_string(products[0].product.id);
  const int64_t product_id = ParseWhole(f.product, 12).value_or(0);

  std::string out = ConsoleHead(lang, L(lang, "发放批次", "Issue a lot"));
  out += ConsoleBar(lang, store.Meta("name"), s);
  out += "<section><h1>" + L(lang, "发放批次（承诺达标合格证批次）", "Issue a lot") + "</h1>";
  if (!f.top.ok()) out += ErrorBox(lang, f.top.zh(), f.top.en());
  if (products.empty())
    out += "<p class=\"note\">" +
           L(lang, "本主体还没有产品：请先", "Your organisation has no products yet: first ") +
           "<a href=\"/console/products" + LangSuffix(lang) + "\">" +
           L(lang, "登记产品", "add a product") + "</a>。</p>";
  out +=
      "<form class=\"stack\" id=\"lot-form\" method=\"post\" enctype=\"multipart/form-data\" "
      "action=\"/console/lots/new" +
      LangSuffix(lang) + "\">" + CsrfInput(s) +
      // Enter in a field previews: the first submit button of a form is its default.
      "<button type=\"submit\" name=\"action\" value=\"preview\" tabindex=\"-1\" "
      "aria-hidden=\"true\" style=\"position:absolute;left:-9999px\">" +
      L(lang, "预览", "Preview") + "</button>";

  // Product.
  std::string options;
  for (const ListedProduct& listed : products) {
    const Product& p = listed.product;
    const std::string id = std::to_string(p.id);
    options += Option(id,
                      p.name + " · " + std::to_string(p.net_content_g) +
                          L(lang, " 克/件", " g a unit"),
                      id == f.product);
  }
  out += "<div class=\"grid\">" +
         Field(L(lang, "产品", "Product"),
               "<select name=\"product_id\"" + BadClass(f.e_product) + ">" + options + "</select>",
               f.e_product, lang) +
         Field(L(lang, "件数", "Units"),
               TextInput("units", f.units, f.e_units, "inputmode=\"numeric\" maxlength=\"9\""),
               f.e_units, lang) +
         Field(L(lang, "采收日期", "Harvested"),
               TextInput("harvested", f.harvested, f.e_harvested, "type=\"date\""), f.e_harvested,
               lang) +
         Field(L(lang, "包装日期", "Packed"),
               TextInput("packed", f.packed, f.e_packed,
                         "type=\"date\" max=\"" + TodayShanghai() + "\""),
               f.e_packed, lang) +
         "</div>";

  // Origin: a search box narrows the village list, by a button that posts the form back.
  const VillageChoices found = FindVillages(store, f.origin_q, kMaxVillageChoices);
  std::vector<VillageChoice> villages = found.villages;
  if (!f.origin.empty() &&
      std::none_of(villages.begin(), villages.end(),
                   [&](const VillageChoice& v) { return v.code == f.origin; })) {
    const VillageChoices kept = FindVillages(store, f.origin, 1);
    if (!kept.villages.empty() && kept.villages[0].code == f.origin)
      villages.insert(villages.begin(), kept.villages[0]);
  }
  std::string village_options = Option("", L(lang, "— 请选择 —", "— choose —"), f.origin.empty());
  for (const auto& v : villages)
    village_options += Option(
        v.code,
        v.full_name + " " + v.code +
            (v.poverty_registered ? L(lang, "（脱贫村）", " (formerly poor)") : ""),
        v.code == f.origin);
  out +=
      "<fieldset><legend>" + L(lang, "产地村", "Village of origin") +
      "</legend>"
      "<div class=\"grid\"><label>" +
      L(lang, "按村名、乡镇名或代码查找", "Search by village, township or code") +
      TextInput("origin_q", f.origin_q, Status::Ok(), "maxlength=\"40\" enterkeyhint=\"search\"") +
      "</label><div class=\"btns\" style=\"align-items:end\">" +
      Button("filter", L(lang, "查找", "Search"), true) + "</div></div>" +
      Field(found.more ? L(lang, "村（只列出前 200 个，请输入更具体的名称）",
                           "Village (the first 200; search to narrow)")
                       : L(lang, "村", "Village"),
            "<select name=\"origin\"" + BadClass(f.e_origin) + ">" + village_options + "</select>",
            f.e_origin, lang);
  if (villages.empty())
    out += "<p class=\"mut\">" +
           L(lang, "没有找到登记的村；换个名称查找，或请农业农村局登记该村。",
             "No registered village matches; try another name, or ask the bureau to register it.") +
           "</p>";
  out += "</fieldset>";

  // Certificates: the organisation's active ones covering the chosen product.
  const std::vector<CertificationChoice> certs = ActiveCertificationsFor(store, org, product_id);
  std::string boxes;
  std::vector<std::string> shown;
  for (const auto& c : certs) {
    const std::string& number = c.number;
    shown.push_back(number);
    const bool on = std::find(f.certs.begin(), f.certs.end(), number) != f.certs.end();
    boxes += "<label class=\"chk\"><input type=\"checkbox\" name=\"certs\" value=\"" +
             HtmlEscape(number) + "\"" + (on ? " checked" : "") + "><span>" +
             CertLine(lang, c, names) + "</span></label>";
  }
  for (const auto& number : f.certs)  // sent, but no longer offered: kept, for the rules to judge
    if (std::find(shown.begin(), shown.end(), number) == shown.end())
      boxes += "<label class=\"chk\"><input type=\"checkbox\" name=\"certs\" value=\"" +
               HtmlEscape(number) + "\" checked><span>" + HtmlEscape(number) + "</span></label>";
  out += "<fieldset" + BadClass(f.e_certs) + " id=\"certs\"><legend>" +
         L(lang, "适用证书（本主体有效、覆盖该产品的）",
           "Certificates (your active ones covering the product)") +
         "</legend>" +
         (boxes.empty() ? "<p class=\"mut\">" +
                              L(lang, "没有覆盖该产品的有效证书。",
                                "No active certificate covers this product.") +
                              "</p>"
                        : boxes) +
         "<small class=\"mut\">" +
         L(lang, "换了产品请点“预览”刷新证书和品牌列表。",
           "After changing the product, press Preview to refresh the certificates and brands.") +
         "</small>" + FieldError(lang, f.e_certs) + "</fieldset>";

  // Brand.
  std::string brand_options = Option("", L(lang, "无", "none"), f.brand.empty());
  for (const Brand& b : BrandsForOrganisation(store, org)) {
    const std::vector<int64_t>& listed = b.products;
    if (!listed.empty() && std::find(listed.begin(), listed.end(), product_id) == listed.end())
      continue;
    const std::string id = std::to_string(b.id);
    brand_options += Option(id, b.name, id == f.brand);
  }
  out +=
      Field(L(lang, "品牌（一村一品等，可不选）", "Brand (optional)"),
            "<select name=\"brand_id\"" + BadClass(f.e_brand) + ">" + brand_options + "</select>",
            f.e_brand, lang);

  // Households: rows, a paste box, a CSV file.
  const std::string h_id = L(lang, "户号", "Household id"), h_kg = L(lang, "公斤", "kg"),
                    h_poor = L(lang, "脱贫户", "Registered poor"), h_rm = L(lang, "移除", "Remove");
  out += "<fieldset id=\"households\"" + BadClass(f.e_households) + "><legend>" +
         L(lang, "交售农户（户号用合作社内部编号，不填身份证号）",
           "Contributing households (the cooperative's own ids, never identity numbers)") +
         "</legend>" + FieldError(lang, f.e_households) +
         "<input type=\"hidden\" name=\"rows\" value=\"" + std::to_string(f.households.size()) +
         "\"><div class=\"scroll\"><table class=\"cards\"><thead><tr><th>#</th><th>" + h_id +
         "</th><th>" + h_kg + "</th><th>" + h_poor + "</th><th>" + h_rm +
         "</th></tr></thead><tbody>";
  for (size_t i = 0; i < f.households.size(); ++i) {
    const std::string n = std::to_string(i);
    const HouseholdRow& r = f.households[i];
    out += "<tr><td data-h=\"#\">" + std::to_string(i + 1) + "</td><td data-h=\"" + h_id + "\">" +
           TextInput("hh_id_" + n, r.id, Status::Ok(),
                     "maxlength=\"64\" aria-label=\"" + h_id + "\"") +
           "</td><td data-h=\"" + h_kg + "\">" +
           TextInput("hh_kg_" + n, r.kg, Status::Ok(),
                     "inputmode=\"decimal\" maxlength=\"13\" aria-label=\"" + h_kg + "\"") +
           "</td><td data-h=\"" + h_poor + "\"><input type=\"checkbox\" name=\"hh_poor_" + n +
           "\" value=\"1\" style=\"width:auto\" aria-label=\"" + h_poor + "\"" +
           (r.poor ? " checked" : "") + "></td><td data-h=\"" + h_rm +
           "\"><button type=\"submit\" class=\"sec\" name=\"remove\" value=\"" + n +
           "\">×</button></td></tr>";
  }
  out +=
      "</tbody></table></div><div class=\"btns\">" +
      Button("add_rows", L(lang, "再加 5 行", "Add 5 rows"), true) + "</div>" +
      Field(L(lang, "或从表格粘贴：每行 户号、公斤、脱贫户（是/否），可带标题行",
              "Or paste from a spreadsheet: one line per household, id, kg, registered poor "
              "(yes/no); a header line is fine"),
            "<textarea name=\"paste\" rows=\"4\"" + BadClass(f.e_paste) +
                " placeholder=\"H-0001&#9;120.5&#9;是\">" + HtmlEscape(f.paste) + "</textarea>",
            f.e_paste, lang) +
      Field(
          L(lang, "或上传 CSV 文件（户号,公斤,脱贫户；UTF-8）",
            "Or upload a CSV file (id,kg,poor; UTF-8)"),
          "<input type=\"file\" name=\"households_csv\" accept=\".csv,.txt,text/csv,text/plain\"" +
              BadClass(f.e_csv) + ">",
          f.e_csv, lang) +
      "</fieldset>";

  // Inspections.
  out += "<fieldset id=\"inspections\"" + BadClass(f.e_inspections) + "><legend>" +
         L(lang, "检测（可不填）", "Inspections (optional)") + "</legend>" +
         FieldError(lang, f.e_inspections);
  for (size_t i = 0; i < f.inspections.size(); ++i) {
    const std::string n = std::to_string(i);
    const InspectionRow& r = f.inspections[i];
    out += "<div class=\"grid\">" +
           Field(L(lang, "检测机构", "Agency"),
                 TextInput("in_agency_" + n, r.agency, Status::Ok(), "maxlength=\"100\""),
                 Status::Ok(), lang) +
           Field(L(lang, "报告编号", "Report number"),
                 TextInput("in_report_" + n, r.report, Status::Ok(), "maxlength=\"64\""),
                 Status::Ok(), lang) +
           Field(L(lang, "结论", "Result"),
                 "<select name=\"in_result_" + n + "\">" +
                     Option("pass", L(lang, "合格", "pass"), r.result == "pass") +
                     Option("fail", L(lang, "不合格", "fail"), r.result == "fail") + "</select>",
                 Status::Ok(), lang) +
           "</div>";
  }
  out += "</fieldset>";

  if (f.preview && checked_input) out += PreviewBox(lang, *f.preview, *checked_input);
  out +=
      "<div class=\"btns\">" +
      Button("preview", L(lang, "预览（核对总重与脱贫户占比）", "Preview (totals and poor share)"),
             f.preview.has_value()) +
      "</div></form></section>";
  return out + ConsoleTail(lang, "/console/lots/new");
}

// The signed-in clerk or manager; bureau staff read lots but do not issue them.
std::optional<Session> Issuer(ConsoleContext& ctx, Req req, Res res, bool changing) {
  return RequireOrganisationSession(
      ctx, req, res, changing, "只有合作社的文员和负责人可以为本主体发放批次；未做任何修改。",
      "Only a cooperative's clerks and managers issue its lots; nothing was changed.");
}

}  // namespace

void RegisterConsoleLotForm(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  svr.Get("/console/lots/new", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = Issuer(ctx, req, res, false);
    if (!s) return;
    LotForm f = LotForm::Blank(req);
    ctx.api.WithReportStore([&](Store& store) {
      SetConsolePage(res, 200, FormPage(store, lang, *s, f, nullptr), lang);
    });
  });

  svr.Post("/console/lots/new", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = Issuer(ctx, req, res, true);
    if (!s) return;
    LotForm f = LotForm::FromRequest(req);
    const std::string action = FormValue(req, "action");
    const std::string remove = FormValue(req, "remove");

    // Buttons that only reshape the form: nothing is checked, nothing written.
    if (!remove.empty() || action == "add_rows" || action == "filter") {
      if (auto i = ParseWhole(remove, 4); i && *i < static_cast<int64_t>(f.households.size()))
        f.households.erase(f.households.begin() + *i);
      if (action == "add_rows")
        f.households.resize(std::min(f.households.size() + kAddRows, kMaxRows));
      if (f.households.empty()) f.households.resize(kStartRows);
      return ctx.api.WithReportStore([&](Store& store) {
        SetConsolePage(res, 200, FormPage(store, lang, *s, f, nullptr), lang);
      });
    }

    // Preview and issue: pasted lines and the file join the table, then the rules run.
    f.Merge(f.paste, &f.e_paste, true);
    if (req.has_file("households_csv"))
      f.Merge(req.get_file_value("households_csv").content, &f.e_csv, false);
    f.TidyRows();  // before reading, so that the row numbers of refusals are the ones shown
    LotInput lot = f.Input();
    ctx.api.WithStore([&](Store& store) {
      auto product = GetProduct(store, lot.product_id);
      if (product.ok() && product->org_id != s->user.org_id)
        return RefusalPage(res, lang, store.Meta("name"), *s, 403,
                           "产品 #" + f.product + " 不属于本主体，不能为它发放批次；未做任何修改。",
                           "Product #" + f.product +
                               " is not your organisation's; no lot was "
                               "issued for it and nothing was changed.");
      if (!f.refused()) {
        if (action == "issue") {
          auto r = IssueLot(store, lot, ConsoleActor(*s));
          if (r.ok())
            return res.set_redirect("/console/lots/" + r->code + LangSuffix(lang), 303);
          f.Place(r.status());
        } else {
          // The issue rules themselves, read-only: a preview writes nothing, not even a refusal.
          auto checked = CheckIssueRules(store, lot);
          if (checked.ok())
            f.preview = std::move(*checked);
          else
            f.Place(checked.status());
        }
      }
      SetConsolePage(res, f.refused() ? 422 : 200, FormPage(store, lang, *s, f, &lot), lang);
    });
  });
}

}  // namespace agritrace::http
