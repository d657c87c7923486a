// Byte encodings used across formats: hex, base64 (RFC 4648 §4, checkpoints and proofs),
// base64url without padding (RFC 4648 §5, lot signatures).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agritrace {

std::string HexEncode(std::string_view bytes);
std::optional<std::string> HexDecode(std::string_view hex);
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);
// Raw 32-byte SHA-256 digest.
std::string Sha256(std::string_view data);

}  // namespace agritrace
