// Whatever a person types or a scanner returns (labeler/code_parser.h): bare codes, /q/ URLs,
// GS1 Digital Links, offline-signed /S/ URLs. A refusal carries one of the stable reasons; a
// parsed code is well formed and reads back the same from each form it is printed in: its
// display form, the bare code, its label URL, its GS1 Digital Link, its offline-signed URL.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agritrace/labeler/code_parser.h"
#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/lot_code.h"
#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/crockford.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;
using namespace agritrace::labeler;

namespace {

constexpr std::string_view kBase = "https://v.example.cn";

bool SameCode(const Result<ParsedCode>& r, const ParsedCode& p) {
  return r.ok() && r->kind == p.kind && r->code == p.code;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Result<ParsedCode> parsed = ParseCode(in);
  if (!parsed.ok()) {
    const std::string& r = parsed.status().reason();
    FUZZ_CHECK(r == kReasonEmpty || r == kReasonLength || r == kReasonCharacter ||
               r == kReasonCheck || r == kReasonLink || r == kReasonSigned);
    FUZZ_CHECK(!parsed.status().zh().empty() && !parsed.status().en().empty());
    return 0;
  }
  const ParsedCode& p = *parsed;
  FUZZ_CHECK(crockford::CheckValid(p.code));
  if (!p.gtin.empty())
    FUZZ_CHECK(p.gtin.size() == 14 && p.gtin.find_first_not_of("0123456789") == std::string::npos);

  if (p.kind == CodeKind::kOfflineSigned) {
    FUZZ_CHECK(p.code.size() == kLotCodeLength && p.code == p.offline.lot_code);
    Result<ParsedCode> url = ParseCode(OfflineLabelUrl(kBase, p.offline));
    FUZZ_CHECK(SameCode(url, p) && url->offline.serial == p.offline.serial &&
               url->offline.kid == p.offline.kid && url->offline.signature == p.offline.signature);
    return 0;
  }

  FUZZ_CHECK(p.code.size() == (p.kind == CodeKind::kUnit ? kUnitCodeLength : kLotCodeLength));
  FUZZ_CHECK(SameCode(ParseCode(DisplayCode(p)), p));
  FUZZ_CHECK(SameCode(ParseCode(p.code), p));
  const std::string url =
      p.kind == CodeKind::kUnit ? UnitUrl(kBase, p.code) : LotUrl(kBase, p.code);
  FUZZ_CHECK(SameCode(ParseCode(url), p));
  if (p.kind == CodeKind::kUnit && !p.gtin.empty() && !p.gs1_lot.empty()) {
    Result<ParsedCode> link = ParseCode(Gs1DigitalLinkUrl(kBase, p.gtin, p.gs1_lot, p.code));
    FUZZ_CHECK(SameCode(link, p) && link->gtin == p.gtin && link->gs1_lot == p.gs1_lot);
  }
  return 0;
}
