// Crockford base32 (0-9A-Z without I L O U) and the Luhn mod 32 check character used by unit
// codes and lot codes (DESIGN.md §5). Shared by the registry (lot codes) and the labeler
// (unit codes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agritrace::crockford {

inline constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Value 0..31 of an upper-case alphabet character, or -1.
int Value(char c);

// Maps what people type to the alphabet: upper-cases, O->0, I/L->1, drops '-' and spaces.
// Characters outside the alphabet (U, punctuation) are kept so that the caller can report them.
std::string Normalize(std::string_view input);

// Luhn mod 32 check character over `payload` (alphabet characters only).
char CheckChar(std::string_view payload);
// True when the last character is the Luhn mod 32 check of the rest.
bool CheckValid(std::string_view code_with_check);

// `count` characters drawn from the OS CSPRNG (5 bits each). Throws std::runtime_error only
// if the OS has no randomness to give.
std::string Random(size_t count);

// Bytes as base32 digits, most significant bit first, the last digit padded with zero bits:
// 64 bytes (an Ed25519 signature) are 103 digits. Decode takes upper-case alphabet digits only
// and refuses a wrong length for `bytes` or non-zero padding (one text per byte string).
std::string EncodeBytes(std::string_view bytes);
std::optional<std::string> DecodeBytes(std::string_view digits, size_t bytes);

// "ABCD-EFGH-JKMN-PQRS": groups of `group` characters joined by '-'.
std::string Group(std::string_view code, size_t group);

}  // namespace agritrace::crockford
