#include "agritrace/registry/table_import.h"

#include <fstream>

#include "agritrace/registry/text_decoding.h"
#include "registry/csv_rows.h"

namespace agritrace {

Status RowRefusal(int64_t line, const std::string& zh, const std::string& en,
                  const std::string& reason) {
  const std::string n = std::to_string(line);
  return Status::Invalid("第 " + n + " 行：" + zh + "（文件未导入）",
                         "line " + n + ": " + en + " (nothing imported)")
      .with_reason(reason);
}

std::optional<bool> ParseYesNo(std::string v) {
  for (char& c : v)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (v.empty() || v == "0" || v == "false" || v == "no" || v == "否" || v == "n") return false;
  if (v == "1" || v == "true" || v == "yes" || v == "是" || v == "y") return true;
  return std::nullopt;
}

void TrimCell(std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return text.clear();
  text.erase(text.find_last_not_of(" \t") + 1);
  text.erase(0, first);
}

Status ForEachTableRow(std::string_view file_bytes, const RowFn& each, const XlsxLimits& limits) {
  if (LooksLikeZip(file_bytes)) return ForEachXlsxRow(file_bytes, each, limits);
  if (file_bytes.substr(0, 8) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
    return Status::Invalid("这是旧版 Excel 文件（.xls）：请在 Excel 中另存为 .xlsx 或“CSV UTF-8”"
                           "后再导入（文件未导入）",
                           "this is an old Excel file (.xls): save it from Excel as .xlsx or "
                           "'CSV UTF-8' and import again (nothing imported)")
        .with_reason("xls-format");
  }
  Result<std::string> text = DecodeSpreadsheetText(file_bytes);
  if (!text.ok()) return text.status();
  // A first line with a tab is tab-separated: cells pasted from a spreadsheet, or Excel's
  // "Text (Tab delimited)"; otherwise CSV.
  const std::string_view first_line = std::string_view(*text).substr(0, text->find('\n'));
  return ForEachCsvRow(*text, each, first_line.find('\t') != std::string_view::npos ? '\t' : ',');
}

Result<std::string> ReadImportFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::NotFound("无法读取文件 " + path, "cannot read file " + path);
  const std::streamoff size = in.tellg();
  if (size < 0) return Status::NotFound("无法读取文件 " + path, "cannot read file " + path);
  if (size > kMaxImportFileBytes)
    return Status::Invalid("文件 " + path + " 超过 512 MB：请拆成几个文件分别导入",
                           "the file " + path + " is larger than 512 MB: split it and import "
                           "each part")
        .with_reason("import-too-large");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size))
    return Status::NotFound("无法读取文件 " + path, "cannot read file " + path);
  return bytes;
}

}  // namespace agritrace
