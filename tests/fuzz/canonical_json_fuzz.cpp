// Canonical JSON (registry/canonical_json.h), what lot records are signed over. The input is
// JSON text, or with a leading 0x01 CBOR (which, unlike JSON text, can carry invalid UTF-8,
// binary values and 64-bit integers). Checks: canonicalising is idempotent (the output parses
// back to the same value and canonicalises to the same bytes), and the output holds no
// whitespace between tokens.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agritrace/registry/canonical_json.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;

namespace {

// No byte of the output outside a string is whitespace.
bool Compact(const std::string& s) {
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      return false;
    }
  }
  return !in_string;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Json value;
  if (size > 0 && data[0] == 0x01) {
    // nlohmann throws on a huge declared array or object size even with exceptions off
    // (json_sax_dom_parser::start_array): the CBOR reader is only the fuzzer's, not the registry's.
    try {
      value = Json::from_cbor(data + 1, data + size, true, false);
    } catch (const Json::exception&) {
      return 0;
    }
  } else {
    value = Json::parse(data, data + size, nullptr, false);
  }
  if (value.is_discarded()) return 0;

  Result<std::string> canonical = CanonicalJson(value);
  if (!canonical.ok()) {
    FUZZ_CHECK(!canonical.status().en().empty());
    return 0;
  }
  FUZZ_CHECK(Compact(*canonical));
  Json again = Json::parse(*canonical, nullptr, false);
  FUZZ_CHECK(!again.is_discarded());
  FUZZ_CHECK(again == value);
  Result<std::string> twice = CanonicalJson(again);
  FUZZ_CHECK(twice.ok() && *twice == *canonical);
  return 0;
}
