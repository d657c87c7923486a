// The households that supplied a lot (DESIGN.md §4), from the table a cooperative keeps in Excel:
// `户号,公斤[,脱贫户]` (pseudonymous id, kilograms with up to 3 decimals, registered-poor flag
// 是/否, 1/0, yes/no, Y/N or TRUE/FALSE), an optional header row first, as cells pasted from a
// spreadsheet (tab-separated), a CSV file (UTF-8 or GBK) or an .xlsx workbook, all read by
// registry/table_import.h. The lot's issue rules (registry/issue_rules.h) then check the ids and
// weights as for households typed one by one.
#pragma once

#include <string_view>
#include <vector>

#include "agritrace/registry/lots.h"

namespace agritrace {

// At most this many households a lot: more is not a lot from one village's harvest.
inline constexpr size_t kMaxHouseholdRows = 100000;
// A household table larger than this is refused unread (100,000 rows fit many times over).
inline constexpr size_t kMaxHouseholdTableBytes = 8 << 20;

// The households of the table's rows. Refused naming the line (reason "household-table"): a row
// without id and kilograms, kilograms not a decimal number, an unknown flag, the same id twice,
// more than kMaxHouseholdRows rows, no household at all, a table over kMaxHouseholdTableBytes;
// or a reason of the table reader. A 公斤 cell with thousands separators ("1,200", as Excel
// copies a formatted number) is read as 1200.
Result<std::vector<Household>> ParseHouseholdTable(std::string_view file);

}  // namespace agritrace
