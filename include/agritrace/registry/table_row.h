// A row of a table a user imports (regions, 有机码, households), whatever file it came from: the
// line of a CSV file or the row of an Excel sheet, as the user sees it numbered.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/registry/status.h"

namespace agritrace {

struct TableCell {
  std::string text;     // UTF-8, spaces and tabs trimmed at both ends
  bool number = false;  // an Excel number cell (text is its shortest decimal form)
};

struct TableRow {
  int64_t line = 0;  // the CSV line the row starts on, or the Excel row number
  std::vector<TableCell> cells;
};

// Called once per row that holds some text, in order; a Status that is not ok stops the reading
// and is returned.
using RowFn = std::function<Status(const TableRow&)>;

// "第 N 行：… （文件未导入）" / "line N: … (nothing imported)": every refusal of an import
// names the row the user fixes, and says nothing was written.
Status RowRefusal(int64_t line, const std::string& zh, const std::string& en,
                  const std::string& reason);

// A yes/no cell: "" 0 false no 否 n, or 1 true yes 是 y, any case (Excel writes TRUE/FALSE);
// nullopt for anything else.
std::optional<bool> ParseYesNo(std::string text);

// Removes spaces and tabs at both ends of `text`, as every cell is given.
void TrimCell(std::string& text);

}  // namespace agritrace
