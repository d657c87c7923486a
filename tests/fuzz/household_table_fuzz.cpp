// registry/household_table.h: what a clerk pastes from a spreadsheet or uploads as a CSV.
// Invariants: a refusal has reason household-table or one of the table reader's (encoding, CSV,
// workbook) and text in both languages; an accepted table has at most kMaxHouseholdRows rows, each with a non-empty id
// and grams within 999,999,999.999 kg; writing the rows back as tab-separated lines (kg with
// three decimals, 是/否) and reading them again gives the same rows.
#include <cstdint>
#include <string>

#include "agritrace/registry/household_table.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;

namespace {
bool NeedsQuotes(const std::string& id) {
  return id.find_first_of("\t\",\r\n") != std::string::npos || id.front() == ' ' ||
         id.back() == ' ';
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = ParseHouseholdTable(text);
  if (!r.ok()) {
    const std::string& reason = r.status().reason();
    FUZZ_CHECK(reason == "household-table" || reason == "text-encoding" || reason == "csv-format" ||
               reason == "xlsx-format" || reason == "xlsx-limit" || reason == "xlsx-cell" ||
               reason == "xls-format");
    FUZZ_CHECK(!r.status().zh().empty() && !r.status().en().empty());
    return 0;
  }
  FUZZ_CHECK(r->size() <= kMaxHouseholdRows);
  std::string again = "户号\t公斤\t脱贫户\n";
  for (const auto& h : *r) {
    FUZZ_CHECK(!h.id.empty());
    FUZZ_CHECK(h.grams >= 0 && h.grams <= 999999999999);
    if (NeedsQuotes(h.id)) return 0;  // a round trip needs the quoting the fuzzer found
    char kg[32];
    std::snprintf(kg, sizeof kg, "%lld.%03lld", static_cast<long long>(h.grams / 1000),
                  static_cast<long long>(h.grams % 1000));
    again += h.id + "\t" + kg + "\t" + (h.registered_poor ? "是" : "否") + "\n";
  }
  auto back = ParseHouseholdTable(again);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(back->size() == r->size());
  for (size_t i = 0; i < r->size(); ++i) {
    FUZZ_CHECK((*back)[i].id == (*r)[i].id);
    FUZZ_CHECK((*back)[i].grams == (*r)[i].grams);
    FUZZ_CHECK((*back)[i].registered_poor == (*r)[i].registered_poor);
  }
  return 0;
}
