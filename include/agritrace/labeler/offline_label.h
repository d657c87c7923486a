// Offline-signed labels (DESIGN.md §5, optional profile): the QR says which lot and serial it is
// and carries the registry's Ed25519 signature over exactly that, so that anyone holding the
// registry's public key can check a label with no network. Format: docs/formats/code.md §5.
//
//   {BASE}/S/{LOT}.{SERIAL}.{KID}.{SIG}
//   LOT     the 10-character lot code          SERIAL  the unit's serial, decimal
//   KID     the signing key's id, 16 hex digits SIG     64 signature bytes, 103 base32 digits
//
// The signed message is the ASCII text "agritrace-label:v2:{ORIGIN}:{LOT}:{SERIAL}", ORIGIN being
// the label URL's origin as printed ("HTTPS://V.EXAMPLE.CN", LabelOrigin in code_url.h): a label
// copied to another host no longer verifies there. v1 labels ("agritrace-label:v1:{LOT}:{SERIAL}",
// no origin) are refused: they bound no host. Everything is upper case and in the QR
// alphanumeric set ('.', '/', ':' included), so the QR stays small.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/status.h"

namespace agritrace::labeler {

// Status::reason() of every refusal of ParseOfflineLabel (and so of ParseCode for such a label).
inline constexpr std::string_view kReasonSigned = "code-signed";

struct OfflineLabel {
  // The URL's origin, upper case (LabelOrigin): set when signing and when parsed from a whole
  // URL, empty when only the segment after /S/ was read.
  std::string origin;
  std::string lot_code;  // normalised, check character included
  int64_t serial = 0;
  std::string kid;        // lower-case hex, as KeyId() gives it
  std::string signature;  // 64 raw bytes
};

// The exact bytes that are signed; `origin` as LabelOrigin gives it.
std::string OfflineLabelMessage(std::string_view origin, std::string_view lot_code, int64_t serial);
// Signs origin, lot and serial with `key` (whose id is `kid`); `base` is the registry's base URL
// the label will print (only its origin is signed).
OfflineLabel SignOfflineLabel(std::string_view base, std::string_view lot_code, int64_t serial,
                              const std::string& kid, const Ed25519PrivateKey& key);
// "{BASE}/S/{LOT}.{SERIAL}.{KID}.{SIG}", upper case. A trailing '/' of `base` is dropped. `base`
// must have the origin the label was signed for, or the label will not verify.
std::string OfflineLabelUrl(std::string_view base, const OfflineLabel& label);
// "{LOT}.{SERIAL}.{KID}.{SIG}": the path segment after /S/.
std::string OfflineLabelSegment(const OfflineLabel& label);
// The path segment after /S/, in any case. Refuses (kReasonSigned) with what is wrong.
Result<OfflineLabel> ParseOfflineLabel(std::string_view segment);
enum class LabelCheck {
  kValid,    // signed for this origin, lot and serial by `raw_public_key`
  kUnbound,  // a v1 signature (no origin): genuine once, but it binds no host, so refused
  kInvalid,  // not signed by that key for this origin, lot and serial
};
// Checks `label.signature` over `origin` (LabelOrigin form; the verifier's expected origin, not
// one the label claims), its lot and serial under `raw_public_key`.
LabelCheck CheckOfflineLabel(const OfflineLabel& label, std::string_view origin,
                             std::string_view raw_public_key);
// CheckOfflineLabel(...) == kValid.
bool VerifyOfflineLabel(const OfflineLabel& label, std::string_view origin,
                        std::string_view raw_public_key);

}  // namespace agritrace::labeler
