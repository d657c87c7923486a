// The one row reader of imports (registry/table_import.h): CSV in UTF-8, UTF-8 with BOM and
// GBK/GB18030, RFC 4180 fields, and .xlsx, feeding regions, 有机码 and households alike.
#include <iconv.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <catch2/catch.hpp>
#include <variant>

#include "agritrace/registry/audit_reports.h"
#include "agritrace/registry/household_table.h"
#include "agritrace/registry/organic_codes.h"
#include "agritrace/registry/regions.h"
#include "agritrace/registry/report_xlsx.h"
#include "agritrace/registry/table_import.h"
#include "agritrace/registry/text_decoding.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::ReadFileText;
using agritrace::testing::Snapshot;
using agritrace::testing::TempDir;
using agritrace::testing::WriteFileText;

namespace {

// `utf8` in GBK, as Excel on Chinese Windows saves "CSV (逗号分隔)".
std::string Gbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 4, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size(), out_left = out.size();
  char* dst = out.data();
  REQUIRE(iconv(cd, &in, &in_left, &dst, &out_left) != static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

using XCell = std::variant<std::monostate, std::string, double, bool>;

// A workbook made by libxlsxwriter, whose first sheet holds `rows` from A1; `inline_strings`
// (constant-memory mode) writes inline strings instead of shared ones.
std::string MakeXlsx(const std::string& path, const std::vector<std::vector<XCell>>& rows,
                     bool inline_strings = false) {
  lxw_workbook_options options = {};
  options.constant_memory = inline_strings ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  REQUIRE(wb);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "表一");
  workbook_add_worksheet(wb, "表二");  // a second sheet, never read
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const auto row = static_cast<lxw_row_t>(r);
      const auto col = static_cast<lxw_col_t>(c);
      const XCell& x = rows[r][c];
      if (auto* s = std::get_if<std::string>(&x)) worksheet_write_string(ws, row, col, s->c_str(), nullptr);
      if (auto* d = std::get_if<double>(&x)) worksheet_write_number(ws, row, col, *d, nullptr);
      if (auto* b = std::get_if<bool>(&x)) worksheet_write_boolean(ws, row, col, *b, nullptr);
    }
  REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
  return ReadFileText(path);
}

// A zip of `parts` (name, content), stored or deflated by libzip.
std::string MakeZip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& parts) {
  int err = 0;
  zip_t* za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  REQUIRE(za);
  for (const auto& [name, content] : parts) {
    zip_source_t* src = zip_source_buffer(za, content.data(), content.size(), 0);
    REQUIRE(src);
    REQUIRE(zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8) >= 0);
  }
  REQUIRE(zip_close(za) == 0);
  return ReadFileText(path);
}

