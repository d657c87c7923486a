#include "agritrace/labeler/code_parser.h"

#include <catch2/catch.hpp>
#include <cctype>
#include <string>
#include <vector>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/lot_code.h"
#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/crockford.h"

namespace agritrace::labeler {
namespace {

// Fixed codes with 0 and 1 in them, so that O/I/L confusions can be typed.
std::string Unit() {
  std::string payload = "7KQ2M9XW40C1DJH";
  return payload + crockford::CheckChar(payload);
}
std::string Lot() {
  std::string payload = "1ZX90ABCD";
  return payload + crockford::CheckChar(payload);
}

ParsedCode MustParse(const std::string& input) {
  Result<ParsedCode> r = ParseCode(input);
  INFO("input: " << input << " -> " << (r.ok() ? std::string("ok") : r.status().message()));
  REQUIRE(r.ok());
  return *r;
}

Status MustRefuse(const std::string& input) {
  Result<ParsedCode> r = ParseCode(input);
  INFO("input: " << input);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalid);
  CHECK_FALSE(r.status().zh().empty());
  CHECK_FALSE(r.status().en().empty());
  return r.status();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("every accepted form of a unit code gives the normalised code", "[code_parser]") {
  const std::string code = Unit();
  const std::string display = FormatUnitCode(code);
  REQUIRE(display == "7KQ2-M9XW-40C1-DJH" + code.substr(15));
  std::string confused = display;
  for (char& c : confused) {
    if (c == '0') c = 'O';
    if (c == '1') c = 'l';
  }
  const std::vector<std::string> forms = {
      code,
      display,
      Lower(display),
      "  " + display + "\r\n",
      "7KQ2 M9XW 40C1 " + code.substr(12),
      confused,
      "7KQ2-M9XW-4OCI-" + code.substr(12),
      "７ＫＱ２－" + code.substr(4),  // full-width forms typed with a Chinese input method
      "7KQ2\u3000M9XW\u2014" + code.substr(8),
      "https://v.example.cn/q/" + display,
      "HTTPS://V.EXAMPLE.CN/Q/" + code,
      "https://v.example.cn/Q/" + Lower(code) + "/",
      "https://v.example.cn/q/" + code + "?from=groupmessage&isappinstalled=0",
      "http://trace.baisha.gov.cn/ab/q/" + code + "#top",
      "/q/" + code,
      "v.example.cn/q/" + code,
      UnitUrl("https://trace.baisha.gov.cn/ab", code),
      "https://id.example.cn/01/06901234567892/10/LOT-2026/21/" + code,
      "HTTPS://ID.EXAMPLE.CN/01/06901234567892/22/V2/10/LOT-2026/21/" + code,
      "https://id.example.cn/01/06901234567892/21/" + display,
      "https://id.example.cn/01/06901234567892/10/LOT%2D2026/21/" + code,
      Gs1DigitalLinkUrl("https://id.example.cn", "06901234567892", Lot(), code),
  };
  for (const std::string& form : forms) {
    ParsedCode p = MustParse(form);
    CHECK(p.kind == CodeKind::kUnit);
    CHECK(p.code == code);
    CHECK(DisplayCode(p) == display);
  }
}

TEST_CASE("the worked example of docs/formats/code.md holds", "[code_parser]") {
  CHECK(crockford::CheckChar("7KQ2M9XW40C1DJH") == 'N');
  CHECK(crockford::CheckChar("1ZX90ABCD") == 'N');
  CHECK(Unit() == "7KQ2M9XW40C1DJHN");
  CHECK(Lot() == "1ZX90ABCDN");
  for (const char* form :
       {"7kq2-m9xw-4oci-djhn", "7KQ2 M9XW 40C1 DJHN",
        "https://v.example.cn/q/7KQ2-M9XW-40C1-DJHN?from=groupmessage", "/Q/7KQ2M9XW40C1DJHN",
        "https://id.example.cn/01/06901234567892/22/V2/10/LOT-2026/21/7KQ2M9XW40C1DJHN"}) {
    CHECK(MustParse(form).code == "7KQ2M9XW40C1DJHN");
  }
  CHECK(UnitUrl("https://trace.baisha.gov.cn/ab", Unit()) ==
        "HTTPS://TRACE.BAISHA.GOV.CN/AB/Q/7KQ2M9XW40C1DJHN");
}

TEST_CASE("a GS1 Digital Link also yields its GTIN and lot", "[code_parser]") {
  ParsedCode p =
      MustParse("https://id.example.cn/01/06901234567892/22/V2/10/lot-2026/21/" + Unit());
  CHECK(p.gtin == "06901234567892");
  CHECK(p.gs1_lot == "LOT-2026");
  // A GTIN-13 is padded to 14 digits.
  CHECK(MustParse("https://id.example.cn/01/6901234567892/21/" + Unit()).gtin == "06901234567892");
  // A plain /q/ link carries none.
  CHECK(MustParse("https://v.example.cn/q/" + Unit()).gtin.empty());
}

TEST_CASE("every accepted form of a lot code gives a lot", "[code_parser]") {
  const std::string lot = Lot();
  REQUIRE(FormatLotCode(lot) == "1ZX90-ABCD" + lot.substr(9));
  for (const std::string& form :
       {lot, FormatLotCode(lot), Lower(FormatLotCode(lot)), std::string("IZX9O-") + lot.substr(5),
        LotUrl("https://v.example.cn", lot), "https://v.example.cn/q/" + FormatLotCode(lot),
        "https://id.example.cn/01/06901234567892/10/" + lot}) {
    ParsedCode p = MustParse(form);
    CHECK(p.kind == CodeKind::kLot);
    CHECK(p.code == lot);
    CHECK(DisplayCode(p) == FormatLotCode(lot));
  }
}

TEST_CASE("nothing given is refused as empty", "[code_parser]") {
  for (const std::string& input :
       {std::string(""), std::string("   "), std::string("- -"), std::string("\u3000")}) {
    CHECK(MustRefuse(input).reason() == kReasonEmpty);
  }
}

TEST_CASE("a wrong length says how many characters were given and expected", "[code_parser]") {
  const Status s = MustRefuse(Unit().substr(0, 15));
  CHECK(s.reason() == kReasonLength);
  CHECK(Contains(s.zh(), "15 个字符"));
  CHECK(Contains(s.zh(), "16"));
  CHECK(Contains(s.zh(), "10"));
  CHECK(Contains(s.en(), "15 characters given"));
  CHECK(Contains(s.en(), "a unit code has 16"));
  CHECK(Contains(MustRefuse(Unit() + "7").en(), "17 characters given"));
  // In a GS1 /21/ only a unit code can stand.
  const Status gs1 = MustRefuse("https://id.example.cn/01/06901234567892/21/" + Lot());
  CHECK(gs1.reason() == kReasonLength);
  CHECK(Contains(gs1.en(), "10 characters given, a unit code has 16"));
  const Status gs1_lot = MustRefuse("https://id.example.cn/01/06901234567892/10/" + Unit());
  CHECK(Contains(gs1_lot.en(), "16 characters given, a lot code has 10"));
}

TEST_CASE("a mistyped character is reported as a typo", "[code_parser]") {
  std::string typo = Unit();
  typo[6] = typo[6] == 'X' ? 'Y' : 'X';
  for (const std::string& input : {typo, FormatUnitCode(typo), "https://v.example.cn/q/" + typo}) {
    const Status s = MustRefuse(input);
    CHECK(s.reason() == kReasonCheck);
    CHECK(s.zh() == "请核对编码：有一个字符输错了");
    CHECK(s.en() == "check the code, a character is mistyped");
  }
  std::string lot_typo = Lot();
  lot_typo[0] = '2';
  CHECK(MustRefuse(lot_typo).reason() == kReasonCheck);
}

TEST_CASE("a character outside the alphabet is named", "[code_parser]") {
  std::string with_u = Unit();
  with_u[4] = 'U';
  const Status u = MustRefuse(with_u);
  CHECK(u.reason() == kReasonCharacter);
  CHECK(Contains(u.zh(), "「U」"));
  CHECK(Contains(u.zh(), "第 5 个字符"));
  CHECK(Contains(u.en(), "'U' (5th character)"));
  CHECK(Contains(u.en(), "did you mean V?"));
  // Lower case u is the same mistake.
  CHECK(Contains(MustRefuse(Lower(with_u)).en(), "'U'"));
  const Status han = MustRefuse("7KQ2茶M9XW40C1DJH");
  CHECK(han.reason() == kReasonCharacter);
  CHECK(Contains(han.zh(), "「茶」"));
  CHECK(Contains(han.en(), "(5th character)"));
  CHECK(Contains(MustRefuse("7KQ2M9XW40C1DJ.Z").en(), "'.' (15th character)"));
}

TEST_CASE("a link without a code is refused as a link", "[code_parser]") {
  for (const std::string& input :
       {std::string("https://v.example.cn/"), std::string("https://v.example.cn/q/"),
        std::string("https://v.example.cn/product/12"),
        "https://v.example.cn/q/" + Unit() + "/extra"}) {
    CHECK(MustRefuse(input).reason() == kReasonLink);
  }
  // GS1: a GTIN with a bad check digit, an unknown qualifier, qualifiers out of order, no code.
  const Status gtin = MustRefuse("https://id.example.cn/01/06901234567893/21/" + Unit());
  CHECK(gtin.reason() == kReasonLink);
  CHECK(Contains(gtin.en(), "GTIN '06901234567893'"));
  CHECK(MustRefuse("https://id.example.cn/01/06901234567892/17/260410/21/" + Unit()).reason() ==
        kReasonLink);
  CHECK(MustRefuse("https://id.example.cn/01/06901234567892/21/" + Unit() + "/10/" + Lot())
            .reason() == kReasonLink);
  CHECK(MustRefuse("https://id.example.cn/01/06901234567892/22/V2").reason() == kReasonLink);
}

}  // namespace
}  // namespace agritrace::labeler
