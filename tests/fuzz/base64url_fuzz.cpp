// base64url without padding (registry/encoding.h, lot signatures), and padded base64
// (checkpoints, proofs) beside it: decode(encode(x)) == x for any bytes; a text that decodes is
// the one canonical encoding of its bytes, so encode(decode(s)) == s.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agritrace/registry/encoding.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  const std::string url = Base64UrlEncode(in);
  FUZZ_CHECK(url.size() == (size * 4 + 2) / 3);  // no padding
  FUZZ_CHECK(url.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_") == std::string::npos);
  auto back = Base64UrlDecode(url);
  FUZZ_CHECK(back && *back == in);

  if (auto decoded = Base64UrlDecode(in)) FUZZ_CHECK(Base64UrlEncode(*decoded) == in);

  const std::string std64 = Base64Encode(in);
  FUZZ_CHECK(std64.size() == (size + 2) / 3 * 4);
  auto back64 = Base64Decode(std64);
  FUZZ_CHECK(back64 && *back64 == in);
  if (auto decoded = Base64Decode(in)) FUZZ_CHECK(Base64Encode(*decoded) == in);

  // Hex, used for key ids: the same two laws; decoding accepts either case.
  auto hex = HexDecode(HexEncode(in));
  FUZZ_CHECK(hex && *hex == in);
  if (auto decoded = HexDecode(in)) FUZZ_CHECK(HexDecode(HexEncode(*decoded)) == decoded);
  return 0;
}
