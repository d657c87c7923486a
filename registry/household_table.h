// Contributing households as a cooperative keeps them: a spreadsheet of 户号, 公斤, 脱贫户, pasted
// as tab-separated cells or saved as CSV. The lot's issue rules judge the households themselves
// (pseudonymous ids, mass); this reads the table and names the line that cannot be read.
#pragma once

#include <string_view>
#include <vector>

#include "registry/lots.h"

namespace agritrace {

// A pasted table or uploaded file larger than this, or with more rows, is refused unread.
inline constexpr size_t kMaxHouseholdTableBytes = 1 << 20;
inline constexpr size_t kMaxHouseholdRows = 10000;

// Decimal kilograms ("120", "120.5", "0.125") as exact grams: digits only, up to 9 before the
// point and 3 after. No floating point reaches signed data.
Result<int64_t> ParseKilograms(std::string_view text);

// Lines of `户号, 公斤[, 脱贫户]`: cells separated by tabs (copied from a spreadsheet) or commas
// (CSV, RFC 4180 quotes within a line); UTF-8 with or without BOM; CRLF or LF; blank lines
// skipped; a first line whose 公斤 cell is not a number is a header. 脱贫户 is 是/否, 1/0,
// yes/no or Y/N (empty: no); a 公斤 cell copied with thousands separators ("1,200") is read as
// 1200 when the cells are tab-separated. Refusals (reason "household-table") name the line.
Result<std::vector<Household>> ParseHouseholdTable(std::string_view text);

}  // namespace agritrace
