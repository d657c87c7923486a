// The one way an import reads a user's table (regions, 有机码, households): CSV in UTF-8 with or
// without a BOM or in GBK/GB18030 (registry/text_decoding.h), RFC 4180 fields
// (registry/csv_rows.h; tab-separated when the first line has a tab, as pasted cells are), or
// an Excel workbook's first sheet (registry/xlsx_reader.h), told apart by the file's first
// bytes, never by a flag or its name. The importers see rows of UTF-8 cells
// numbered as the user sees them, and handle no encoding themselves.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "agritrace/registry/table_row.h"
#include "agritrace/registry/xlsx_reader.h"

namespace agritrace {

// An import file larger than this is refused before it is read (10 million 有机码 are 190 MB).
inline constexpr int64_t kMaxImportFileBytes = int64_t{512} << 20;

// Calls `each` with every row of the file that holds some text. Refusals: those of the readers,
// and an old binary Excel file (.xls, reason "xls-format") named as such.
Status ForEachTableRow(std::string_view file_bytes, const RowFn& each,
                       const XlsxLimits& limits = {});

// The bytes of an import file; NotFound when it cannot be read, Invalid ("import-too-large")
// past kMaxImportFileBytes.
Result<std::string> ReadImportFile(const std::string& path);

}  // namespace agritrace
