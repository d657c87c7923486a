// Unit codes (一物一码, DESIGN.md §5): 15 Crockford base32 characters carrying 75 random bits
// from the OS CSPRNG, plus one Luhn mod 32 check character. Printed as XXXX-XXXX-XXXX-XXXX.
#pragma once

#include <string>
#include <string_view>

namespace agritrace::labeler {

inline constexpr size_t kUnitCodeLength = 16;

// A fresh unit code, 16 characters, no hyphens.
std::string MintUnitCode();
// "XXXX-XXXX-XXXX-XXXX".
std::string FormatUnitCode(std::string_view code);

}  // namespace agritrace::labeler
