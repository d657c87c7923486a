// Field validators: credit codes, GTINs, region codes, certificate numbers, dates.
#include <catch2/catch.hpp>

#include "agritrace/registry/cert_number.h"
#include "agritrace/registry/dates.h"
#include "registry/credit_code.h"
#include "registry/gtin.h"
#include "registry/region_code.h"

using namespace agritrace;

TEST_CASE("credit code checksum (GB 32100-2015)", "[validation]") {
  CHECK(ValidateCreditCode("91350100M000100Y43").ok());
  CHECK(ValidateCreditCode("91620105L015101280").ok());  // check character 0
  Status bad = ValidateCreditCode("91350100M000100Y4Z");
  CHECK(bad.code() == StatusCode::kInvalid);
  CHECK(bad.reason() == "credit-code-check");
  CHECK(bad.zh().find("校验位") != std::string::npos);
  CHECK(ValidateCreditCode("91350100M000100Y4").reason() == "credit-code-length");
  CHECK(ValidateCreditCode("91350100M0001O0Y43").reason() == "credit-code-character");  // letter O
  // Farmers' cooperatives register under N (agriculture bodies): N1, N2, N3 with valid checks.
  for (std::string prefix : {"N1", "N2", "N3"}) {
    std::string body = prefix + "469025MA5T0000";
    body += "0";
    // find the check character that makes it valid, then prove one other fails
    int valid = 0;
    for (char c : std::string("0123456789ABCDEFGHJKLMNPQRTUWXY"))
      if (ValidateCreditCode(body + c).ok()) ++valid;
    CHECK(valid == 1);
  }
}

TEST_CASE("GTIN check digit and normalisation to GTIN-14", "[validation]") {
  auto g = NormalizeGtin("6901234567892");
  REQUIRE(g.ok());
  CHECK(*g == "06901234567892");
  CHECK(NormalizeGtin("06901234567892").ok());
  CHECK(NormalizeGtin("6901234567893").status().reason() == "gtin-check");
  CHECK(NormalizeGtin("69012345").status().reason() == "gtin-check");
  CHECK(NormalizeGtin("96385074").ok());  // GTIN-8
  CHECK(NormalizeGtin("690123456789X").status().reason() == "gtin-format");
  CHECK(NormalizeGtin("123").status().reason() == "gtin-format");
}

TEST_CASE("region codes: 6 or 12 digits, parents", "[validation]") {
  CHECK(ValidateRegionCodeFormat("469025").ok());
  CHECK(ValidateRegionCodeFormat("469025100201").ok());
  CHECK_FALSE(ValidateRegionCodeFormat("46902").ok());
  CHECK_FALSE(ValidateRegionCodeFormat("46902510020A").ok());
  CHECK(ParentRegionCode("469025100201") == "469025100000");
  CHECK(ParentRegionCode("469025100000") == "469025");
  CHECK(ParentRegionCode("469025") == "469000");
  CHECK(ParentRegionCode("460000") == "");
}

TEST_CASE("certificate number formats by type", "[validation]") {
  auto ok = [](const char* type, const char* number) {
    return ValidateCertNumber(*FindCertType(type), number).ok();
  };
  CHECK(ok("green-food", "LB-18-2304460123A"));
  CHECK(ok("green-food", "LB-15-2103130543AA"));
  CHECK(ok("green-food", "GF469025230001"));
  CHECK_FALSE(ok("green-food", "LB-18-230446012A"));
  CHECK_FALSE(ok("green-food", "GF46902523001"));
  CHECK(ok("geographic-indication", "AGI01234"));
  CHECK_FALSE(ok("geographic-indication", "AGI1234"));
  CHECK_FALSE(ok("geographic-indication", "agi01234"));
  CHECK(ok("sc-license", "SC11646902500013"));
  CHECK_FALSE(ok("sc-license", "SC1164690250001"));
  CHECK(ok("organic", "124OP2300123"));
  CHECK_FALSE(ok("organic", "有机"));
  CHECK(ok("pollution-free", "WGH-HN-23-00123"));
  CHECK(FindCertType("halal") == nullptr);
  Status s = ValidateCertNumber(*FindCertType("geographic-indication"), "AGI1");
  CHECK(s.zh().find("AGI01234") != std::string::npos);  // the message shows a correct example
}

TEST_CASE("dates and timestamps", "[validation]") {
  CHECK(ParseDate("2026-02-28", "d", "d").ok());
  CHECK_FALSE(ParseDate("2026-02-29", "d", "d").ok());
  CHECK(ParseDate("2024-02-29", "d", "d").ok());
  CHECK_FALSE(ParseDate("2026-4-1", "d", "d").ok());
  CHECK(ValidityEnd("2025-05-01", 3) == "2028-04-30");
  CHECK(ValidityEnd("2024-02-29", 1) == "2025-02-27");
  CHECK(AddDays("2026-03-01", -1) == "2026-02-28");
  CHECK(DaysBetween("2026-01-01", "2026-03-01") == 59);
  auto t = ParseTimestamp("2026-04-10T08:30:00+08:00");
  REQUIRE(t.ok());
  CHECK(*t == "2026-04-10T00:30:00Z");
  CHECK(*ParseTimestamp("2026-04-10") == "2026-04-09T16:00:00Z");
  CHECK_FALSE(ParseTimestamp("2026-04-10 8:30").ok());
  CHECK(ShanghaiTime("2026-04-10T00:30:00Z") == "2026-04-10 08:30");
  // Past midnight in Beijing: the next day, month and year.
  CHECK(ShanghaiTime("2026-04-10T16:05:59Z") == "2026-04-11 00:05");
  CHECK(ShanghaiTime("2026-02-28T23:59:00Z") == "2026-03-01 07:59");
  CHECK(ShanghaiTime("2024-02-28T20:00:00Z") == "2024-02-29 04:00");
  CHECK(ShanghaiTime("2026-12-31T16:00:00Z") == "2027-01-01 00:00");
  // Other RFC 3339 forms take the general path; what is not a time is shown as it is.
  CHECK(ShanghaiTime("2026-04-10T08:30:00+08:00") == "2026-04-10 08:30");
  CHECK(ShanghaiTime("2026-02-30T00:00:00Z") == "2026-02-30T00:00:00Z");
  CHECK(ShanghaiTime("garbage") == "garbage");
}
