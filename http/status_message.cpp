#include "http/status_message.h"

#include "agritrace/registry/cert_number.h"
#include "agritrace/registry/dates.h"

namespace agritrace::http {
namespace {

std::string CertName(const CertificationStatus& c, Lang lang) {
  const CertType* t = FindCertType(c.type);
  if (!t) return c.type;
  return std::string(lang == Lang::kZh ? t->name_zh : t->name_en);
}

std::string Beijing(const std::string& utc) { return ShanghaiTime(utc); }

}  // namespace

StatusMessage MessageFor(const Verdict& v, Lang lang) {
  const bool zh = lang == Lang::kZh;
  const std::string n = std::to_string(v.tally.count);
  // Formatted only for the messages that show it.
  const bool shows_first =
      v.status == VerifyStatus::kScanned || v.status == VerifyStatus::kSuspicious;
  const std::string first = shows_first ? Beijing(v.tally.first_at) : "";
  switch (v.status) {
    case VerifyStatus::kGenuine:
      if (v.kind == ScannedKind::kLot)
        return zh ? StatusMessage{"正品批次 · 批次码验证通过",
                                  "这是批次码（一批一码），本批次已被查询 " + n +
                                      " 次；批次码的查询次数不作为假冒依据。"}
                  : StatusMessage{"Genuine lot · lot code verified",
                                  "This is a lot code (one code per lot), checked " + n +
                                      " times; checks of a lot code are no sign of copying."};
      return zh ? StatusMessage{"正品 · 首次查询",
                                "此码为首次查询。以下信息经登记机构数字签名，未被篡改。"}
                : StatusMessage{"Genuine · first check",
                                "This is the first check of this code. The record below is "
                                "signed by the registry and unaltered."};
    case VerifyStatus::kScanned:
      return zh ? StatusMessage{"已被查询 " + n + " 次，首次查询时间 " + first +
                                    "（北京时间），如非本人查询请谨防假冒",
                                "此码在登记库中。若这是您第一次扫码，您的商品可能使用了复制的标签"
                                "。"}
                : StatusMessage{"Checked " + n + " times, first on " + first +
                                    " (Beijing time). If that was not you, beware of "
                                    "counterfeits.",
                                "The code is registered. If this is your first check, the label "
                                "on your product may be a copy."};
    case VerifyStatus::kSuspicious: {
      bool by_count = v.tally.count > v.thresholds.scans;
      std::string nets = std::to_string(v.tally.distinct_nets);
      std::string headline =
          zh ? (by_count ? "警告：疑似假冒！此码已被查询 " + n + " 次"
                         : "警告：疑似假冒！此码已在 " + nets + " 个不同网络被查询")
             : (by_count ? "Warning: likely counterfeit! This code has been checked " + n + " times"
                         : "Warning: likely counterfeit! This code has been checked from " + nets +
                               " different networks");
      std::string n_max = std::to_string(v.thresholds.scans);
      std::string k_max = std::to_string(v.thresholds.networks);
      std::string detail =
          zh ? "首次查询时间 " + first + "（北京时间）。正品标签只会被少数人查询，" +
                   (by_count ? "此码的查询次数超过了 " + n_max + " 次"
                             : "此码已在超过 " + k_max + " 个不同网络被查询") +
                   "，您的商品很可能使用了复制的标签，谨防假冒。"
             : "First checked on " + first +
                   " (Beijing time). A genuine label is checked by "
                   "few people; this code " +
                   (by_count ? "has been checked more than " + n_max + " times"
                             : "has been checked from more than " + k_max + " networks") +
                   ", so the label on your product is most likely a copy.";
      return {headline, detail};
    }
    case VerifyStatus::kUnknown: {
      std::string extra = zh ? v.reason_zh : v.reason_en;
      return zh ? StatusMessage{"未查询到此码，谨防假冒",
                                (extra.empty() ? "" : extra + "。") + "登记库中没有编码 " +
                                    v.display +
                                    "。请核对标签上的编码；若编码无误，此商品可能是假冒的。"}
                : StatusMessage{"Code not found — beware of counterfeits",
                                (extra.empty() ? "" : extra + ". ") + "The registry has no code " +
                                    v.display +
                                    ". Check the code on the label; if it is right, "
                                    "the product may be counterfeit."};
    }
    case VerifyStatus::kMistyped:
      return zh ? StatusMessage{"请核对编码", v.reason_zh + "。请对照标签重新输入。"}
                : StatusMessage{"Please check the code",
                                v.reason_en + ". Please type it again from the label."};
    case VerifyStatus::kRecalled: {
      const LotLookup& lot = *v.lot;
      std::string when = Beijing(lot.recalled_at);
      return zh ? StatusMessage{"此批次已召回，请勿食用",
                                "召回时间 " + when + "（北京时间）。原因：" + lot.recall_reason +
                                    "。请停止食用，并联系购买处退货。"}
                : StatusMessage{"This lot has been RECALLED — do not eat it",
                                "Recalled on " + when +
                                    " (Beijing time). Reason: " + lot.recall_reason +
                                    ". Stop using it and return it to the seller."};
    }
    case VerifyStatus::kSignatureInvalid:
      return zh ? StatusMessage{"记录签名无效，谨防假冒",
                                "此码的登记记录与登记机构的数字签名不符，信息可能被篡改，请勿轻信"
                                "。"}
                : StatusMessage{"Record signature INVALID — beware",
                                "This code's record does not match the registry's digital "
                                "signature; it may have been altered. Do not rely on it."};
    case VerifyStatus::kRevoked:
    case VerifyStatus::kSuspended:
    case VerifyStatus::kExpired: {
      const CertificationStatus& c = v.lot->certifications.at(v.problem_cert);
      std::string what = CertName(c, lang) + (zh ? "证书 " : " certificate ") + c.number;
      std::string why = c.status_reason.empty() ? ""
                                                : (zh ? "原因：" + c.status_reason + "。"
                                                      : " Reason: " + c.status_reason + ".");
      if (v.status == VerifyStatus::kRevoked)
        return zh ? StatusMessage{"认证证书已撤销", "本批次使用的" + what + "已被撤销。" + why +
                                                        "该产品不能再使用此认证标志。"}
                  : StatusMessage{"Certificate REVOKED",
                                  "The " + what + " of this lot has been revoked." + why +
                                      " The product may no longer carry this certification."};
      if (v.status == VerifyStatus::kSuspended)
        return zh ? StatusMessage{"认证证书已暂停", "本批次使用的" + what + "已被暂停。" + why}
                  : StatusMessage{"Certificate SUSPENDED",
                                  "The " + what + " of this lot is suspended." + why};
      return zh ? StatusMessage{"认证证书已过期",
                                "本批次使用的" + what + "有效期至 " + c.valid_to + "，已过期。"}
                : StatusMessage{"Certificate EXPIRED", "The " + what +
                                                           " of this lot was valid until " +
                                                           c.valid_to + " and has expired."};
    }
  }
  return {};
}

std::string ScanNote(const Verdict& v, Lang lang) {
  if (v.kind != ScannedKind::kUnit || !v.lot || v.tally.count <= 0) return "";
  switch (v.status) {
    case VerifyStatus::kGenuine:
    case VerifyStatus::kScanned:
    case VerifyStatus::kSuspicious:
      return "";  // the banner already says it
    default:
      break;
  }
  std::string n = std::to_string(v.tally.count), first = ShanghaiTime(v.tally.first_at);
  return lang == Lang::kZh
             ? "此码已被查询 " + n + " 次，首次查询时间 " + first + "（北京时间）。"
             : "This code has been checked " + n + " times, first on " + first + " (Beijing time).";
}

std::string ReadOnlyNote(const Verdict& v, Lang lang) {
  if (!v.read_only) return "";
  return lang == Lang::kZh ? "只读副本：本次查询未记录，查询次数为登记库已存的次数。"
                           : "Read-only copy: this scan was not recorded; the counts shown are "
                             "those the registry had stored.";
}

}  // namespace agritrace::http
