// Offline-signed labels: the base32 byte codec, sign → URL → parse → verify, every kind of
// tampering rejected, every malformed part refused with its reason, and the QR size it costs.
#include "labeler/offline_label.h"

#include <catch2/catch.hpp>

#include "labeler/code_parser.h"
#include "labeler/qr_code.h"
#include "registry/crockford.h"

namespace agritrace::labeler {
namespace {

std::string LotCode(std::string_view payload9) {
  return std::string(payload9) + crockford::CheckChar(payload9);
}

TEST_CASE("bytes as base32 digits, most significant bit first, zero padding", "[offline_label]") {
  CHECK(crockford::EncodeBytes("") == "");
  CHECK(crockford::EncodeBytes("\xff") == "ZW");
  CHECK(crockford::EncodeBytes(std::string("\x00\x01", 2)) == "000G");
  CHECK(crockford::DecodeBytes("ZW", 1) == std::string("\xff"));
  CHECK_FALSE(crockford::DecodeBytes("ZX", 1));   // padding bits set
  CHECK_FALSE(crockford::DecodeBytes("ZW0", 1));  // wrong length
  CHECK_FALSE(crockford::DecodeBytes("zw", 1));   // lower case is the caller's to fold
  CHECK_FALSE(crockford::DecodeBytes("UW", 1));   // U is not in the alphabet
  std::string bytes;
  for (int i = 0; i < 64; ++i) bytes.push_back(static_cast<char>(i * 37 + 11));
  std::string digits = crockford::EncodeBytes(bytes);
  CHECK(digits.size() == 103);
  CHECK(crockford::DecodeBytes(digits, 64) == bytes);
}

TEST_CASE("an offline-signed label verifies with only the public key", "[offline_label]") {
  auto key = Ed25519PrivateKey::Generate();
  REQUIRE(key.ok());
  const std::string kid = KeyId(key->RawPublicKey());
  const std::string lot = LotCode("RHEBNPYN5");
  OfflineLabel label = SignOfflineLabel(lot, 42, kid, *key);
  CHECK(OfflineLabelMessage(lot, 42) == "agritrace-label:v1:" + lot + ":42");

  const std::string url = OfflineLabelUrl("https://v.example.cn/", label);
  INFO(url);
  CHECK(url.rfind("HTTPS://V.EXAMPLE.CN/S/" + lot + ".42.", 0) == 0);
  CHECK(IsQrAlphanumeric(url));
  // A 30-character base keeps the QR at version 8 or less at ECC M (49 modules).
  const std::string base30 = "https://trace.baisha.gov.cn/ab";
  REQUIRE(base30.size() == 30);
  auto version = QrCode::SingleModeVersion(OfflineLabelUrl(base30, label), EccLevel::kM);
  REQUIRE(version.ok());
  CHECK(*version <= 8);

  // Read back, in the case a scanner may return, through the one parser.
  std::string lower = url;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& text : {url, lower}) {
    auto parsed = ParseCode(text);
    REQUIRE(parsed.ok());
    CHECK(parsed->kind == CodeKind::kOfflineSigned);
    CHECK(parsed->code == lot);
    CHECK(parsed->offline.serial == 42);
    CHECK(parsed->offline.kid == kid);
    CHECK(DisplayCode(*parsed) == lot.substr(0, 5) + "-" + lot.substr(5) + "/42");
    CHECK(VerifyOfflineLabel(parsed->offline, key->RawPublicKey()));
  }

  SECTION("tampering is caught") {
    OfflineLabel t = label;
    t.serial = 43;  // a copied signature on another serial
    CHECK_FALSE(VerifyOfflineLabel(t, key->RawPublicKey()));
    t = label;
    t.lot_code = LotCode("RHEBNPYN6");
    CHECK_FALSE(VerifyOfflineLabel(t, key->RawPublicKey()));
    t = label;
    t.signature[10] ^= 0x01;
    CHECK_FALSE(VerifyOfflineLabel(t, key->RawPublicKey()));
    auto other = Ed25519PrivateKey::Generate();
    REQUIRE(other.ok());
    CHECK_FALSE(VerifyOfflineLabel(label, other->RawPublicKey()));  // kid is not its key
    t = SignOfflineLabel(lot, 42, kid, *other);                      // signed by a stranger
    CHECK_FALSE(VerifyOfflineLabel(t, key->RawPublicKey()));
  }
}

TEST_CASE("a malformed offline-signed label is refused with what is wrong", "[offline_label]") {
  auto key = Ed25519PrivateKey::Generate();
  REQUIRE(key.ok());
  const std::string lot = LotCode("RHEBNPYN5");
  const std::string kid = "0123456789ABCDEF";
  const std::string sig = crockford::EncodeBytes(key->Sign("x"));
  struct Case {
    std::string segment;
    const char* zh;
  };
  std::string bad_check = lot;
  bad_check.back() = bad_check.back() == '0' ? '1' : '0';
  std::string bad_pad = sig;
  bad_pad.back() = 'Z';
  for (const Case& c : std::vector<Case>{
           {lot + ".1." + kid, "应有以点分隔的 4 段"},
           {lot + ".1." + kid + "." + sig + ".X", "实际 5 段"},
           {bad_check + ".1." + kid + "." + sig, "批次码"},
           {lot + ".0." + kid + "." + sig, "序号「0」"},
           {lot + ".01." + kid + "." + sig, "序号「01」"},
           {lot + ".1A." + kid + "." + sig, "序号"},
           {lot + ".99999999999999999." + kid + "." + sig, "序号"},
           {lot + ".1.0123." + sig, "密钥编号"},
           {lot + ".1." + kid + "." + sig.substr(1), "签名应为 103 个字符"},
           {lot + ".1." + kid + "." + bad_pad, "签名中有不用的字符"},
       }) {
    INFO(c.segment);
    auto parsed = ParseCode("https://v.example.cn/S/" + c.segment);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().reason() == kReasonSigned);
    CHECK(parsed.status().zh().find("离线签名标签有误") != std::string::npos);
    CHECK(parsed.status().zh().find(c.zh) != std::string::npos);
    CHECK(parsed.status().en().find("bad offline-signed label") != std::string::npos);
  }
}

}  // namespace
}  // namespace agritrace::labeler
