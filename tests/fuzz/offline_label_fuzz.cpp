// Offline-signed label segments (labeler/offline_label.h), the part of an /S/ URL after the
// path: {LOT}.{SERIAL}.{KID}.{SIG}. A segment that parses re-serialises to one that parses to
// the same label, in the URL's upper case too, and every field is within its format.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agritrace/labeler/lot_code.h"
#include "agritrace/labeler/offline_label.h"
#include "agritrace/registry/crockford.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;
using namespace agritrace::labeler;

namespace {

bool Same(const OfflineLabel& a, const OfflineLabel& b) {
  return a.lot_code == b.lot_code && a.serial == b.serial && a.kid == b.kid &&
         a.signature == b.signature;
}

std::string Upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Result<OfflineLabel> label = ParseOfflineLabel(in);
  if (!label.ok()) {
    FUZZ_CHECK(label.status().reason() == kReasonSigned);
    return 0;
  }
  FUZZ_CHECK(label->lot_code.size() == kLotCodeLength && crockford::CheckValid(label->lot_code));
  FUZZ_CHECK(label->serial >= 1 && label->serial <= (int64_t{1} << 53) - 1);
  FUZZ_CHECK(label->kid.size() == 16 &&
             label->kid.find_first_not_of("0123456789abcdef") == std::string::npos);
  FUZZ_CHECK(label->signature.size() == 64);

  const std::string segment = OfflineLabelSegment(*label);
  Result<OfflineLabel> again = ParseOfflineLabel(segment);
  FUZZ_CHECK(again.ok() && Same(*again, *label));
  Result<OfflineLabel> upper = ParseOfflineLabel(Upper(segment));
  FUZZ_CHECK(upper.ok() && Same(*upper, *label));
  // One text per label: the canonical segment of the re-parse is the same string.
  FUZZ_CHECK(OfflineLabelSegment(*again) == segment);
  // A parsed label's signature is checked, never trusted: with a key whose id does not match,
  // it is refused.
  FUZZ_CHECK(!VerifyOfflineLabel(*label, "HTTPS://V.EXAMPLE.CN", std::string(32, '\0')) ||
             KeyId(std::string(32, '\0')) == label->kid);
  return 0;
}
