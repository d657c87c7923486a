#include "agritrace/labeler/qr_code.h"

#include <catch2/catch.hpp>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/unit_code.h"
#include "test_support.h"

namespace agritrace::labeler {
namespace {

using testing::kBase;

TEST_CASE("a unit URL with a 30-character base is version 3 or less at ECC M", "[qr_code]") {
  REQUIRE(std::string(kBase).size() == 30);
  for (int i = 0; i < 200; ++i) {
    const std::string url = UnitUrl(kBase, MintUnitCode());
    Result<QrCode> qr = QrCode::Encode(url, EccLevel::kM);
    REQUIRE(qr.ok());
    REQUIRE(qr->version() <= 3);
    REQUIRE(qr->width() == QrCode::WidthOfVersion(qr->version()));
    // What printers are told to encode (one alphanumeric segment) fits version 3 as well.
    Result<int> single = QrCode::SingleModeVersion(url, EccLevel::kM);
    REQUIRE(single.ok());
    REQUIRE(*single <= 3);
  }
  // The same URL in lower case would need 8-bit mode and a bigger symbol.
  Result<QrCode> lower =
      QrCode::Encode("https://trace.baisha.gov.cn/ab/q/7kq2m9xw40c1djhz", EccLevel::kM);
  REQUIRE(lower.ok());
  CHECK(lower->version() > 3);
}

TEST_CASE("an encoded symbol decodes back to its text", "[qr_code]") {
  const std::string url = UnitUrl(kBase, MintUnitCode());
  for (EccLevel ecc : {EccLevel::kL, EccLevel::kM, EccLevel::kQ, EccLevel::kH}) {
    Result<QrCode> qr = QrCode::Encode(url, ecc);
    REQUIRE(qr.ok());
    CHECK(testing::DecodeOne(testing::RasterizeQr(*qr, 4)) == url);
    Result<QrCode> single = QrCode::EncodeSingleMode(url, ecc);
    REQUIRE(single.ok());
    CHECK(testing::DecodeOne(testing::RasterizeQr(*single, 4)) == url);
    CHECK(*QrCode::SingleModeVersion(url, ecc) == single->version());
  }
  // Higher error correction needs more room.
  CHECK(QrCode::Encode(url, EccLevel::kH)->version() >
        QrCode::Encode(url, EccLevel::kL)->version());
  // 8-bit text in single mode.
  Result<QrCode> bytes = QrCode::EncodeSingleMode("https://v.example.cn/q/abc", EccLevel::kM);
  REQUIRE(bytes.ok());
  CHECK(testing::DecodeOne(testing::RasterizeQr(*bytes, 4)) == "https://v.example.cn/q/abc");
}

TEST_CASE("text too long for any QR code is refused", "[qr_code]") {
  const std::string huge(5000, 'A');
  Result<QrCode> qr = QrCode::Encode(huge, EccLevel::kH);
  REQUIRE_FALSE(qr.ok());
  CHECK(qr.status().code() == StatusCode::kInvalid);
  CHECK(qr.status().en().find("too long") != std::string::npos);
  CHECK_FALSE(QrCode::SingleModeVersion(huge, EccLevel::kH).ok());
}

TEST_CASE("ECC levels parse from their letters", "[qr_code]") {
  CHECK(*ParseEccLevel("L") == EccLevel::kL);
  CHECK(*ParseEccLevel("m") == EccLevel::kM);
  CHECK(*ParseEccLevel("Q") == EccLevel::kQ);
  CHECK(*ParseEccLevel("h") == EccLevel::kH);
  CHECK(EccLetter(EccLevel::kQ) == 'Q');
  for (const char* bad : {"", "X", "MM", "medium"}) CHECK_FALSE(ParseEccLevel(bad).ok());
}

}  // namespace
}  // namespace agritrace::labeler
