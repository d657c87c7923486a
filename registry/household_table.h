// The households that supplied a lot (DESIGN.md §4), from the table a cooperative keeps in Excel:
// `编号,公斤[,脱贫户]` (pseudonymous id, kilograms with up to 3 decimals, registered-poor flag
// 是/否, 1/0 or TRUE/FALSE), an optional header row first, from CSV or .xlsx
// (registry/table_import.h). The lot's issue rules (registry/issue_rules.h) then check the ids
// and weights as for households typed one by one.
#pragma once

#include <string_view>
#include <vector>

#include "registry/lots.h"

namespace agritrace {

// At most this many households a lot: more is not a lot from one village's harvest.
inline constexpr size_t kMaxHouseholdRows = 100000;

// The households of the file's rows. Refused naming the line (reason "household-table"): a row
// without id and kilograms, kilograms not a decimal number, an unknown flag, the same id twice,
// more than kMaxHouseholdRows rows; or a reason of the table reader.
Result<std::vector<Household>> ParseHouseholdTable(std::string_view file);

}  // namespace agritrace
