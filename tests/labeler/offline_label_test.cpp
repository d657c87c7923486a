// Offline-signed labels: the base32 byte codec, sign → URL → parse → verify, every kind of
// tampering rejected, every malformed part refused with its reason, and the QR size it costs.
#include "agritrace/labeler/offline_label.h"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "agritrace/labeler/code_parser.h"
#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/qr_code.h"
#include "agritrace/registry/crockford.h"
#include "agritrace/registry/encoding.h"

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
  OfflineLabel label = SignOfflineLabel("https://v.example.cn/", lot, 42, kid, *key);
  CHECK(label.origin == "HTTPS://V.EXAMPLE.CN");
  CHECK(OfflineLabelMessage(label.origin, lot, 42) ==
        "agritrace-label:v2:HTTPS://V.EXAMPLE.CN:" + lot + ":42");
  const std::string origin = label.origin;

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
    CHECK(parsed->offline.origin == origin);  // read from the URL, upper-cased
    CHECK(DisplayCode(*parsed) == lot.substr(0, 5) + "-" + lot.substr(5) + "/42");
    CHECK(VerifyOfflineLabel(parsed->offline, parsed->offline.origin, key->RawPublicKey()));
  }

  SECTION("tampering is caught") {
    OfflineLabel t = label;
    t.serial = 43;  // a copied signature on another serial
    CHECK_FALSE(VerifyOfflineLabel(t, origin, key->RawPublicKey()));
    t = label;
    t.lot_code = LotCode("RHEBNPYN6");
    CHECK_FALSE(VerifyOfflineLabel(t, origin, key->RawPublicKey()));
    t = label;
    t.signature[10] ^= 0x01;
    CHECK_FALSE(VerifyOfflineLabel(t, origin, key->RawPublicKey()));
    auto other = Ed25519PrivateKey::Generate();
    REQUIRE(other.ok());
    CHECK_FALSE(VerifyOfflineLabel(label, origin, other->RawPublicKey()));  // kid is not its key
    t = SignOfflineLabel(origin, lot, 42, kid, *other);                     // signed by a stranger
    CHECK_FALSE(VerifyOfflineLabel(t, origin, key->RawPublicKey()));
  }

  SECTION("a label copied to another host does not verify there") {
    const std::string copied = OfflineLabelUrl("https://v.example-cn.com", label);
    auto parsed = ParseCode(copied);
    REQUIRE(parsed.ok());
    CHECK(parsed->offline.origin == "HTTPS://V.EXAMPLE-CN.COM");
    CHECK(CheckOfflineLabel(parsed->offline, parsed->offline.origin, key->RawPublicKey()) ==
          LabelCheck::kInvalid);
    // Port and scheme are part of the origin too; the path is not.
    CHECK_FALSE(VerifyOfflineLabel(label, "HTTPS://V.EXAMPLE.CN:8443", key->RawPublicKey()));
    CHECK_FALSE(VerifyOfflineLabel(label, "HTTP://V.EXAMPLE.CN", key->RawPublicKey()));
    CHECK(VerifyOfflineLabel(label, LabelOrigin("https://v.example.cn/trace/"),
                             key->RawPublicKey()));
  }

  SECTION("a v1 label, signed without an origin, is told apart and not accepted") {
    OfflineLabel v1 = label;
    v1.signature = key->Sign("agritrace-label:v1:" + lot + ":42");
    CHECK(CheckOfflineLabel(v1, origin, key->RawPublicKey()) == LabelCheck::kUnbound);
    CHECK_FALSE(VerifyOfflineLabel(v1, origin, key->RawPublicKey()));
  }
}

TEST_CASE("a label URL's origin: scheme, host and port, upper case", "[offline_label]") {
  CHECK(LabelOrigin("https://v.example.cn") == "HTTPS://V.EXAMPLE.CN");
  CHECK(LabelOrigin("https://v.example.cn/") == "HTTPS://V.EXAMPLE.CN");
  CHECK(LabelOrigin("http://10.0.0.5:8080/trace/x") == "HTTP://10.0.0.5:8080");
  CHECK(LabelOrigin("HTTPS://V.EXAMPLE.CN/S/ABC?x=1") == "HTTPS://V.EXAMPLE.CN");
  CHECK(LabelOrigin("https://v.example.cn?x=/") == "HTTPS://V.EXAMPLE.CN");
  CHECK(LabelOrigin("v.example.cn/s/abc") == "V.EXAMPLE.CN");
  CHECK(LabelOrigin("") == "");
}

// docs/formats/code.md, "Worked example": the key of docs/formats/log.md §10.
TEST_CASE("the offline-signed label worked example of docs/formats/code.md", "[offline_label]") {
  std::ifstream in(AGRITRACE_SOURCE_DIR "/tests/registry/testdata/golang_note_example_ed25519.pem");
  const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(!pem.empty());
  char dir_template[] = "/tmp/agritrace-label-XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  const std::string path = std::string(dir_template) + "/key.pem";
  {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    REQUIRE(fd >= 0);
    CHECK(write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size()));
    close(fd);
  }
  auto key = Ed25519PrivateKey::LoadPem(path);
  unlink(path.c_str());
  rmdir(dir_template);
  REQUIRE(key.ok());
  const std::string kid = KeyId(key->RawPublicKey());
  CHECK(kid == "c7a9d541f116ae82");
  OfflineLabel label = SignOfflineLabel("https://v.example.cn/", "1ZX90ABCDN", 42, kid, *key);
  const std::string message = OfflineLabelMessage(label.origin, "1ZX90ABCDN", 42);
  CHECK(message == "agritrace-label:v2:HTTPS://V.EXAMPLE.CN:1ZX90ABCDN:42");
  CHECK(message.size() == 53);
  CHECK(HexEncode(label.signature) ==
        "d0828e88c8f51947b6aea277cc08eec47b48b14fd24930f721bd7f3ac484230e"
        "4899428c788ecd778f4912fb10aa25e8fc2e1991e1a04af98206ef1dd4ea6e03");
  const std::string url =
      "HTTPS://V.EXAMPLE.CN/S/1ZX90ABCDN.42.C7A9D541F116AE82."
      "T218X268YMCMFDNEM9VWR27ERHXMHCAFT94K1XS1QNZKNH444C74H6A2HHW8XKBQHX4H5YRGN8JYHZ1E368Y382AZ"
      "610DVRXTKN6W0R";
  CHECK(OfflineLabelUrl("https://v.example.cn/", label) == url);
  auto parsed = ParseCode(url);
  REQUIRE(parsed.ok());
  CHECK(VerifyOfflineLabel(parsed->offline, parsed->offline.origin, key->RawPublicKey()));
  std::string moved = url;
  moved.replace(0, std::string("HTTPS://V.EXAMPLE.CN").size(), "HTTPS://V.EXAMPLE-CN.COM");
  auto copied = ParseCode(moved);
  REQUIRE(copied.ok());
  CHECK_FALSE(VerifyOfflineLabel(copied->offline, copied->offline.origin, key->RawPublicKey()));
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
