// Offline-signed labels (DESIGN.md §5, optional profile): the QR says which lot and serial it is
// and carries the registry's Ed25519 signature over exactly that, so that anyone holding the
// registry's public key can check a label with no network. Format: docs/formats/code.md §5.
//
//   {BASE}/S/{LOT}.{SERIAL}.{KID}.{SIG}
//   LOT     the 10-character lot code          SERIAL  the unit's serial, decimal
//   KID     the signing key's id, 16 hex digits SIG     64 signature bytes, 103 base32 digits
//
// The signed message is the ASCII text "agritrace-label:v1:{LOT}:{SERIAL}". Everything is upper
// case and in the QR alphanumeric set ('.', '/', ':' included), so the QR stays small.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "registry/ed25519.h"
#include "registry/status.h"

namespace agritrace::labeler {

// Status::reason() of every refusal of ParseOfflineLabel (and so of ParseCode for such a label).
inline constexpr std::string_view kReasonSigned = "code-signed";

struct OfflineLabel {
  std::string lot_code;  // normalised, check character included
  int64_t serial = 0;
  std::string kid;        // lower-case hex, as KeyId() gives it
  std::string signature;  // 64 raw bytes
};

// The exact bytes that are signed.
std::string OfflineLabelMessage(std::string_view lot_code, int64_t serial);
// Signs lot and serial with `key` (whose id is `kid`).
OfflineLabel SignOfflineLabel(std::string_view lot_code, int64_t serial, const std::string& kid,
                              const Ed25519PrivateKey& key);
// "{BASE}/S/{LOT}.{SERIAL}.{KID}.{SIG}", upper case. A trailing '/' of `base` is dropped.
std::string OfflineLabelUrl(std::string_view base, const OfflineLabel& label);
// "{LOT}.{SERIAL}.{KID}.{SIG}": the path segment after /S/.
std::string OfflineLabelSegment(const OfflineLabel& label);
// The path segment after /S/, in any case. Refuses (kReasonSigned) with what is wrong.
Result<OfflineLabel> ParseOfflineLabel(std::string_view segment);
// True when `label.signature` is the signature of its lot and serial under `raw_public_key`.
bool VerifyOfflineLabel(const OfflineLabel& label, std::string_view raw_public_key);

}  // namespace agritrace::labeler
