#include "agritrace/labeler/code_url.h"

#include <catch2/catch.hpp>

#include "agritrace/labeler/code_parser.h"
#include "agritrace/labeler/qr_code.h"
#include "agritrace/labeler/unit_code.h"

namespace agritrace::labeler {
namespace {

TEST_CASE("unit and lot URLs are upper case so the QR stays alphanumeric", "[code_url]") {
  CHECK(UnitUrl("https://v.example.cn", "7KQ2M9XW40C1DJHZ") ==
        "HTTPS://V.EXAMPLE.CN/Q/7KQ2M9XW40C1DJHZ");
  CHECK(UnitUrl("https://v.example.cn/", "7KQ2M9XW40C1DJHZ") ==
        "HTTPS://V.EXAMPLE.CN/Q/7KQ2M9XW40C1DJHZ");
  CHECK(LotUrl("https://trace.baisha.gov.cn/ab", "1ZX90ABCDE") ==
        "HTTPS://TRACE.BAISHA.GOV.CN/AB/Q/1ZX90ABCDE");
  CHECK(IsQrAlphanumeric(UnitUrl("https://v.example.cn", MintUnitCode())));
}

TEST_CASE("GS1 Digital Link URLs follow the qualifier order 01, 10, 21", "[code_url]") {
  const std::string url = Gs1DigitalLinkUrl("https://id.example.cn", "06901234567892", "1zx90abcde",
                                            "7KQ2M9XW40C1DJHZ");
  CHECK(url == "HTTPS://ID.EXAMPLE.CN/01/06901234567892/10/1ZX90ABCDE/21/7KQ2M9XW40C1DJHZ");
  CHECK(IsQrAlphanumeric(url));
  // A lot with characters outside the URL's unreserved set is percent-encoded, and parses back.
  const std::string code = MintUnitCode();
  const std::string odd =
      Gs1DigitalLinkUrl("https://id.example.cn", "06901234567892", "A/B C", code);
  CHECK(odd == "HTTPS://ID.EXAMPLE.CN/01/06901234567892/10/A%2FB%20C/21/" + code);
  Result<ParsedCode> parsed = ParseCode(odd);
  REQUIRE(parsed.ok());
  CHECK(parsed->code == code);
  CHECK(parsed->gs1_lot == "A/B C");
}

}  // namespace
}  // namespace agritrace::labeler
