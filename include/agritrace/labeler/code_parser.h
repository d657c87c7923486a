// Reads a unit or lot code out of whatever a person types or a scanner returns (DESIGN.md §5):
//   - a label URL in any case:          https://v.example.cn/q/7KQ2-M9XW-4C8D-JH3R, …/Q/…
//   - a GS1 Digital Link:               {BASE}/01/{GTIN}[/22/{CPV}][/10/{LOT}][/21/{CODE}]
//   - an offline-signed label:          {BASE}/S/{LOT}.{SERIAL}.{KID}.{SIG} (offline_label.h)
//   - a bare code, with or without hyphens and spaces, any case, full-width characters from a
//     Chinese input method, and the confusions O→0, I/L→1.
// A refusal is a Status::Invalid whose reason names the fault, so that a typo is reported as a
// typo and never as a counterfeit. Format reference: docs/formats/code.md.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/labeler/offline_label.h"
#include "agritrace/registry/status.h"

namespace agritrace::labeler {

enum class CodeKind { kUnit, kLot, kOfflineSigned };

struct ParsedCode {
  CodeKind kind = CodeKind::kUnit;
  // Normalised: upper-case alphabet characters, no hyphens, check included. For an
  // offline-signed label, the lot code; `offline` holds the rest, signature not yet checked.
  std::string code;
  // Filled only when the input was a GS1 Digital Link: the GTIN-14 (AI 01) and, when present,
  // the raw lot value (AI 10, percent-decoded, upper-cased).
  std::string gtin;
  std::string gs1_lot;
  OfflineLabel offline;
};

// Status reasons (Status::reason()) of refusals, stable for the HTTP and CLI layers.
inline constexpr std::string_view kReasonEmpty = "code-empty";
inline constexpr std::string_view kReasonLength = "code-length";
inline constexpr std::string_view kReasonCharacter = "code-character";
inline constexpr std::string_view kReasonCheck = "code-check";
inline constexpr std::string_view kReasonLink = "code-link";
// kReasonSigned: offline_label.h.

Result<ParsedCode> ParseCode(std::string_view input);

// "XXXX-XXXX-XXXX-XXXX" for a unit code, "XXXXX-XXXXX" for a lot code, "XXXXX-XXXXX/SERIAL"
// for an offline-signed label.
std::string DisplayCode(const ParsedCode& code);

}  // namespace agritrace::labeler
