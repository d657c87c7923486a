// Households as cooperatives keep them: cells pasted from a spreadsheet (tabs) or a CSV file in
// UTF-8 or GBK, read into exact grams, with the line that cannot be read named in both languages.
#include "agritrace/registry/household_table.h"

#include <catch2/catch.hpp>

using namespace agritrace;

TEST_CASE("kilograms become exact grams", "[household_table]") {
  CHECK(*ParseKilograms("120") == 120000);
  CHECK(*ParseKilograms("120.5") == 120500);
  CHECK(*ParseKilograms("0.125") == 125);
  CHECK(*ParseKilograms("999999999.999") == 999999999999);
  for (const char* bad :
       {"", ".5", "1.2345", "1e3", "-1", "1,000", "1000000000", "12 kg", "１２"}) {
    INFO(bad);
    auto r = ParseKilograms(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().reason() == "kilograms-format");
  }
}

TEST_CASE("a spreadsheet paste: tabs, a header, 是/否 and CRLF", "[household_table]") {
  auto r = ParseHouseholdTable(
      "户号\t公斤\t脱贫户\r\nH-0001\t120.5\t是\r\nH-0002\t1,200\t否\r\n\r\nH-0003\t80\tY\r\n"
      "H-0004\t7\t\r\nH-0005\t3\tno\r\nH-0006\t4\t1\r\n");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 6);
  CHECK((*r)[0].id == "H-0001");
  CHECK((*r)[0].grams == 120500);
  CHECK((*r)[0].registered_poor);
  CHECK((*r)[1].grams == 1200000);  // Excel's thousands separator, when cells are tab-separated
  CHECK_FALSE((*r)[1].registered_poor);
  CHECK((*r)[2].registered_poor);
  CHECK_FALSE((*r)[3].registered_poor);  // empty: no
  CHECK_FALSE((*r)[4].registered_poor);
  CHECK((*r)[5].registered_poor);
}

TEST_CASE("a CSV file: BOM, quotes, two columns, yes/N", "[household_table]") {
  auto r =
      ParseHouseholdTable("\xEF\xBB\xBFhousehold,kg,poor\n\"H,7\",12.25,yes\nH-8,3,N\nH-9,5\n");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].id == "H,7");
  CHECK((*r)[0].grams == 12250);
  CHECK((*r)[0].registered_poor);
  CHECK_FALSE((*r)[1].registered_poor);
  CHECK((*r)[2].grams == 5000);
}

TEST_CASE("an unreadable line is named, in Chinese and English", "[household_table]") {
  struct Case {
    std::string text, line;
  } cases[] = {
      {"H-1\t10\t是\nH-2\tten\t否\n", "2"},  // kg not a number (and not the header line)
      {"H-1\t10\t也许\n", "1"},              // flag
      {"H-1\t10\t是\textra\n", "1"},         // four cells
      {"H-1\n", "1"},                        // one cell
      {"户号,公斤\n\t10\t是\n", "2"},        // no id
      {"H-1,10,是\nH-2,1.2345,否\n", "2"},   // four decimals
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto r = ParseHouseholdTable(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().reason() == "household-table");
    CHECK(r.status().zh().find("第 " + c.line + " 行") != std::string::npos);
    CHECK(r.status().en().find("line " + c.line) != std::string::npos);
  }
}

TEST_CASE("GBK bytes are read, an oversized table, too many rows and no rows are refused",
          "[household_table]") {
  auto gbk = ParseHouseholdTable("\xBB\xA7\xBA\xC5\xD2\xBB,10,1\n");  // 户号一 in GBK
  REQUIRE(gbk.ok());
  CHECK((*gbk)[0].id == "户号一");
  auto big = ParseHouseholdTable(std::string(kMaxHouseholdTableBytes + 1, '\n'));
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().en().find("8 MB") != std::string::npos);
  std::string many;
  for (size_t i = 0; i <= kMaxHouseholdRows; ++i) many += "H" + std::to_string(i) + ",1,0\n";
  auto r = ParseHouseholdTable(many);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().en().find("at most 100,000 households") != std::string::npos);
  auto none = ParseHouseholdTable("");
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().reason() == "household-table");
}
