#include "agritrace/labeler/code_parser.h"

#include <vector>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/lot_code.h"
#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/crockford.h"
#include "labeler/utf8.h"

namespace agritrace::labeler {
namespace {

// Chinese input methods type full-width forms (０１２Ａ－) and ideographic spaces; scanners
// in keyboard mode may add CR/LF. Fold all of that to ASCII before anything else.
std::string FoldWidthAndTrim(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (size_t pos = 0; pos < input.size();) {
    char32_t cp = NextCodePoint(input, &pos);
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;
    if (cp == 0x3000) cp = ' ';
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212) cp = '-';
    AppendUtf8(cp, &out);
  }
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t b = 0, e = out.size();
  while (b < e && is_space(out[b])) ++b;
  while (e > b && is_space(out[e - 1])) --e;
  return out.substr(b, e - b);
}

std::string PercentDecode(std::string_view s) {
  const auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

Status Refuse(std::string_view reason, std::string zh, std::string en) {
  Status s = Status::Invalid(std::move(zh), std::move(en));
  s.with_reason(std::string(reason));
  return s;
}

std::string Ordinal(size_t n) {
  const char* suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

enum class Expect { kUnitOrLot, kUnit, kLot };

// Validates one candidate code in the order a person can act on: a character that cannot be in
// any code, then the length, then the check character (a mistyped character).
Result<ParsedCode> ValidateCode(std::string_view raw, Expect expect) {
  const std::string code = crockford::Normalize(raw);
  if (code.empty()) {
    return Refuse(kReasonEmpty, "没有输入编码", "no code was given");
  }
  size_t chars = 0;
  for (size_t pos = 0; pos < code.size();) {
    const size_t start = pos;
    const char32_t cp = NextCodePoint(code, &pos);
    ++chars;
    if (cp < 0x80 && crockford::Value(static_cast<char>(cp)) >= 0) continue;
    const std::string shown(code.substr(start, pos - start));
    std::string zh = "编码中不能有字符「" + shown + "」（第 " + std::to_string(chars) +
                     " 个字符）：编码只用数字 0-9 和除 I、L、O、U 之外的字母";
    std::string en = "the character '" + shown + "' (" + Ordinal(chars) +
                     " character) is not used in codes: they use digits 0-9 and letters "
                     "except I, L, O and U";
    if (cp == 'U') {
      zh += "；是否应为 V？";
      en += "; did you mean V?";
    }
    return Refuse(kReasonCharacter, std::move(zh), std::move(en));
  }
  CodeKind kind;
  if (code.size() == kUnitCodeLength && expect != Expect::kLot) {
    kind = CodeKind::kUnit;
  } else if (code.size() == kLotCodeLength && expect != Expect::kUnit) {
    kind = CodeKind::kLot;
  } else {
    const std::string n = std::to_string(code.size());
    switch (expect) {
      case Expect::kUnit:
        return Refuse(kReasonLength, "单品码长度不对：输入了 " + n + " 个字符，应为 16 个",
                      "wrong length: " + n + " characters given, a unit code has 16");
      case Expect::kLot:
        return Refuse(kReasonLength, "批次码长度不对：输入了 " + n + " 个字符，应为 10 个",
                      "wrong length: " + n + " characters given, a lot code has 10");
      case Expect::kUnitOrLot:
        break;
    }
    return Refuse(kReasonLength,
                  "编码长度不对：输入了 " + n + " 个字符，单品码应为 16 个，批次码应为 10 个",
                  "wrong length: " + n +
                      " characters given; a unit code has 16 characters and a lot code 10");
  }
  if (!crockford::CheckValid(code)) {
    return Refuse(kReasonCheck, "请核对编码：有一个字符输错了",
                  "check the code, a character is mistyped");
  }
  ParsedCode parsed;
  parsed.kind = kind;
  parsed.code = code;
  return parsed;
}

// GTIN-8/12/13/14 padded to 14 digits, with its mod-10 check digit verified (weights 3,1,3…
// from the right, check digit excluded).
bool NormalizeGtin(std::string_view digits, std::string* gtin14) {
  if (digits.size() != 8 && digits.size() != 12 && digits.size() != 13 && digits.size() != 14)
    return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  std::string g(14 - digits.size(), '0');
  g.append(digits);
  int sum = 0;
  for (int i = 12, weight = 3; i >= 0; --i, weight = 4 - weight) sum += (g[i] - '0') * weight;
  if ((10 - sum % 10) % 10 != g[13] - '0') return false;
  *gtin14 = std::move(g);
  return true;
}

Status LinkError(std::string zh, std::string en) {
  return Refuse(kReasonLink, std::move(zh), std::move(en));
}

// A GS1 Digital Link path starts at an "01" segment followed by digits and then pairs of
// qualifier and value; anything else is tried as a /q/ link.
bool LooksLikeDigitalLink(const std::vector<std::string>& seg, size_t i) {
  if (seg[i] != "01" || i + 1 >= seg.size()) return false;
  if ((seg.size() - i) % 2 != 0) return false;
  for (char c : seg[i + 1])
    if (c < '0' || c > '9') return false;
  return true;
}

// 01/{gtin}[/22/x][/10/x][/21/x], qualifiers in that order (GS1 Digital Link standard 1.2).
Result<ParsedCode> ParseDigitalLink(const std::vector<std::string>& seg, size_t i) {
  ParsedCode out;
  if (!NormalizeGtin(seg[i + 1], &out.gtin)) {
    return LinkError(
        "GS1 数字链接中的 GTIN「" + seg[i + 1] + "」有误（位数或校验位不对）",
        "the GTIN '" + seg[i + 1] + "' in the GS1 Digital Link is wrong (length or check digit)");
  }
  static constexpr std::string_view kOrder[] = {"22", "10", "21"};
  size_t next_allowed = 0;
  std::string lot, serial;
  bool has_lot = false, has_serial = false;
  for (size_t k = i + 2; k + 1 < seg.size(); k += 2) {
    size_t idx = next_allowed;
    while (idx < std::size(kOrder) && kOrder[idx] != seg[k]) ++idx;
    if (idx == std::size(kOrder)) {
      return LinkError(
          "GS1 数字链接中的「/" + seg[k] +
              "/」不是本系统使用的限定符（只用 22、10、21，且按此顺序）",
          "'/" + seg[k] + "/' is not a qualifier used here (only 22, 10 and 21, in that order)");
    }
    next_allowed = idx + 1;
    if (seg[k] == "10") has_lot = true, lot = seg[k + 1];
    if (seg[k] == "21") has_serial = true, serial = seg[k + 1];
  }
  if (has_serial) {
    Result<ParsedCode> unit = ValidateCode(serial, Expect::kUnit);
    if (!unit.ok()) return unit;
    unit->gtin = out.gtin;
    if (has_lot) unit->gs1_lot = Upper(lot);
    return unit;
  }
  if (has_lot) {
    Result<ParsedCode> lot_code = ValidateCode(lot, Expect::kLot);
    if (!lot_code.ok()) return lot_code;
    lot_code->gtin = out.gtin;
    lot_code->gs1_lot = Upper(lot);
    return lot_code;
  }
  return LinkError("GS1 数字链接中既没有单品码（/21/）也没有批次码（/10/）",
                   "the GS1 Digital Link holds neither a unit code (/21/) nor a lot code (/10/)");
}

Result<ParsedCode> ParseLink(std::string_view text) {
  size_t cut = text.find_first_of("?#");
  if (cut != std::string_view::npos) text = text.substr(0, cut);
  size_t scheme = text.find("://");
  // An offline-signed label's signature covers this origin (offline_label.h).
  const std::string origin = scheme == std::string_view::npos ? std::string() : LabelOrigin(text);
  if (scheme != std::string_view::npos) {
    size_t path = text.find('/', scheme + 3);
    text = path == std::string_view::npos ? std::string_view() : text.substr(path);
  }
  std::vector<std::string> seg;
  for (size_t b = 0; b <= text.size();) {
    size_t e = text.find('/', b);
    if (e == std::string_view::npos) e = text.size();
    if (e > b) seg.push_back(PercentDecode(text.substr(b, e - b)));
    b = e + 1;
  }
  for (size_t i = 0; i < seg.size(); ++i) {
    if (LooksLikeDigitalLink(seg, i)) return ParseDigitalLink(seg, i);
  }
  if (seg.size() >= 2 && (seg[seg.size() - 2] == "q" || seg[seg.size() - 2] == "Q")) {
    return ValidateCode(seg.back(), Expect::kUnitOrLot);
  }
  if (seg.size() >= 2 && (seg[seg.size() - 2] == "s" || seg[seg.size() - 2] == "S")) {
    Result<OfflineLabel> label = ParseOfflineLabel(seg.back());
    if (!label.ok()) return label.status();
    ParsedCode out;
    out.kind = CodeKind::kOfflineSigned;
    out.code = label->lot_code;
    out.offline = std::move(label).value();
    out.offline.origin = origin;
    return out;
  }
  return LinkError("链接中没有找到编码：应为「…/q/编码」或 GS1 数字链接「…/01/GTIN/…/21/编码」",
                   "the link holds no code: expected '…/q/CODE' or a GS1 Digital Link "
                   "'…/01/GTIN/…/21/CODE'");
}

}  // namespace

Result<ParsedCode> ParseCode(std::string_view input) {
  const std::string text = FoldWidthAndTrim(input);
  if (text.empty()) return Refuse(kReasonEmpty, "没有输入编码", "no code was given");
  if (text.find('/') != std::string::npos) return ParseLink(text);
  return ValidateCode(text, Expect::kUnitOrLot);
}

std::string DisplayCode(const ParsedCode& code) {
  if (code.kind == CodeKind::kOfflineSigned)
    return FormatLotCode(code.code) + "/" + std::to_string(code.offline.serial);
  return code.kind == CodeKind::kUnit ? FormatUnitCode(code.code) : FormatLotCode(code.code);
}

}  // namespace agritrace::labeler