// The parts of a minimal workbook around `sheet_xml`.
std::vector<std::pair<std::string, std::string>> MinimalParts(const std::string& sheet_xml) {
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
  return {{"_rels/.rels",
           "<Relationships><Relationship Id=\"rId1\" Type=\"" + rel +
               "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
          {"xl/workbook.xml",
           "<workbook xmlns:r=\"r\"><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
          {"xl/_rels/workbook.xml.rels",
           "<Relationships><Relationship Id=\"rId1\" Type=\"" + rel +
               "worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"},
          {"xl/worksheets/sheet1.xml", sheet_xml}};
}

std::vector<TableRow> Rows(std::string_view file, Status* status = nullptr,
                           const XlsxLimits& limits = {}) {
  std::vector<TableRow> rows;
  Status s = ForEachTableRow(file, [&](const TableRow& r) {
    rows.push_back(r);
    return Status::Ok();
  }, limits);
  if (status) *status = s;
  else REQUIRE(s.ok());
  return rows;
}

std::vector<std::string> Texts(const TableRow& row) {
  std::vector<std::string> out;
  for (const auto& c : row.cells) out.push_back(c.text);
  return out;
}

std::string RegionRows(Store& store) {
  std::string out;
  sql::Statement q(store.db(), "SELECT code, name, COALESCE(parent, ''), poverty_registered "
                                  "FROM regions ORDER BY code");
  while (q.Step())
    out += q.Column(0).String() + "|" + q.Column(1).String() + "|" +
           q.Column(2).String() + "|" + q.Column(3).String() + "\n";
  return out;
}

const std::string kRegionsCsv =
    "代码,名称,贫困村\r\n"
    "469025102000,荣邦乡,0\r\n"
    "469025102201,荣邦村,是\r\n"
    "469025102202,\"田头村, 二组\",否\r\n";

std::vector<std::vector<XCell>> RegionsSheet() {
  return {{std::string("代码"), std::string("名称"), std::string("贫困村")},
          {469025102000.0, std::string("荣邦乡"), 0.0},
          {469025102201.0, std::string("荣邦村"), true},
          {469025102202.0, std::string("田头村, 二组"), false}};
}

}  // namespace

TEST_CASE("text decoding: UTF-8, UTF-8 with BOM, GBK and GB18030 told apart without a flag",
          "[table_import]") {
  const std::string text = "469025102000,荣邦乡\n";
  CHECK(*DecodeSpreadsheetText(text) == text);
  CHECK(*DecodeSpreadsheetText("\xEF\xBB\xBF" + text) == text);
  CHECK(*DecodeSpreadsheetText(Gbk(text)) == text);
  // "山水" in GBK (C9 BD CB AE) is also valid UTF-8 (U+027D U+02EE): still read as GBK.
  REQUIRE(IsUtf8(Gbk("山水")));
  REQUIRE(IsUtf8(Gbk("469025102201,山水\n")));
  CHECK(*DecodeSpreadsheetText(Gbk("469025102201,山水\n")) == "469025102201,山水\n");
  // GB18030's four-byte form, beyond GBK: U+20000 𠀀 is 95 32 82 36.
  CHECK(*DecodeSpreadsheetText("a,\x95\x32\x82\x36\n") == "a,\xF0\xA0\x80\x80\n");
  // Two-byte UTF-8 beside Chinese in UTF-8 stays UTF-8; alone it may read as GBK (the price of
  // reading short GBK right, in a registry of Chinese villages).
  CHECK(*DecodeSpreadsheetText("M\xC3\xBCller,荣邦乡\n") == "M\xC3\xBCller,荣邦乡\n");

  // A byte neither encoding has names its line; so does a damaged UTF-8 file with a BOM.
  Result<std::string> bad = DecodeSpreadsheetText(Gbk("代码,名称\n469025102000,荣邦乡\n") + "\xFF\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().reason() == "text-encoding");
  CHECK(bad.status().zh().rfind("第 3 行", 0) == 0);
  CHECK(bad.status().en().rfind("line 3: ", 0) == 0);
  Result<std::string> bom = DecodeSpreadsheetText("\xEF\xBB\xBF" "a\nb\n" + Gbk("荣邦乡"));
  REQUIRE_FALSE(bom.ok());
  CHECK(bom.status().en().rfind("line 3: ", 0) == 0);
  // UTF-16 (Excel's "Unicode text") is named, not garbled.
  Result<std::string> utf16 = DecodeSpreadsheetText(std::string("\xFF\xFE" "a\0b\0", 6));
  REQUIRE_FALSE(utf16.ok());
  CHECK(utf16.status().en().find("UTF-16") != std::string::npos);
}

TEST_CASE("CSV rows: quoted commas, doubled quotes, line breaks and CRLF survive", "[table_import]") {
  const std::string csv =
      "编号,名称,备注\r\n"
      "1,\"田头村, 二组\",\"第一行\r\n第二行\"\r\n"
      "\r\n"
      "2 , \"他说\"\"好\"\"\" ,last\n"
      "3,\"a\nb\nc\",\r"
      "4,x,y";
  for (const std::string& file : {csv, "\xEF\xBB\xBF" + csv, Gbk(csv)}) {
    std::vector<TableRow> rows = Rows(file);
    REQUIRE(rows.size() == 5);
    CHECK(Texts(rows[1]) == std::vector<std::string>{"1", "田头村, 二组", "第一行\n第二行"});
    CHECK(rows[1].line == 2);
    CHECK(rows[2].line == 5);  // the blank line is skipped, lines still counted
    CHECK(Texts(rows[2]) == std::vector<std::string>{"2", "他说\"好\"", "last"});
    CHECK(Texts(rows[3]) == std::vector<std::string>{"3", "a\nb\nc", ""});
    CHECK(rows[3].line == 6);
    CHECK(rows[4].line == 9);  // a lone CR ends a line too
    CHECK(Texts(rows[4]) == std::vector<std::string>{"4", "x", "y"});
  }
}

TEST_CASE("CSV rows: an unclosed quote or text after a closing quote names its line",
          "[table_import]") {
  Status s;
  Rows("a,b\n\"c,d\ne,f\n", &s);
  CHECK(s.reason() == "csv-format");
  CHECK(s.zh().rfind("第 2 行：引号没有闭合", 0) == 0);
  CHECK(s.en().rfind("line 2: ", 0) == 0);
  Rows("a,b\nc,\"d\"x\n", &s);
  CHECK(s.en().rfind("line 2: text after a closing quote", 0) == 0);
  // A quote inside an unquoted field is only a quote.
  CHECK(Texts(Rows("5\"寸,x\n")[0]) == std::vector<std::string>{"5\"寸", "x"});
}

TEST_CASE("xlsx: a workbook zipped as Excel writes it gives its first sheet's rows",
          "[table_import]") {
  const std::string file = ReadFileText(AGRITRACE_SOURCE_DIR "/tests/registry/testdata/regions_excel.xlsx");
  std::vector<TableRow> rows = Rows(file);
  REQUIRE(rows.size() == 4);
  CHECK(Texts(rows[0]) == std::vector<std::string>{"代码", "名称", "贫困村"});
  // A number cell styled "0_ " reads as its digits; a rich-text name joins its runs and drops the
  // phonetic reading; booleans read as Excel writes them to CSV; a formula gives its value.
  CHECK(Texts(rows[1]) == std::vector<std::string>{"469025102000", "荣邦乡", "0"});
  CHECK(rows[1].cells[0].number);
  CHECK_FALSE(rows[1].cells[1].number);
  CHECK(Texts(rows[2]) == std::vector<std::string>{"469025102201", "荣邦村", "TRUE"});
  CHECK(rows[3].line == 5);  // Excel's row number: row 4 is blank
  CHECK(Texts(rows[3]) == std::vector<std::string>{"469025102202", "田头村, 二组", "FALSE"});
}

TEST_CASE("xlsx: cells as libxlsxwriter writes them, shared and inline strings", "[table_import]") {
  TempDir dir;
  for (bool inline_strings : {false, true}) {
    const std::string file = MakeXlsx(dir / "t.xlsx",
                                      {{std::string("名称"), std::string("公斤")},
                                       {std::string("田头村, 二组\n(新)"), 12.5},
                                       {std::string(" 带空格 "), 120.0},
                                       {},
                                       {std::string("负数"), -0.25},
                                       {std::string("大数"), 1e20}},
                                      inline_strings);
    std::vector<TableRow> rows = Rows(file);
    REQUIRE(rows.size() == 5);
    CHECK(Texts(rows[1]) == std::vector<std::string>{"田头村, 二组\n(新)", "12.5"});
    CHECK(rows[1].cells[1].number);
    CHECK(Texts(rows[2]) == std::vector<std::string>{"带空格", "120"});
    CHECK(rows[3].line == 5);
    CHECK(Texts(rows[3]) == std::vector<std::string>{"负数", "-0.25"});
    CHECK(Texts(rows[4]) == std::vector<std::string>{"大数", "1e+20"});
  }
}

TEST_CASE("imports: the same rows from UTF-8, UTF-8 with BOM and GBK CSV and from .xlsx agree",
          "[table_import][regions]") {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"utf8.csv", kRegionsCsv},
      {"bom.csv", "\xEF\xBB\xBF" + kRegionsCsv},
      {"gbk.csv", Gbk(kRegionsCsv)},
      {"lf.csv", Gbk("469025102000,荣邦乡\n469025102201,荣邦村,1\n469025102202,\"田头村, 二组\"\n")},
      {"excel.xlsx", ReadFileText(AGRITRACE_SOURCE_DIR "/tests/registry/testdata/regions_excel.xlsx")},
      {"xlsxwriter.xlsx", MakeXlsx(dir / "w.xlsx", RegionsSheet())},
      {"inline.xlsx", MakeXlsx(dir / "i.xlsx", RegionsSheet(), true)}};
  std::string expected;
  for (const auto& [name, bytes] : files) {
    INFO(name);
    agritrace::testing::RegistryFixture f;
    WriteFileText(dir / name, bytes);
    Result<RegionImport> r = ImportRegionsFile(*f.store, dir / name);
    REQUIRE(r.ok());
    CHECK(r->imported == 3);
    CHECK(RegionFullName(*f.store, "469025102202") == "白沙黎族自治县荣邦乡田头村, 二组");
    const std::string got = RegionRows(*f.store);
    if (expected.empty()) expected = got;
    CHECK(got == expected);
  }
  CHECK(expected.find("469025102201|荣邦村|469025102000|1\n") != std::string::npos);

  // 有机码 lists and household tables read alike from every form too.
  const std::string codes_csv = "15124000000000001\r\n\r\n1512 4000 0000 00002\r\n151240000000000003\r\n";
  const std::vector<std::string> codes = {"15124000000000001", "15124000000000002", "151240000000000003"};
  CHECK(*ParseOrganicCodes(codes_csv) == codes);
  CHECK(*ParseOrganicCodes(Gbk(codes_csv)) == codes);
  CHECK(*ParseOrganicCodes(MakeXlsx(dir / "c.xlsx", {{std::string("15124000000000001")},
                                                     {},
                                                     {std::string("1512 4000 0000 00002")},
                                                     {std::string("151240000000000003")}})) == codes);
  const std::string households_csv = "农户编号,公斤,脱贫户\nH-0001,120.5,是\nH-0002,80,否\n\"H-0003\",0.125,1\n";
  const std::vector<std::vector<XCell>> households_sheet = {
      {std::string("农户编号"), std::string("公斤"), std::string("脱贫户")},
      {std::string("H-0001"), 120.5, std::string("是")},
      {std::string("H-0002"), 80.0, false},
      {std::string("H-0003"), 0.125, true}};
  for (const std::string& file : {households_csv, Gbk(households_csv),
                                  MakeXlsx(dir / "h.xlsx", households_sheet)}) {
    Result<std::vector<Household>> h = ParseHouseholdTable(file);
    REQUIRE(h.ok());
    REQUIRE(h->size() == 3);
    CHECK(((*h)[0].id == "H-0001" && (*h)[0].grams == 120500 && (*h)[0].registered_poor));
    CHECK(((*h)[1].id == "H-0002" && (*h)[1].grams == 80000 && !(*h)[1].registered_poor));
    CHECK(((*h)[2].id == "H-0003" && (*h)[2].grams == 125 && (*h)[2].registered_poor));
  }
}

