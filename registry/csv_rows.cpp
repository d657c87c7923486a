#include "registry/csv_rows.h"

namespace agritrace {
namespace {

bool HasText(const TableRow& row) {
  for (const TableCell& c : row.cells)
    if (!c.text.empty()) return true;
  return false;
}

}  // namespace

Status ForEachCsvRow(std::string_view text, const RowFn& each, char separator) {
  size_t i = 0;
  int64_t line = 1;
  // Past a line ending (CRLF, LF or CR) at i, counting it.
  auto end_of_line = [&]() {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    ++i;
    ++line;
  };
  while (i < text.size()) {
    TableRow row;
    row.line = line;
    for (bool record_done = false; !record_done;) {
      if (row.cells.size() == kMaxCsvFields)
        return RowRefusal(row.line, "字段超过 16384 个", "more than 16384 fields", "csv-format");
      std::string field;
      bool quoted = false;
      // Unquoted text up to a separator or line end; a quote after only blanks opens a quoted
      // field.
      while (i < text.size() && text[i] != separator && text[i] != '\n' && text[i] != '\r') {
        if (text[i] == '"' && field.find_first_not_of(" \t") == std::string::npos && !quoted) {
          quoted = true;
          field.clear();
          ++i;
          const int64_t opened = line;
          for (;;) {
            if (i == text.size())
              return RowRefusal(opened, "引号没有闭合：带引号的字段缺少结尾的 \"",
                                "a quoted field has no closing \"", "csv-format");
            if (text[i] == '"') {
              if (i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                i += 2;
                continue;
              }
              ++i;
              break;
            }
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
              field += '\n';
              ++line;
              ++i;
              continue;
            }
            if (text[i] == '\r') {  // CRLF inside quotes: one line break
              ++i;
              continue;
            }
            field += text[i++];
          }
          while (i < text.size() && text[i] != separator && (text[i] == ' ' || text[i] == '\t')) ++i;
          if (i < text.size() && text[i] != separator && text[i] != '\n' && text[i] != '\r')
            return RowRefusal(line, "引号后面还有字符：字段里的引号要写成两个 \"\"",
                              "text after a closing quote: a quote inside a field is written \"\"",
                              "csv-format");
          break;
        }
        field += text[i++];
      }
      TrimCell(field);
      row.cells.push_back({std::move(field), false});
      if (i == text.size()) {
        record_done = true;
      } else if (text[i] == separator) {
        ++i;
      } else {
        end_of_line();
        record_done = true;
      }
    }
    if (HasText(row)) {
      if (Status s = each(row); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

}  // namespace agritrace
