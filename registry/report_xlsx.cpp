#include "agritrace/registry/report_xlsx.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>

namespace agritrace {
namespace {

// A sheet name Excel accepts: no []:*?/\, at most 31 characters, unique in the workbook.
std::string SheetName(const std::string& title, size_t index) {
  std::string name;
  size_t chars = 0;
  for (size_t i = 0; i < title.size() && chars < 28;) {
    const auto c = static_cast<unsigned char>(title[i]);
    const size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    std::string ch = title.substr(i, len);
    if (ch.size() == 1 && std::string("[]:*?/\\'").find(ch[0]) != std::string::npos) ch = " ";
    name += ch;
    i += len;
    ++chars;
  }
  return std::to_string(index + 1) + " " + name;
}

Status Failed(const std::string& path, lxw_error e) {
  return Status::Io("无法写入 Excel 文件 " + path + "：" + lxw_strerror(e),
                    "cannot write the Excel file " + path + ": " + lxw_strerror(e));
}

}  // namespace

Status WriteReportsXlsx(const std::vector<Report>& reports, const std::string& path) {
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;  // rows go out in order: memory stays flat
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpdir = tmp && *tmp ? tmp : "";
  options.tmpdir = tmpdir.empty() ? nullptr : tmpdir.data();
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (!wb) return Failed(path, LXW_ERROR_CREATING_XLSX_FILE);
  lxw_format* head = workbook_add_format(wb);
  format_set_bold(head);
  format_set_bg_color(head, 0xEEF2EA);
  lxw_format* decimals[4] = {nullptr, workbook_add_format(wb), workbook_add_format(wb),
                             workbook_add_format(wb)};
  format_set_num_format(decimals[1], "0.0");
  format_set_num_format(decimals[2], "0.00");
  format_set_num_format(decimals[3], "0.000");
  static const std::regex kDecimal(R"(-?\d{1,15}(\.\d{1,3})?)");

  for (size_t r = 0; r < reports.size(); ++r) {
    const Report& report = reports[r];
    lxw_worksheet* ws = workbook_add_worksheet(wb, SheetName(report.title_zh, r).c_str());
    if (!ws) {
      workbook_close(wb);
      std::remove(path.c_str());
      return Failed(path, LXW_ERROR_SHEETNAME_ALREADY_USED);
    }
    for (size_t c = 0; c < report.columns.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      worksheet_write_string(ws, 0, col, ColumnTitleZh(report.columns[c]).c_str(), head);
      worksheet_set_column(ws, col, col, 16, nullptr);
    }
    worksheet_freeze_panes(ws, 1, 0);
    lxw_row_t row = 1;
    for (const Json& values : report.rows) {
      for (size_t c = 0; c < report.columns.size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        const Json& v = values.value(report.columns[c], Json());
        if (v.is_number_integer()) {
          worksheet_write_number(ws, row, col, static_cast<double>(v.get<int64_t>()), nullptr);
        } else if (v.is_boolean()) {
          worksheet_write_boolean(ws, row, col, v.get<bool>() ? 1 : 0, nullptr);
        } else if (v.is_string()) {
          const std::string& s = v.get_ref<const std::string&>();
          if (IsQuantityColumn(report.columns[c]) && std::regex_match(s, kDecimal)) {
            const size_t dot = s.find('.');
            const size_t places = dot == std::string::npos ? 0 : s.size() - dot - 1;
            worksheet_write_number(ws, row, col, std::strtod(s.c_str(), nullptr),
                                   decimals[places]);
          } else {
            worksheet_write_string(ws, row, col, s.c_str(), nullptr);
          }
        } else if (!v.is_null()) {
          worksheet_write_string(ws, row, col, v.dump().c_str(), nullptr);
        }
      }
      ++row;
    }
  }
  const lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR) {
    std::remove(path.c_str());
    return Failed(path, e);
  }
  return Status::Ok();
}

Result<std::string> ReportsXlsx(const std::vector<Report>& reports) {
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/agritrace-report-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0)
    return Status::Io("无法创建临时文件 " + path, "cannot create a temporary file " + path);
  close(fd);
  Status s = WriteReportsXlsx(reports, path);
  if (!s.ok()) {
    std::remove(path.c_str());
    return s;
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const bool read = !in.bad();
  std::remove(path.c_str());
  if (!read) return Status::Io("无法读取临时文件 " + path, "cannot read the temporary file " + path);
  return bytes;
}

}  // namespace agritrace