TEST_CASE("imports: a bad line in a GBK CSV or an .xlsx is named and nothing is written",
          "[table_import][regions]") {
  agritrace::testing::RegistryFixture f;
  TempDir dir;
  const std::string before = Snapshot(*f.store);
  WriteFileText(dir / "bad.csv", Gbk("代码,名称\n469025102000,荣邦乡\n\n46902X102201,坏村\n"));
  Result<RegionImport> r = ImportRegionsFile(*f.store, dir / "bad.csv");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().zh().rfind("第 4 行：", 0) == 0);
  CHECK(r.status().en().rfind("line 4: ", 0) == 0);

  std::vector<std::vector<XCell>> sheet = RegionsSheet();
  sheet.push_back({});
  sheet.push_back({469025102203.0, std::string("某村"), std::string("也许")});
  MakeXlsx(dir / "bad.xlsx", sheet);
  r = ImportRegionsFile(*f.store, dir / "bad.xlsx");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().zh().rfind("第 6 行：贫困村标记应为 0/1：也许", 0) == 0);
  CHECK(Snapshot(*f.store) == before);

  // An Excel error value refuses its row, naming the cell.
  const std::string error_sheet = MakeZip(dir / "e.xlsx", MinimalParts(
      "<worksheet><sheetData><row r=\"7\"><c r=\"A7\"><v>469025102000</v></c>"
      "<c r=\"B7\" t=\"e\"><f>VLOOKUP(A7,X,2)</f><v>#N/A</v></c></row></sheetData></worksheet>"));
  Status s;
  Rows(error_sheet, &s);
  CHECK(s.zh().rfind("第 7 行：B7 单元格是 Excel 错误值 #N/A", 0) == 0);

  // Household and 有机码 tables name their lines alike.
  Result<std::vector<Household>> h = ParseHouseholdTable(Gbk("H-0001,120.5,是\nH-0002,八十\n"));
  REQUIRE_FALSE(h.ok());
  CHECK(h.status().zh().rfind("第 2 行：农户 H-0002 的公斤数应为", 0) == 0);
  h = ParseHouseholdTable("H-0001,1\nH-0002,2\nH-0001,3\n");
  CHECK(h.status().en().rfind("line 3: household H-0001 repeats line 1", 0) == 0);
  // A 17-digit 有机码 typed into a number cell has lost digits in Excel: refused, named.
  Result<std::vector<std::string>> codes =
      ParseOrganicCodes(MakeXlsx(dir / "n.xlsx", {{std::string("15124000000000001")}, {1.5124e16}}));
  REQUIRE_FALSE(codes.ok());
  CHECK(codes.status().zh().rfind("第 2 行：有机码是数字格式的单元格", 0) == 0);
}

