#include "agritrace/labeler/offline_label.h"

#include <vector>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/lot_code.h"
#include "agritrace/registry/crockford.h"
#include "agritrace/registry/encoding.h"

namespace agritrace::labeler {
namespace {

constexpr size_t kSignatureDigits = 103;  // 512 bits in 5-bit digits
constexpr int64_t kMaxSerial = (int64_t{1} << 53) - 1;

Status Refuse(std::string zh, std::string en) {
  Status s = Status::Invalid(
      "离线签名标签有误：" + zh + "。请重新扫描，完整复制二维码内容；仍然不对，标签可能是假冒的",
      "bad offline-signed label: " + en +
          ". Scan it again and copy the whole QR text; if it is still refused, the label may be "
          "forged");
  s.with_reason(std::string(kReasonSigned));
  return s;
}

}  // namespace

std::string OfflineLabelMessage(std::string_view origin, std::string_view lot_code, int64_t serial) {
  return "agritrace-label:v2:" + std::string(origin) + ":" + std::string(lot_code) + ":" +
         std::to_string(serial);
}

OfflineLabel SignOfflineLabel(std::string_view base, std::string_view lot_code, int64_t serial,
                              const std::string& kid, const Ed25519PrivateKey& key) {
  std::string origin = LabelOrigin(base);
  std::string signature = key.Sign(OfflineLabelMessage(origin, lot_code, serial));
  return {std::move(origin), std::string(lot_code), serial, kid, std::move(signature)};
}

std::string OfflineLabelUrl(std::string_view base, const OfflineLabel& label) {
  return SignedLabelUrl(base, OfflineLabelSegment(label));
}

std::string OfflineLabelSegment(const OfflineLabel& label) {
  std::string url = label.lot_code;
  url += '.';
  url += std::to_string(label.serial);
  url += '.';
  url += label.kid;  // lower-case hex; the URL upper-cases it
  url += '.';
  url += crockford::EncodeBytes(label.signature);
  return url;
}

Result<OfflineLabel> ParseOfflineLabel(std::string_view segment) {
  std::vector<std::string> parts;
  for (size_t b = 0;;) {
    size_t e = segment.find('.', b);
    // Crockford's reading: any case, O as 0, I and L as 1 (hex digits are unaffected).
    parts.push_back(
        crockford::Normalize(segment.substr(b, e == std::string_view::npos ? e : e - b)));
    if (e == std::string_view::npos) break;
    b = e + 1;
  }
  if (parts.size() != 4)
    return Refuse("应有以点分隔的 4 段（批次码.序号.密钥编号.签名），实际 " +
                      std::to_string(parts.size()) + " 段",
                  "expected 4 parts separated by dots (lot.serial.key-id.signature), found " +
                      std::to_string(parts.size()));
  OfflineLabel out;
  out.lot_code = parts[0];
  if (out.lot_code.size() != kLotCodeLength || !crockford::CheckValid(out.lot_code))
    return Refuse("批次码「" + parts[0] + "」长度或校验位不对",
                  "the lot code '" + parts[0] + "' has a wrong length or check character");
  const std::string& serial = parts[1];
  bool digits = !serial.empty() && serial.size() <= 16 && serial[0] != '0';
  for (char c : serial) digits = digits && c >= '0' && c <= '9';
  if (digits) out.serial = std::stoll(serial);
  if (!digits || out.serial < 1 || out.serial > kMaxSerial)
    return Refuse("序号「" + serial + "」不是正整数", "the serial '" + serial + "' is not a positive number");
  auto kid = HexDecode(parts[2]);
  if (parts[2].size() != 16 || !kid)
    return Refuse("密钥编号应为 16 位十六进制数", "the key id must be 16 hex digits");
  out.kid = HexEncode(*kid);  // lower case, as KeyId() gives it
  if (parts[3].size() != kSignatureDigits)
    return Refuse("签名应为 103 个字符，实际 " + std::to_string(parts[3].size()) + " 个",
                  "the signature must be 103 characters, found " + std::to_string(parts[3].size()));
  auto sig = crockford::DecodeBytes(parts[3], 64);
  if (!sig)
    return Refuse("签名中有不用的字符或多余的位",
                  "the signature holds a character outside the alphabet or stray padding bits");
  out.signature = std::move(*sig);
  return out;
}

LabelCheck CheckOfflineLabel(const OfflineLabel& label, std::string_view origin,
                             std::string_view raw_public_key) {
  if (KeyId(raw_public_key) != label.kid) return LabelCheck::kInvalid;
  if (Ed25519Verify(raw_public_key, OfflineLabelMessage(origin, label.lot_code, label.serial),
                    label.signature))
    return LabelCheck::kValid;
  // The first profile signed lot and serial only; told apart so the refusal can say why.
  const std::string v1 = "agritrace-label:v1:" + label.lot_code + ":" + std::to_string(label.serial);
  if (Ed25519Verify(raw_public_key, v1, label.signature)) return LabelCheck::kUnbound;
  return LabelCheck::kInvalid;
}

bool VerifyOfflineLabel(const OfflineLabel& label, std::string_view origin,
                        std::string_view raw_public_key) {
  return CheckOfflineLabel(label, origin, raw_public_key) == LabelCheck::kValid;
}

}  // namespace agritrace::labeler
