// Lot codes (批次码, DESIGN.md §5): 9 Crockford base32 characters from the OS CSPRNG plus one
// Luhn mod 32 check character. The registry mints them; the labeler prints and parses them.
// Printed as XXXXX-XXXXX. Unit codes are 16 characters, so the length tells the two apart.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agritrace::labeler {

inline constexpr size_t kLotCodeLength = 10;

// "XXXXX-XXXXX" from a normalised 10-character lot code.
std::string FormatLotCode(std::string_view code);

}  // namespace agritrace::labeler