TEST_CASE("xlsx limits: a zip bomb, too many entries, too big a file are refused",
          "[table_import]") {
  TempDir dir;
  // 8 MiB of blanks inside the sheet deflate to a few KiB: past a 1 MiB limit on what is unpacked.
  const std::string bomb = MakeZip(dir / "bomb.xlsx", MinimalParts(
      "<worksheet><sheetData>" + std::string(8 << 20, ' ') + "</sheetData></worksheet>"));
  CHECK(bomb.size() < 64 * 1024);
  XlsxLimits small;
  small.max_parts_bytes = 1 << 20;
  Status s;
  Rows(bomb, &s, small);
  CHECK(s.reason() == "xlsx-limit");
  CHECK(s.zh().find("解压后超过 1 MB") != std::string::npos);
  CHECK(Rows(bomb).empty());  // within the default limit it is a sheet without rows

  // The limit holds on the sum of parts: 300 KiB each, four parts, a 1 MiB budget.
  std::vector<std::pair<std::string, std::string>> parts =
      MinimalParts("<worksheet><sheetData/>" + std::string(300 << 10, ' ') + "</worksheet>");
  parts[0].second += std::string(300 << 10, ' ');
  parts[1].second += std::string(300 << 10, ' ');
  parts[2].second += std::string(300 << 10, ' ');
  Rows(MakeZip(dir / "sum.xlsx", parts), &s, small);
  CHECK(s.reason() == "xlsx-limit");

  // More entries than any workbook has, at the default limit.
  parts = MinimalParts("<worksheet><sheetData/></worksheet>");
  for (int i = 0; i < 1001; ++i) parts.push_back({"xl/media/image" + std::to_string(i) + ".png", "x"});
  Rows(MakeZip(dir / "many.xlsx", parts), &s);
  CHECK(s.reason() == "xlsx-limit");
  CHECK(s.en().find("more than 1000 files") != std::string::npos);

  XlsxLimits tiny;
  tiny.max_file_bytes = 100;
  Rows(bomb, &s, tiny);
  CHECK(s.reason() == "xlsx-limit");

  // Cells past the budget, even empty ones between: a row with a value in column AMJ counts 1024.
  XlsxLimits cells;
  cells.max_cells = 2000;
  std::string wide = "<worksheet><sheetData>";
  for (int r = 1; r <= 3; ++r)
    wide += "<row r=\"" + std::to_string(r) + "\"><c r=\"AMJ" + std::to_string(r) + "\"><v>1</v></c></row>";
  Rows(MakeZip(dir / "wide.xlsx", MinimalParts(wide + "</sheetData></worksheet>")), &s, cells);
  CHECK(s.reason() == "xlsx-limit");
  Rows(MakeZip(dir / "far.xlsx", MinimalParts(
           "<worksheet><sheetData><row r=\"2\"><c r=\"AMK2\"><v>1</v></c></row></sheetData></worksheet>")),
       &s);
  CHECK(s.zh().rfind("第 2 行：AMK 列超出导入范围", 0) == 0);
}

