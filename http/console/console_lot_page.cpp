// GET /console/lots/{CODE}: one lot as its organisation (and the bureau) sees it: the signed
// record and its signature check, the trace timeline with a form to add a step, a manager's
// recall, scans per day, codes that look copied, and links to the labels and the consumer page.
// POST …/steps and …/recall call the registry services the CLI and API call (lots.h), with the
// signed-in user as the event's actor.
#include <httplib.h>

#include "agritrace/registry/audit_reports.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/verify_lookup.h"
#include "http/console/console_context.h"
#include "http/console/console_look.h"
#include "http/console/console_lot_access.h"
#include "http/console/scan_day_chart.h"
#include "http/html_escape.h"

namespace agritrace::http {
namespace {

constexpr int kChartDays = 30;
constexpr size_t kCopiedShown = 50;
constexpr size_t kMaxNoteBytes = 1000;  // a step's note or a recall's reason, from a form

struct StepName {
  const char* step;
  const char* zh;
  const char* en;
};
// The steps a clerk may add (recall has its own form; amendment is a correction, CLI/API only).
constexpr StepName kSteps[] = {
    {"planting", "种植", "planting"},      {"input-use", "投入品使用", "input use"},
    {"harvesting", "采收", "harvesting"},  {"inspecting", "检测", "inspecting"},
    {"processing", "加工", "processing"},  {"packing", "包装", "packing"},
    {"storing", "仓储", "storing"},        {"shipping", "发运", "shipping"},
    {"receiving", "收货", "receiving"},    {"retail", "零售", "retail"},
};

std::string StepLabel(Lang lang, const std::string& step) {
  for (const auto& s : kSteps)
    if (step == s.step) return L(lang, s.zh, s.en);
  if (step == "recall") return L(lang, "召回", "recall");
  if (step == "amendment") return L(lang, "更正", "amendment");
  return step;
}

std::string CertTypeLabel(Lang lang, const std::string& type) {
  if (type == "green-food") return L(lang, "绿色食品", "green food");
  if (type == "organic") return L(lang, "有机产品", "organic");
  if (type == "geographic-indication") return L(lang, "农产品地理标志", "geographical indication");
  if (type == "pollution-free") return L(lang, "无公害农产品", "pollution-free");
  if (type == "sc-license") return L(lang, "食品生产许可（SC）", "SC food production licence");
  return type;
}

// Grams as kilograms with up to three decimals, exactly (no floating point).
std::string Kg(int64_t grams) {
  std::string out = std::to_string(grams / 1000);
  int64_t frac = grams % 1000;
  if (frac) {
    std::string f = std::to_string(1000 + frac).substr(1);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out + " kg";
}

std::string Str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// What a refused or half-filled form keeps: the typed values and the reason beside it.
struct FormState {
  std::string step_error, step, at, place, note;
  std::string recall_error, reason;
};

std::string Row(const std::string& dt, const std::string& dd_html) {
  return "<dt>" + dt + "</dt><dd>" + dd_html + "</dd>";
}

std::string RecordSection(Lang lang, const Lot& lot, bool signature_ok) {
  const Json& r = lot.record;
  std::string out = "<section id=\"record\"><h2>" + L(lang, "签名记录", "Signed record") + "</h2>";
  out += signature_ok
             ? "<p class=\"sig good\" data-signature=\"valid\">✓ " +
                   L(lang, "签名有效：记录与登记库签发时一字不差", "Signature valid: the record is "
                                                                   "exactly as the registry "
                                                                   "signed it") +
                   " <small>(kid " + HtmlEscape(lot.kid) + ")</small></p>"
             : "<p class=\"sig bad red\" data-signature=\"invalid\">✗ " +
                   L(lang, "签名无效：记录已被改动或密钥不符，请立即报告农业农村局",
                     "Signature invalid: the record was altered or the key does not match; "
                     "report it to the bureau now") +
                   "</p>";
  const Json& product = r["product"];
  const Json& producer = r["producer"];
  const Json& origin = r["origin"];
  out += "<dl>";
  out += Row(L(lang, "产品", "Product"),
             HtmlEscape(Str(product, "name")) + " <small>" + HtmlEscape(Str(product, "category")) +
                 (Str(product, "gtin").empty() ? "" : " · GTIN " + HtmlEscape(Str(product, "gtin"))) +
                 "</small>");
  out += Row(L(lang, "生产经营主体", "Producer"),
             HtmlEscape(Str(producer, "name")) + " <small>" +
                 HtmlEscape(Str(producer, "credit_code")) + "</small>");
  out += Row(L(lang, "产地", "Origin"), HtmlEscape(Str(origin, "full_name")) + " <small>" +
                                            HtmlEscape(Str(origin, "code")) + "</small>");
  out += Row(L(lang, "采收日期", "Harvested"), HtmlEscape(Str(r, "harvested")));
  out += Row(L(lang, "包装日期", "Packed"), HtmlEscape(Str(r, "packed")));
  out += Row(L(lang, "件数 × 净含量", "Units × net content"),
             std::to_string(r.value("units", int64_t{0})) + " × " +
                 Kg(r.value("net_content_g", int64_t{0})) + " = " +
                 Kg(r.value("total_g", int64_t{0})));
  std::string certs;
  for (const auto& c : r.value("certifications", Json::array()))
    certs += (certs.empty() ? "" : "<br>") + HtmlEscape(CertTypeLabel(lang, Str(c, "type"))) +
             " <code>" + HtmlEscape(Str(c, "number")) + "</code> <small>" +
             HtmlEscape(Str(c, "issuer")) + " · " + HtmlEscape(Str(c, "valid_from")) + " – " +
             HtmlEscape(Str(c, "valid_to")) + "</small>";
  out += Row(L(lang, "认证", "Certifications"), certs.empty() ? L(lang, "无", "none") : certs);
  if (r.contains("brand"))
    out += Row(L(lang, "品牌", "Brand"), HtmlEscape(Str(r["brand"], "name")));
  int64_t grams = 0, poor = 0, households = 0;
  for (const auto& h : r.value("households", Json::array())) {
    ++households;
    grams += h.value("grams", int64_t{0});
    if (h.value("registered_poor", false)) poor += h.value("grams", int64_t{0});
  }
  if (households)
    out += Row(L(lang, "供货农户", "Households"),
               std::to_string(households) + L(lang, " 户，共 ", " households, ") + Kg(grams) +
                   L(lang, "，其中脱贫户 ", ", of which registered-poor ") + Kg(poor));
  std::string inspections;
  for (const auto& i : r.value("inspections", Json::array()))
    inspections += (inspections.empty() ? "" : "<br>") + HtmlEscape(Str(i, "agency")) + " <code>" +
                   HtmlEscape(Str(i, "report")) + "</code> " +
                   (Str(i, "result") == "pass" ? L(lang, "合格", "pass")
                                               : "<span class=\"red\">" +
                                                     L(lang, "不合格", "fail") + "</span>");
  if (!inspections.empty()) out += Row(L(lang, "检测", "Inspections"), inspections);
  out += Row(L(lang, "签发时间", "Issued"),
             HtmlEscape(ShanghaiTime(Str(r, "issued_at"))) + L(lang, "（北京时间）", " (Beijing)"));
  out += "</dl><details><summary>" +
         L(lang, "签名的规范 JSON 与签名", "The signed canonical JSON and its signature") +
         "</summary><pre class=\"json\">" +
         HtmlEscape(lot.record_canonical) + "</pre><p><small>" +
         L(lang, "签名（Ed25519，base64url）：", "Signature (Ed25519, base64url): ") +
         "</small><code>" + HtmlEscape(lot.signature) +
         "</code></p></details></section>";
  return out;
}

std::string TraceSection(Lang lang, const Session& s, const std::string& code, const Lot& lot,
                         const FormState& form) {
  std::string out = "<section id=\"trace\"><h2>" + L(lang, "追溯环节", "Trace timeline") + "</h2>";
  const std::vector<TraceEvent>& trace = lot.trace;
  if (trace.empty()) {
    out += "<p class=\"mut\">" + L(lang, "还没有签发后的环节。", "No steps since issue yet.") +
           "</p>";
  } else {
    out += "<ol class=\"timeline\">";
    for (const TraceEvent& e : trace) {
      const std::string& step = e.step;
      out += "<li data-step=\"" + HtmlEscape(step) + "\"><b" +
             (step == "recall" ? " class=\"red\"" : "") + ">" +
             HtmlEscape(StepLabel(lang, step)) + "</b> <small>" + HtmlEscape(ShanghaiTime(e.at)) +
             "</small>";
      const std::string place = e.place.value_or(""), actor = e.actor.value_or(""),
                        note = e.note.value_or("");
      if (!place.empty()) out += " · " + HtmlEscape(place);
      if (!actor.empty()) out += " · <small>" + HtmlEscape(actor) + "</small>";
      if (!note.empty()) out += "<br>" + HtmlEscape(note);
      out += "</li>";
    }
    out += "</ol>";
  }
  out += "<h2>" + L(lang, "添加环节", "Add a step") + "</h2>" + form.step_error +
         "<form class=\"stack\" method=\"post\" action=\"/console/lots/" + code + "/steps" +
         LangSuffix(lang) + "\">" + CsrfInput(s) + "<label>" + L(lang, "环节", "Step") +
         "<select name=\"step\" required>";
  for (const auto& st : kSteps)
    out += "<option value=\"" + std::string(st.step) + "\"" +
           (form.step == st.step ? " selected" : "") + ">" + L(lang, st.zh, st.en) + "</option>";
  out += "</select></label><label>" +
         L(lang, "时间（北京时间，留空为现在）", "Time (Beijing; empty for now)") +
         "<input name=\"at\" type=\"datetime-local\" value=\"" + HtmlEscape(form.at) +
         "\"></label><label>" +
         L(lang, "地点（行政区划代码，可不填）", "Place (region code, optional)") +
         "<input name=\"place\" inputmode=\"numeric\" maxlength=\"12\" value=\"" +
         HtmlEscape(form.place) + "\"></label><label>" + L(lang, "说明", "Note") +
         "<input name=\"note\" maxlength=\"1000\" value=\"" + HtmlEscape(form.note) +
         "\"></label><button type=\"submit\">" + L(lang, "添加环节", "Add the step") +
         "</button></form></section>";
  return out;
}

std::string RecallSection(Lang lang, const Session& s, const std::string& code, bool recalled,
                          const FormState& form) {
  if (recalled || s.user.role != "manager") return "";
  return "<section id=\"recall\"><h2>" + L(lang, "召回本批次", "Recall this lot") +
         "</h2><p class=\"mut\">" +
         L(lang,
           "召回后消费者扫码会看到召回原因，本批次不能再发码和打印标签。召回不能撤销。",
           "After a recall consumers who scan see its reason, and the lot can no longer mint "
           "codes or print labels. A recall cannot be undone.") +
         "</p>" + form.recall_error + "<form class=\"stack\" method=\"post\" action=\"/console/lots/" +
         code + "/recall" + LangSuffix(lang) + "\">" + CsrfInput(s) + "<label>" +
         L(lang, "召回原因（消费者会看到）", "Reason (consumers see it)") +
         "<input name=\"reason\" required maxlength=\"1000\" value=\"" + HtmlEscape(form.reason) +
         "\"></label><label class=\"chk\"><input type=\"checkbox\" name=\"confirm\" "
         "value=\"yes\" required> " +
         L(lang, "我确认召回批次 ", "I confirm the recall of lot ") + code +
         "</label><button type=\"submit\" class=\"danger\">" + L(lang, "召回", "Recall") +
         "</button></form></section>";
}

std::string ScansSection(Store& store, Lang lang, const ConsoleContext& ctx,
                         const std::string& code) {
  const std::string first_day = AddDays(TodayShanghai(), -(kChartDays - 1));
  // As of the last fold (at most a second behind while serving): a burst must not slow the page.
  auto counts = ScansPerDayOfLot(store.db(), code, first_day, ScanTail::kSkip);
  int64_t total = 0;
  for (const auto& c : counts) total += c.count;
  std::string out = "<section id=\"scans\"><h2>" +
                    L(lang, "近 30 天每日扫码", "Scans per day, last 30 days") +
                    "</h2><p class=\"mut\">" + L(lang, "共 ", "") + std::to_string(total) +
                    L(lang, " 次（本批次的批次码和单品码；扫码每秒汇总一次）",
                      " scans in all (the lot code and its unit codes; scans are tallied every "
                      "second)") +
                    "</p>" + ScanDayChartSvg(counts, first_day, kChartDays, lang);

  const Report copied = CopiedCodeReport(store, code, ctx.thresholds.scans,
                                         ctx.thresholds.networks, 0, kCopiedShown, ScanTail::kSkip);
  out += "<h2 id=\"copied\">" + L(lang, "疑似被复制的追溯码", "Codes that look copied") +
         "</h2><p class=\"mut\">" +
         L(lang, "与消费者页面和稽查报表同一规则：扫码超过 ", "The consumer page's and audit's rule: "
                                                            "scanned more than ") +
         std::to_string(ctx.thresholds.scans) + L(lang, " 次或来自超过 ", " times or from more than ") +
         std::to_string(ctx.thresholds.networks) + L(lang, " 个网络。", " networks.") + "</p>";
  if (copied.rows.empty()) {
    out += "<p data-copied=\"0\">" + L(lang, "没有。", "None.") + "</p>";
  } else {
    const std::string h_code = L(lang, "追溯码", "Code"), h_scans = L(lang, "扫码次数", "Scans"),
                      h_nets = L(lang, "网络数", "Networks"),
                      h_first = L(lang, "首次（北京时间）", "First (Beijing)"),
                      h_last = L(lang, "最近（北京时间）", "Latest (Beijing)");
    out += "<div class=\"scroll\"><table class=\"cards\" data-copied=\"" +
           std::to_string(copied.total_rows) + "\"><thead><tr><th>" + h_code +
           "</th><th class=\"n\">" + h_scans + "</th><th class=\"n\">" + h_nets + "</th><th>" +
           h_first + "</th><th>" + h_last + "</th></tr></thead><tbody>";
    for (const auto& row : copied.rows) {
      auto td = [](const std::string& h, const std::string& html, bool n = false) {
        return "<td" + std::string(n ? " class=\"n\"" : "") + " data-h=\"" + HtmlEscape(h) +
               "\">" + html + "</td>";
      };
      out += "<tr>" + td(h_code, "<code>" + HtmlEscape(row["code"].get<std::string>()) + "</code>") +
             td(h_scans, row["scans"].dump(), true) + td(h_nets, row["networks"].dump(), true) +
             td(h_first, HtmlEscape(ShanghaiTime(row["first_scan"].get<std::string>()))) +
             td(h_last, HtmlEscape(ShanghaiTime(row["last_scan"].get<std::string>()))) + "</tr>";
    }
    out += "</tbody></table></div>";
    if (copied.total_rows > static_cast<int64_t>(kCopiedShown))
      out += "<p class=\"mut\">" + L(lang, "共 ", "") + std::to_string(copied.total_rows) +
             L(lang, " 个，只列出扫码最多的 50 个；完整清单见稽查报表。",
               " in all; only the 50 most scanned are listed. The audit report has them all.") +
             "</p>";
  }
  return out + "</section>";
}

// The whole page, read in one go from `store`; "" when the lot vanished (cannot: lots are never
// deleted, but the caller answers 404 rather than trust that).
std::string LotPage(Store& store, ConsoleContext& ctx, Lang lang, const Session& s,
                    const std::string& code, const FormState& form) {
  auto lot = GetLot(store, code);
  if (!lot.ok()) return "";
  auto key = PublicKeyOf(store, lot->kid);
  const bool signature_ok =
      key.ok() && VerifyRecordSignature(*key, lot->record_canonical, lot->signature);
  const bool recalled = lot->recalled;
  const Json& r = lot->record;
  std::string out = ConsoleHead(lang, L(lang, "批次 ", "Lot ") + code);
  out += ConsoleBar(lang, store.Meta("name"), s);
  out += "<section><p><a href=\"/console/" + LangSuffix(lang) + "\">← " +
         L(lang, "批次列表", "All lots") + "</a></p><h1>" + HtmlEscape(Str(r["product"], "name")) +
         " <code>" + code + "</code></h1>";
  if (recalled)
    out += "<p class=\"err\" data-recalled=\"true\">" +
           L(lang, "本批次已召回。", "This lot has been recalled.") + "</p>";
  out += "<p><a href=\"/console/lots/" + code + "/labels" + LangSuffix(lang) + "\">" +
         L(lang, "追溯码与标签（发码、打印）", "Codes and labels (mint, print)") +
         "</a> · <a href=\"/q/" + code + LangSuffix(lang) + "\">" +
         L(lang, "消费者看到的页面", "The consumer page") + "</a></p></section>";
  out += RecordSection(lang, *lot, signature_ok);
  out += TraceSection(lang, s, code, *lot, form);
  out += RecallSection(lang, s, code, recalled, form);
  out += ScansSection(store, lang, ctx, code);
  return out + ConsoleTail(lang, "/console/lots/" + code);
}

void Render(ConsoleContext& ctx, httplib::Response& res, Lang lang, const Session& s,
            const std::string& code, const FormState& form, int status) {
  std::string html =
      ctx.api.WithReportStore([&](Store& store) { return LotPage(store, ctx, lang, s, code, form); });
  if (html.empty()) status = 404;
  SetConsolePage(res, status, std::move(html), lang);
}

// The datetime-local field ("2026-12-02T10:30", Beijing time) as RFC 3339; a full RFC 3339 time
// or a bare date passes through to ParseTimestamp's checks; empty means now.
std::string StepTime(const std::string& typed) {
  if (typed.empty()) return NowUtc();
  if (typed.size() == 16 && typed[10] == 'T') return typed + ":00+08:00";
  if (typed.size() == 19 && typed[10] == 'T') return typed + "+08:00";
  return typed;
}

std::string Trimmed(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(ws) - b + 1);
}

void Redirect(httplib::Response& res, const std::string& to) {
  res.set_header("Cache-Control", "no-store");
  res.set_redirect(to, 303);
}

}  // namespace

void RegisterConsoleLotPage(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  svr.Get(kConsoleLotPath, [owner](const httplib::Request& req, httplib::Response& res) {
    ConsoleContext& ctx = *owner;
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    auto code = OpenConsoleLot(ctx, req, res, *s, req.matches[1]);
    if (!code) return;
    Render(ctx, res, ConsoleLang(req), *s, *code, {}, 200);
  });

  svr.Post(std::string(kConsoleLotPath) + "/steps",
           [owner](const httplib::Request& req, httplib::Response& res) {
             ConsoleContext& ctx = *owner;
             const Lang lang = ConsoleLang(req);
             auto opened = OpenConsoleLotForm(ctx, req, res);
             if (!opened) return;
             const Session& s = opened->session;
             const std::string& code = opened->code;
             FormState form;
             form.step = req.get_param_value("step");
             form.at = Trimmed(req.get_param_value("at"));
             form.place = Trimmed(req.get_param_value("place"));
             form.note = Trimmed(req.get_param_value("note"));
             Status refused = Status::Ok();
             bool known = false;
             for (const auto& st : kSteps) known = known || form.step == st.step;
             if (!known)
               refused = Status::Invalid("请从列表中选择环节（召回请用下面的召回表单）",
                                         "pick a step from the list (recalls have their own "
                                         "form below)");
             else if (form.note.size() > kMaxNoteBytes)
               refused = Status::Invalid("说明最多 1000 字节，请缩短",
                                         "the note is at most 1000 bytes; shorten it");
             if (refused.ok()) {
               auto r = ctx.api.WithStore([&](Store& store) {
                 return AddTraceEvent(store, code, form.step, StepTime(form.at), form.place,
                                      "user:" + s.user.username, form.note);
               });
               if (r.ok()) return Redirect(res, "/console/lots/" + code + LangSuffix(lang) + "#trace");
               refused = r.status();
             }
             form.step_error = ErrorBox(lang, refused.zh() + "。未添加任何环节。",
                                        refused.en() + ". No step was added.");
             Render(ctx, res, lang, s, code, form, 422);
           });

  svr.Post(std::string(kConsoleLotPath) + "/recall",
           [owner](const httplib::Request& req, httplib::Response& res) {
             ConsoleContext& ctx = *owner;
             const Lang lang = ConsoleLang(req);
             auto opened = OpenConsoleLotForm(ctx, req, res);
             if (!opened) return;
             const Session& s = opened->session;
             const std::string& code = opened->code;
             if (s.user.role != "manager")
               return RoleRefusedPage(
                   res, lang, "只有本主体的负责人可以召回批次；未做任何修改。",
                   "Only a manager of the organisation may recall a lot; nothing was changed.");
             FormState form;
             form.reason = Trimmed(req.get_param_value("reason"));
             Status refused = Status::Ok();
             if (req.get_param_value("confirm") != "yes")
               refused = Status::Invalid("请勾选「我确认召回」后再提交；批次尚未召回",
                                         "tick \"I confirm the recall\" and submit again; the "
                                         "lot has not been recalled");
             else if (form.reason.empty())
               refused = Status::Invalid("请写明召回原因，消费者扫码时会看到",
                                         "give the reason; consumers see it when they scan");
             else if (form.reason.size() > kMaxNoteBytes)
               refused = Status::Invalid("召回原因最多 1000 字节，请缩短",
                                         "the reason is at most 1000 bytes; shorten it");
             if (refused.ok()) {
               auto r = ctx.api.WithStore([&](Store& store) {
                 return RecallLot(store, code, form.reason, "user:" + s.user.username);
               });
               if (r.ok()) return Redirect(res, "/console/lots/" + code + LangSuffix(lang));
               refused = r.status();
             }
             form.recall_error = ErrorBox(lang, refused.zh(), refused.en());
             Render(ctx, res, lang, s, code, form, 422);
           });
}

}  // namespace agritrace::http
