#include "http/hgz_page.h"

#include "agritrace/labeler/code_url.h"
#include "agritrace/registry/crockford.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/hgz.h"
#include "http/consumer_page.h"
#include "http/html_escape.h"
#include "http/http_response.h"

namespace agritrace::http {
namespace {

std::string L(Lang lang, std::string_view zh, std::string_view en) {
  return std::string(lang == Lang::kZh ? zh : en);
}

// The lot's provenance as its consumer page shows it; null when it cannot be read (the
// certificate page still stands on its own signed record).
std::optional<LotLookup> ReadLot(ReaderPool& pool, const std::string& code) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return std::nullopt;
  try {
    auto lot = lease->lookup().ByLotCode(code, TodayShanghai());
    if (!lot.ok()) return std::nullopt;
    return std::move(lot).value();
  } catch (const sql::Error&) {
    lease->Discard();
    return std::nullopt;
  }
}

}  // namespace

std::string RenderHgzPage(const Hgz& hgz, const LotLookup* lot, Lang lang) {
  const Json& r = hgz.record;
  const bool valid = hgz.signature_valid, recalled = hgz.lot_recalled;
  const std::string lot_code = r.value("lot", "");
  std::string out;
  out.reserve(16000);
  ConsumerPageHead(out, lang,
                   std::string(kHgzTitle) + " · " + r["product"].value("name", std::string()));
  // One banner first, as on the consumer page: whether this certificate still stands.
  const char* cls = !valid || recalled ? "bad" : "ok";
  std::string headline, detail;
  if (!valid) {
    headline = L(lang, "签名无效：合格证内容可能被篡改", "Signature INVALID: the certificate may be altered");
    detail = L(lang, "请勿相信此合格证，并告知销售者或当地农业农村部门。",
               "Do not rely on it; tell the seller or the local agriculture bureau.");
  } else if (recalled) {
    headline = L(lang, "该批次已召回", "This lot has been RECALLED");
    detail = L(lang, "请勿食用，详见下方追溯记录。", "Do not eat it; see the trace below.");
  } else {
    headline = L(lang, "合格证已登记，签名有效", "Certificate registered, signature valid");
    detail = L(lang, "以下为开具者承诺的内容，与纸质合格证一致。",
               "Below is what the issuer committed to, as on the paper certificate.");
  }
  out += "<section class=\"b " + std::string(cls) + "\" id=\"status\" data-status=\"" +
         (!valid ? "signature-invalid" : recalled ? "recalled" : "valid") + "\"><h1>" +
         HtmlEscape(headline) + "</h1><p>" + HtmlEscape(detail) + "</p></section>";

  // The certificate as the paper reads.
  out += "<section class=\"hgz\" id=\"hgz\"><h1>" + std::string(kHgzTitle) + "</h1><dl>";
  std::string commitment;
  for (const HgzField& f : HgzFields(r)) {
    const std::string& value = lang == Lang::kZh ? f.value_zh : f.value_en;
    if (f.en == "Commitment") {
      commitment = f.value_zh;  // the legal text is Chinese; it is shown as signed
      continue;
    }
    if (f.en == "Lot") {
      out += "<dt>" + L(lang, f.zh, f.en) + "</dt><dd><a href=\"/q/" + HtmlEscape(lot_code) +
             (lang == Lang::kEn ? "?lang=en" : "") + "\">" + HtmlEscape(value) + "</a></dd>";
      continue;
    }
    out += "<dt>" + L(lang, f.zh, f.en) + "</dt><dd>" + HtmlEscape(value) + "</dd>";
  }
  out += "</dl><blockquote id=\"commitment\"><b>" +
         L(lang, "我承诺：", "I commit (as signed, in Chinese): ") + "</b>" +
         HtmlEscape(commitment) + "</blockquote>";
  out += "<p><small>" + L(lang, "数字签名 ", "Digital signature ") +
         (valid ? "<span class=\"grn\">" + L(lang, "有效", "valid") + "</span>"
                : "<span class=\"red\">" + L(lang, "无效", "INVALID") + "</span>") +
         " · " + L(lang, "登记机构 ", "registry ") + HtmlEscape(r.value("registry", "")) +
         L(lang, "，密钥 ", ", key ") + HtmlEscape(hgz.kid) +
         " · Ed25519</small></p></section>";

  // Then where the produce comes from: the lot's own consumer sections.
  out += "<p class=\"mut\" id=\"provenance\">" +
         L(lang, "以下为该批次的溯源信息：", "Where this lot comes from:") + "</p>";
  if (lot) {
    LotPageParts parts = RenderLotPageParts(*lot, lang);
    out += parts.head;
    out += "<dt>" + L(lang, "本批数量", "Units in lot") + "</dt><dd>" +
           std::to_string(lot->record.value("units", int64_t{0})) + "</dd>";
    out += parts.tail;  // closes the page
  } else {
    out += "<section><p>" + L(lang, "暂时无法读取批次信息，请稍后再试。",
                              "The lot's details cannot be read just now; try again later.") +
           "</p></section>";
    ConsumerPageFooter(out, lang);
  }
  return out;
}