TEST_CASE("xlsx: damaged or foreign files are refused with a reason", "[table_import]") {
  TempDir dir;
  Status s;
  Rows("PK\x03\x04 not really a zip", &s);
  CHECK(s.reason() == "xlsx-format");
  CHECK(s.zh().find("Excel 文件无法读取") == 0);
  Rows(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "old", &s);
  CHECK(s.reason() == "xls-format");
  CHECK(s.en().find(".xls") != std::string::npos);
  // No DTD: an entity that could expand (billion laughs) never gets the chance.
  Rows(MakeZip(dir / "dtd.xlsx", MinimalParts("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet/>")), &s);
  CHECK(s.reason() == "xlsx-format");
  Rows(MakeZip(dir / "ent.xlsx", MinimalParts(
           "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&a;</t></is></c></row></sheetData></worksheet>")),
       &s);
  CHECK(s.en().find("&a;") != std::string::npos);
  Rows(MakeZip(dir / "open.xlsx", MinimalParts("<worksheet><sheetData><row>")), &s);
  CHECK(s.reason() == "xlsx-format");
  Rows(MakeZip(dir / "shared.xlsx", MinimalParts(
           "<worksheet><sheetData><row><c t=\"s\"><v>3</v></c></row></sheetData></worksheet>")),
       &s);
  CHECK(s.reason() == "xlsx-format");
  auto parts = MinimalParts("<worksheet/>");
  parts.erase(parts.begin() + 2);  // no workbook rels
  Rows(MakeZip(dir / "norels.xlsx", parts), &s);
  CHECK(s.reason() == "xlsx-format");
}

