// RFC 4180 records of CSV text: fields separated by commas, a field in double quotes may hold
// commas, doubled quotes and line breaks; records end in CRLF, LF or a lone CR (old Mac Excel).
// Lenient where spreadsheets and hand-typed files are: a quote inside an unquoted field is a
// quote, spaces may surround a quoted field. Strict where the row would be misread: an
// unterminated quote, or text after a closing quote, refuse the file naming the line.
#pragma once

#include <string_view>

#include "agritrace/registry/table_row.h"

namespace agritrace {

// At most this many fields a record (Excel's column count), so a line of commas stays cheap.
inline constexpr size_t kMaxCsvFields = 16384;

// Calls `each` with every record of UTF-8 `text` (no BOM) that holds some text; TableRow::line is
// the line the record starts on. Refusals have reason "csv-format". `separator` is ',' or '\t'
// (cells copied from a spreadsheet, or Excel's "Text (Tab delimited)").
Status ForEachCsvRow(std::string_view text, const RowFn& each, char separator = ',');

}  // namespace agritrace
