// The text of an imported CSV file: encoding detection and GB18030 decoding
// (registry/text_decoding.h), then RFC 4180 records (registry/csv_rows.h). The input is the file.
//
// Checks: decoded text is valid UTF-8; valid UTF-8 input with a three- or four-byte
// character comes back unchanged; a refusal of the encoding has reason "text-encoding" and
// names a line that exists. Records: line numbers start at 1 and increase, fields are trimmed
// and at most kMaxCsvFields; a refusal is "csv-format" naming a line; and the records written
// back as CSV (every field quoted) read back to the same fields.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/text_decoding.h"
#include "registry/csv_rows.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;

namespace {

std::vector<std::vector<std::string>> Records(std::string_view text, Status* status,
                                              size_t lines) {
  std::vector<std::vector<std::string>> out;
  int64_t last = 0;
  *status = ForEachCsvRow(text, [&](const TableRow& row) -> Status {
    FUZZ_CHECK(row.line > last && row.line <= static_cast<int64_t>(lines));
    last = row.line;
    FUZZ_CHECK(!row.cells.empty() && row.cells.size() <= kMaxCsvFields);
    std::vector<std::string> fields;
    for (const TableCell& c : row.cells) {
      FUZZ_CHECK(!c.number);
      if (!c.text.empty()) {
        FUZZ_CHECK(c.text.front() != ' ' && c.text.front() != '\t');
        FUZZ_CHECK(c.text.back() != ' ' && c.text.back() != '\t');
      }
      fields.push_back(c.text);
    }
    out.push_back(std::move(fields));
    return Status::Ok();
  });
  return out;
}

bool HasWideUtf8(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xE0; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // CR, LF and CRLF each end a line; a line count no record may pass.
  const size_t lines = 1 + std::count(bytes.begin(), bytes.end(), '\n') +
                       std::count(bytes.begin(), bytes.end(), '\r');
  Result<std::string> text = DecodeSpreadsheetText(bytes);
  if (!text.ok()) {
    FUZZ_CHECK(text.status().reason() == "text-encoding");
    FUZZ_CHECK(text.status().zh().rfind("第 ", 0) == 0 && text.status().en().rfind("line ", 0) == 0);
    const int64_t line = std::stoll(text.status().en().substr(5));
    FUZZ_CHECK(line >= 1 && line <= static_cast<int64_t>(lines));
    return 0;
  }
  FUZZ_CHECK(IsUtf8(*text));
  if (IsUtf8(bytes) && HasWideUtf8(bytes) && bytes.rfind("\xEF\xBB\xBF", 0) != 0)
    FUZZ_CHECK(*text == bytes);

  Status status;
  std::vector<std::vector<std::string>> records = Records(*text, &status, lines);
  if (!status.ok()) {
    FUZZ_CHECK(status.reason() == "csv-format");
    FUZZ_CHECK(status.zh().rfind("第 ", 0) == 0 && status.en().rfind("line ", 0) == 0);
    return 0;
  }
  std::string csv;
  for (const auto& record : records) {
    for (size_t i = 0; i < record.size(); ++i) {
      csv += i ? ",\"" : "\"";
      for (char c : record[i]) csv += c == '"' ? std::string("\"\"") : std::string(1, c);
      csv += '"';
    }
    csv += "\r\n";
  }
  Status again_status;
  const size_t again_lines = 1 + std::count(csv.begin(), csv.end(), '\n') * 2;
  FUZZ_CHECK(Records(csv, &again_status, again_lines) == records);
  FUZZ_CHECK(again_status.ok());
  return 0;
}