TEST_CASE("report xlsx: Chinese headings, numbers as number cells, read back", "[table_import][audit]") {
  TempDir dir;
  Report poverty{"脱贫户供货占比", "share",
                 {"region", "region_name", "lots", "household_kg", "poor_share_percent"}};
  poverty.rows.push_back({{"region", "469025100201"}, {"region_name", "南溪村"}, {"lots", 3},
                          {"household_kg", "12.500"}, {"poor_share_percent", "33.3"}});
  Report certs{"证书", "certs", {"number", "expiring_soon", "valid_to"}};
  certs.rows.push_back({{"number", "LB-18-2304460123A"}, {"expiring_soon", true}, {"valid_to", nullptr}});
  REQUIRE(WriteReportsXlsx({poverty, certs}, dir / "r.xlsx").ok());
  std::vector<TableRow> rows = Rows(ReadFileText(dir / "r.xlsx"));  // the first sheet
  REQUIRE(rows.size() == 2);
  CHECK(Texts(rows[0]) ==
        std::vector<std::string>{"区划代码", "地区", "批次数", "农户供货（公斤）", "脱贫户占比（%）"});
  CHECK(Texts(rows[1]) == std::vector<std::string>{"469025100201", "南溪村", "3", "12.5", "33.3"});
  CHECK_FALSE(rows[1].cells[0].number);  // a code stays text: its leading digits matter
  CHECK(rows[1].cells[2].number);
  CHECK(rows[1].cells[3].number);
  CHECK(rows[1].cells[4].number);

  Result<std::string> bytes = ReportsXlsx({certs});
  REQUIRE(bytes.ok());
  rows = Rows(*bytes);
  REQUIRE(rows.size() == 2);
  CHECK(Texts(rows[0]) == std::vector<std::string>{"证书编号", "即将到期", "有效期至"});
  CHECK(Texts(rows[1]) == std::vector<std::string>{"LB-18-2304460123A", "TRUE"});
}
