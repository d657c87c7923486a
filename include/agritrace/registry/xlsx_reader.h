// The first sheet of an Excel workbook (.xlsx: a zip of SpreadsheetML parts, ECMA-376), read
// through libzip and a strict reader of the few parts it needs: _rels/.rels to the workbook,
// the workbook and its rels to the first sheet and the shared strings, then the sheet's rows.
// Cells: shared and inline strings, numbers (shortest decimal form, whole numbers without
// ".0"), booleans (TRUE/FALSE, as Excel writes them to CSV), formula results; an error cell
// (#N/A…) refuses its row. Number formats are not applied: a date cell reads as Excel's day
// number. Refusals that concern a row name it as "第 N 行" / "line N", N being Excel's row number.
#pragma once

#include <cstdint>
#include <string_view>

#include "agritrace/registry/table_row.h"

namespace agritrace {

// Limits on a workbook from a stranger (zip bombs, huge sheets); see docs/security.md.
struct XlsxLimits {
  int64_t max_file_bytes = int64_t{64} << 20;   // the .xlsx file itself
  int64_t max_entries = 1000;                   // files in the zip (Excel writes about 10)
  int64_t max_parts_bytes = int64_t{128} << 20; // the parts read, uncompressed, all together
  int64_t max_cells = int64_t{16} << 20;        // cells handed out, empty ones between included
};

// A cell beyond this column (AMJ) is refused: imports need a few columns, and each row is
// handed out with every cell up to its last.
inline constexpr int64_t kMaxXlsxColumns = 1024;
// Excel's own row limit.
inline constexpr int64_t kMaxXlsxRows = 1048576;

// True when `bytes` start as a zip file does ("PK\3\4").
bool LooksLikeZip(std::string_view bytes);

// Calls `each` with every row of the first sheet that holds some text. Refusals have reason
// "xlsx-format" (not a readable workbook), "xlsx-limit" (past `limits`) or "xlsx-cell".
Status ForEachXlsxRow(std::string_view bytes, const RowFn& each, const XlsxLimits& limits = {});

}  // namespace agritrace
