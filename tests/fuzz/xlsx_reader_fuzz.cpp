// Excel workbooks (registry/xlsx_reader.h). First input byte even: the rest is the .xlsx file
// itself (zip structure, libzip's checks, the limits). Odd: the rest is the sheet XML, then,
// after a NUL byte, the shared strings XML, zipped (stored) around a minimal workbook here, so
// that mutations reach the XML reader instead of breaking the zip's checksums.
//
// Checks: an accepted sheet gives rows numbered 1…1048576 in increasing order, with at most
// kMaxXlsxColumns cells whose text is valid UTF-8, trimmed, and, for a number cell, a number
// that reads back; the cells handed out stay within the limit. A refusal has one of the reader's
// reasons, in both languages; one of a cell ("xlsx-cell") names its row.
#include <zip.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agritrace/registry/text_decoding.h"
#include "agritrace/registry/xlsx_reader.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;

namespace {

// A zip holding `parts`, uncompressed, built in memory by libzip.
std::string Zip(const std::vector<std::pair<std::string, std::string_view>>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &error);
  FUZZ_CHECK(src);
  zip_source_keep(src);
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &error);
  FUZZ_CHECK(za);
  for (const auto& [name, content] : parts) {
    zip_source_t* s = zip_source_buffer(za, content.data(), content.size(), 0);
    FUZZ_CHECK(s);
    const zip_int64_t index = zip_file_add(za, name.c_str(), s, 0);
    FUZZ_CHECK(index >= 0);
    FUZZ_CHECK(zip_set_file_compression(za, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) == 0);
  }
  FUZZ_CHECK(zip_close(za) == 0);
  std::string out;
  FUZZ_CHECK(zip_source_open(src) == 0);
  char buf[4096];
  for (zip_int64_t n; (n = zip_source_read(src, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&error);
  return out;
}

std::string Workbook(std::string_view sheet, std::string_view strings) {
  static const std::string rels =
      "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
      "officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
      "</Relationships>";
  static const std::string workbook =
      "<workbook xmlns:r=\"r\"><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
      "</workbook>";
  static const std::string workbook_rels =
      "<Relationships><Relationship Id=\"rId1\" Type=\"w/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
      "<Relationship Id=\"rId2\" Type=\"w/sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>"
      "</Relationships>";
  return Zip({{"_rels/.rels", rels},
              {"xl/workbook.xml", workbook},
              {"xl/_rels/workbook.xml.rels", workbook_rels},
              {"xl/worksheets/sheet1.xml", sheet},
              {"xl/sharedStrings.xml", strings}});
}

void Check(std::string_view file) {
  XlsxLimits limits;
  limits.max_parts_bytes = 1 << 20;
  limits.max_cells = 20000;
  int64_t last = 0, cells = 0;
  Status s = ForEachXlsxRow(file, [&](const TableRow& row) -> Status {
    FUZZ_CHECK(row.line > last && row.line <= kMaxXlsxRows);
    last = row.line;
    FUZZ_CHECK(!row.cells.empty() && static_cast<int64_t>(row.cells.size()) <= kMaxXlsxColumns);
    cells += static_cast<int64_t>(row.cells.size());
    FUZZ_CHECK(cells <= limits.max_cells);
    FUZZ_CHECK(!row.cells.back().text.empty());
    for (const TableCell& c : row.cells) {
      FUZZ_CHECK(IsUtf8(c.text));
      if (c.text.empty()) continue;
      FUZZ_CHECK(c.text.front() != ' ' && c.text.back() != ' ');
      if (c.number) {
        double d = 0;
        auto [end, ec] = std::from_chars(c.text.data(), c.text.data() + c.text.size(), d);
        FUZZ_CHECK(ec == std::errc() && end == c.text.data() + c.text.size());
      }
    }
    return Status::Ok();
  }, limits);
  if (s.ok()) return;
  const std::string& reason = s.reason();
  FUZZ_CHECK(reason == "xlsx-format" || reason == "xlsx-limit" || reason == "xlsx-cell");
  FUZZ_CHECK(!s.zh().empty() && !s.en().empty());
  if (reason == "xlsx-cell") FUZZ_CHECK(s.zh().rfind("第 ", 0) == 0 && s.en().rfind("line ", 0) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    Check(rest);
    return 0;
  }
  const size_t nul = rest.find('\0');
  const std::string_view sheet = rest.substr(0, nul);
  const std::string_view strings =
      nul == std::string_view::npos ? std::string_view("<sst/>") : rest.substr(nul + 1);
  Check(Workbook(sheet, strings));
  return 0;
}