std::string RenderHgzMissingPage(const std::string& number, bool typo, Lang lang) {
  std::string out;
  ConsumerPageHead(out, lang, L(lang, "找不到合格证", "Certificate not found"));
  out += "<section class=\"b " + std::string(typo ? "warn" : "bad") + "\" id=\"status\" "
         "data-status=\"" + (typo ? "mistyped" : "unknown") + "\"><h1>" +
         (typo ? L(lang, "合格证编号有误", "Certificate number mistyped")
               : L(lang, "找不到这张合格证：谨防假冒", "No such certificate: beware of fakes")) +
         "</h1><p>" +
         (typo ? L(lang, "编号为 H 加 10 位字母数字，请对照纸质合格证重新输入：",
                   "A number is H and 10 letters or digits; check it against the paper: ")
               : L(lang, "登记库中没有编号为此的承诺达标合格证：",
                   "The registry holds no certificate with this number: ")) +
         HtmlEscape(number) + "</p></section>";
  ConsumerPageFooter(out, lang);
  return out;
}

Json HgzAnswer(const Hgz& hgz) {
  const std::string lot = hgz.record.value("lot", "");
  Json out = hgz;
  out["title"] = std::string(kHgzTitle);
  out["lot"] = {{"code", lot}, {"page", "/q/" + lot}, {"verify", "/api/v1/verify/" + lot}};
  return out;
}

void RegisterHgzRoutes(httplib::Server& svr, ApiContext& api, ReaderPool& pool) {
  auto find = [&api](const std::string& typed) -> Result<Hgz> {
    auto number = NormalizeHgzNumber(typed);
    if (!number.ok()) return number.status();
    return api.WithReportStore([&](Store& store) { return GetHgz(store, *number); });
  };
  svr.Get(R"(/[hH]/([^/]+))", [find, &pool](const httplib::Request& req, httplib::Response& res) {
    const Lang lang =
        ChooseLanguage(req.get_param_value("lang"), req.get_header_value("Accept-Language"));
    const std::string typed = req.matches[1];
    auto hgz = find(typed);
    if (!hgz.ok()) {
      if (hgz.status().code() == StatusCode::kInvalid || hgz.status().code() == StatusCode::kNotFound) {
        const bool typo = hgz.status().code() == StatusCode::kInvalid;
        return SetPage(res, typo ? 400 : 404, RenderHgzMissingPage(typed, typo, lang), lang);
      }
      return SetStatusProblem(res, hgz.status(), req.path);
    }
    auto lot = ReadLot(pool, hgz->record.value("lot", ""));
    SetPage(res, 200, RenderHgzPage(*hgz, lot ? &*lot : nullptr, lang), lang);
  });
  svr.Get(R"(/api/v1/hgz/([^/]+))", [find](const httplib::Request& req, httplib::Response& res) {
    auto hgz = find(req.matches[1]);
    if (!hgz.ok()) return SetStatusProblem(res, hgz.status(), req.path);
    SetJson(res, HgzAnswer(*hgz));
  });
}

}  // namespace agritrace::http
