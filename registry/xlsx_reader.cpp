#include "agritrace/registry/xlsx_reader.h"

#include <zip.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "agritrace/registry/checked_math.h"
#include "agritrace/registry/text_decoding.h"
#include "registry/xml_scanner.h"

namespace agritrace {
namespace {

// `zh` and `en` say what is wrong; a part name or an XML error alone is the same in both.
Status Unreadable(const std::string& zh, const std::string& en) {
  return Status::Invalid("Excel 文件无法读取（" + zh +
                             "）：请在 Excel 中打开，另存为 .xlsx 后再导入（文件未导入）",
                         "the Excel file cannot be read (" + en +
                             "): open it in Excel, save it as .xlsx and import again (nothing "
                             "imported)")
      .with_reason("xlsx-format");
}

Status Unreadable(const std::string& detail) { return Unreadable(detail, detail); }

Status TooLarge(const std::string& zh, const std::string& en) {
  return Status::Invalid("Excel 文件" + zh + "：请把数据拆成几个文件分别导入（文件未导入）",
                         "the Excel file " + en + ": split the rows into several files and "
                                                  "import each (nothing imported)")
      .with_reason("xlsx-limit");
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

class Package {
 public:
  Package(zip_t* zip, const XlsxLimits& limits) : zip_(zip), limits_(limits) {}

  // The part's bytes; "" in *out and ok when `required` is false and there is no such part.
  Status Read(const std::string& name, bool required, std::string* out) {
    out->clear();
    const zip_int64_t index = zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) return required ? Unreadable("缺少 " + name, "no " + name) : Status::Ok();
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_.get(), static_cast<zip_uint64_t>(index), 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_SIZE))
      return Unreadable(name);
    // The size the zip declares first, then what inflating really gives, which may differ.
    const int64_t room = limits_.max_parts_bytes - read_;
    if (st.size > static_cast<zip_uint64_t>(room)) return TooBig();
    std::unique_ptr<zip_file_t, ZipFileCloser> f(
        zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(index), 0));
    if (!f) return Unreadable(name + ": " + zip_strerror(zip_.get()));
    char buf[65536];
    for (;;) {
      const zip_int64_t n = zip_fread(f.get(), buf, sizeof buf);
      if (n < 0) return Unreadable(name + ": " + zip_file_strerror(f.get()));
      if (n == 0) break;
      if (!SumWithin(read_, n, limits_.max_parts_bytes)) return TooBig();
      read_ += n;
      out->append(buf, static_cast<size_t>(n));
    }
    if (!IsUtf8(*out)) return Unreadable(name + " 不是 UTF-8 文本", name + " is not UTF-8");
    return Status::Ok();
  }

 private:
  Status TooBig() const {
    const std::string mb = std::to_string(limits_.max_parts_bytes >> 20);
    return TooLarge("解压后超过 " + mb + " MB", "unpacks to more than " + mb + " MB");
  }
  std::unique_ptr<zip_t, ZipCloser> zip_;
  XlsxLimits limits_;
  int64_t read_ = 0;
};

// The folder of a part name ("xl/" of "xl/workbook.xml").
std::string Folder(const std::string& part) {
  const size_t slash = part.rfind('/');
  return slash == std::string::npos ? "" : part.substr(0, slash + 1);
}

// A relationship target as a part name: absolute ("/xl/…") or relative to `base_folder`, with
// "." and ".." resolved; "" when it climbs out of the package.
std::string Resolve(const std::string& base_folder, const std::string& target) {
  std::string path = !target.empty() && target[0] == '/' ? target.substr(1) : base_folder + target;
  std::vector<std::string> parts;
  size_t at = 0;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string::npos) slash = path.size();
    const std::string seg = path.substr(at, slash - at);
    at = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (parts.empty()) return "";
      parts.pop_back();
    } else {
      parts.push_back(seg);
    }
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

bool EndsWith(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

Status XmlError(const std::string& part, const XmlScanner& x) {
  return Unreadable(part + ": " + x.error());
}

// Relationships of a .rels part: the target of the one with `id`, or of the first whose type
// ends with `type_tail` when id is empty.
Status FindRelationship(const std::string& part, const std::string& xml, const std::string& id,
                        std::string_view type_tail, std::string* target) {
  target->clear();
  XmlScanner x(xml);
  for (;;) {
    const XmlScanner::Event e = x.Next();
    if (e == XmlScanner::Event::kError) return XmlError(part, x);
    if (e == XmlScanner::Event::kDone) return Status::Ok();
    if (e != XmlScanner::Event::kStart || x.name() != "Relationship" || !target->empty()) continue;
    const std::string* rid = x.attr("Id");
    const std::string* type = x.attr("Type");
    const std::string* tgt = x.attr("Target");
    const std::string* mode = x.attr("TargetMode");
    if (!rid || !type || !tgt) return Unreadable(part + ": Relationship");
    if (mode && *mode == "External") continue;
    if (id.empty() ? EndsWith(*type, type_tail) : *rid == id) *target = *tgt;
  }
}

// The r:id of the workbook's first <sheet>.
Status FirstSheetId(const std::string& part, const std::string& xml, std::string* rid) {
  XmlScanner x(xml);
  for (;;) {
    const XmlScanner::Event e = x.Next();
    if (e == XmlScanner::Event::kError) return XmlError(part, x);
    if (e == XmlScanner::Event::kDone) return Unreadable("工作簿没有工作表", "the workbook has no sheet");
    if (e == XmlScanner::Event::kStart && x.name() == "sheet") {
      const std::string* id = x.attr("id");
      if (!id) return Unreadable(part + ": sheet");
      *rid = *id;
      return Status::Ok();
    }
  }
}

// Excel writes characters XML cannot hold (a CR, say) as _xHHHH_; _x005F_ escapes an underscore.
std::string Unescape(const std::string& s) {
  if (s.find("_x") == std::string::npos) return s;
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 2, "_x") == 0 && i + 7 <= s.size() && s[i + 6] == '_') {
      unsigned cp = 0;
      auto [end, ec] = std::from_chars(s.data() + i + 2, s.data() + i + 6, cp, 16);
      if (ec == std::errc() && end == s.data() + i + 6 && !(cp >= 0xD800 && cp <= 0xDFFF) &&
          cp != 0) {
        if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        i += 7;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

// The text of a string item (<si> or <is>) whose start was just read: its <t> elements, outside
// phonetic runs (<rPh>, the reading of Japanese text).
Status StringItem(XmlScanner& x, const std::string& part, std::string* out) {
  out->clear();
  const size_t depth = x.depth();
  bool in_t = false;
  size_t phonetic = 0;
  for (;;) {
    const XmlScanner::Event e = x.Next();
    if (e == XmlScanner::Event::kError) return XmlError(part, x);
    if (e == XmlScanner::Event::kDone) return Unreadable(part);
    if (e == XmlScanner::Event::kStart) {
      if (x.name() == "rPh") ++phonetic;
      if (x.name() == "t") in_t = true;
    } else if (e == XmlScanner::Event::kEnd) {
      if (x.depth() < depth) break;
      if (x.name() == "rPh") --phonetic;
      if (x.name() == "t") in_t = false;
    } else if (in_t && phonetic == 0) {
      *out += x.text();
    }
  }
  *out = Unescape(*out);
  return Status::Ok();
}

Status SharedStrings(const std::string& part, const std::string& xml,
                     std::vector<std::string>* strings) {
  XmlScanner x(xml);
  for (;;) {
    const XmlScanner::Event e = x.Next();
    if (e == XmlScanner::Event::kError) return XmlError(part, x);
    if (e == XmlScanner::Event::kDone) return Status::Ok();
    if (e == XmlScanner::Event::kStart && x.name() == "si") {
      std::string s;
      if (Status st = StringItem(x, part, &s); !st.ok()) return st;
      strings->push_back(std::move(s));
    }
  }
}

// "B12" → column 2, row 12; false when it is no cell reference.
bool ParseRef(const std::string& ref, int64_t* col, int64_t* row) {
  size_t i = 0;
  *col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 3) *col = *col * 26 + (ref[i++] - 'A' + 1);
  if (i == 0 || i == ref.size()) return false;
  auto [end, ec] = std::from_chars(ref.data() + i, ref.data() + ref.size(), *row);
  return ec == std::errc() && end == ref.data() + ref.size() && *row >= 1;
}

// A number cell's text: whole numbers without ".0" (up to 15 digits, Excel's precision), others
// in the shortest form that reads back as the same double.
bool FormatNumber(const std::string& v, std::string* out) {
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d)) return false;
  if (d == std::trunc(d) && std::fabs(d) < 1e15) {
    *out = std::to_string(static_cast<long long>(d));
    return true;
  }
  char buf[64];
  auto [p, ec2] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec2 != std::errc()) return false;
  out->assign(buf, p);
  return true;
}

std::string ColumnName(int64_t col) {
  std::string s;
  for (; col > 0; col = (col - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (col - 1) % 26));
  return s;
}

class SheetReader {
 public:
  SheetReader(const std::string& part, const std::string& xml,
              const std::vector<std::string>& strings, const XlsxLimits& limits)
      : part_(part), x_(xml), strings_(strings), limits_(limits) {}

  Status Run(const RowFn& each) {
    bool in_data = false;
    for (;;) {
      const XmlScanner::Event e = x_.Next();
      if (e == XmlScanner::Event::kError) return XmlError(part_, x_);
      if (e == XmlScanner::Event::kDone) return Status::Ok();
      if (e == XmlScanner::Event::kStart && x_.name() == "sheetData") in_data = true;
      if (e == XmlScanner::Event::kEnd && x_.name() == "sheetData") in_data = false;
      if (in_data && e == XmlScanner::Event::kStart && x_.name() == "row") {
        if (Status s = Row(each); !s.ok()) return s;
      }
    }
  }

 private:
  Status Row(const RowFn& each) {
    int64_t number = last_row_ + 1;
    if (const std::string* r = x_.attr("r")) {
      auto [end, ec] = std::from_chars(r->data(), r->data() + r->size(), number);
      if (ec != std::errc() || end != r->data() + r->size())
        return Unreadable(part_ + ": row r=" + *r);
    }
    if (number <= last_row_ || number > kMaxXlsxRows)
      return Unreadable(part_ + ": row " + std::to_string(number));
    last_row_ = number;
    TableRow row;
    row.line = number;
    const size_t depth = x_.depth();
    int64_t col = 0;
    for (;;) {
      const XmlScanner::Event e = x_.Next();
      if (e == XmlScanner::Event::kError) return XmlError(part_, x_);
      if (e == XmlScanner::Event::kDone) return Unreadable(part_);
      if (e == XmlScanner::Event::kEnd && x_.depth() < depth) break;
      if (e != XmlScanner::Event::kStart || x_.name() != "c") continue;
      if (const std::string* ref = x_.attr("r")) {
        int64_t ref_row = 0;
        if (!ParseRef(*ref, &col, &ref_row) || ref_row != number)
          return Unreadable(part_ + ": cell r=" + *ref);
      } else {
        ++col;
      }
      TableCell cell;
      if (Status s = Cell(number, col, &cell); !s.ok()) return s;
      if (cell.text.empty()) continue;
      if (col > kMaxXlsxColumns)
        return RowRefusal(number,
                          ColumnName(col) + " 列超出导入范围：最多 " +
                              std::to_string(kMaxXlsxColumns) + " 列（到 AMJ 列）",
                          "column " + ColumnName(col) + " is beyond the " +
                              std::to_string(kMaxXlsxColumns) + " columns an import reads (to AMJ)",
                          "xlsx-cell");
      if (static_cast<int64_t>(row.cells.size()) >= col)
        return Unreadable(part_ + ": " + ColumnName(col) + std::to_string(number));
      if (!SumWithin(cells_, col - static_cast<int64_t>(row.cells.size()), limits_.max_cells))
        return TooLarge("的单元格超过 " + std::to_string(limits_.max_cells) + " 个",
                        "has more than " + std::to_string(limits_.max_cells) + " cells");
      cells_ += col - static_cast<int64_t>(row.cells.size());
      row.cells.resize(static_cast<size_t>(col - 1));
      row.cells.push_back(std::move(cell));
    }
    if (row.cells.empty()) return Status::Ok();
    return each(row);
  }

  // The value of the <c> just started; ends after its </c>.
  Status Cell(int64_t row, int64_t col, TableCell* cell) {
    const std::string type = x_.attr("t") ? *x_.attr("t") : "n";
    const size_t depth = x_.depth();
    std::string v;
    bool has_v = false, in_v = false;
    for (;;) {
      const XmlScanner::Event e = x_.Next();
      if (e == XmlScanner::Event::kError) return XmlError(part_, x_);
      if (e == XmlScanner::Event::kDone) return Unreadable(part_);
      if (e == XmlScanner::Event::kEnd) {
        if (x_.depth() < depth) break;
        if (x_.name() == "v") in_v = false;
      } else if (e == XmlScanner::Event::kStart) {
        if (x_.name() == "v") in_v = has_v = true;
        if (x_.name() == "is") {
          if (type != "inlineStr") return Unreadable(part_ + ": <is>");
          if (Status s = StringItem(x_, part_, &cell->text); !s.ok()) return s;
        }
      } else if (in_v) {
        v += x_.text();
      }
    }
    const std::string where = ColumnName(col) + std::to_string(row);
    if (type == "inlineStr") {
      // text from <is> already
    } else if (!has_v) {
      cell->text.clear();  // an empty (perhaps only formatted) cell
    } else if (type == "n") {
      if (!FormatNumber(v, &cell->text)) return Unreadable(part_ + ": " + where + " = " + v);
      cell->number = true;
    } else if (type == "s") {
      size_t index = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), index);
      if (v.empty() || ec != std::errc() || end != v.data() + v.size() || index >= strings_.size())
        return Unreadable(part_ + ": " + where + " → shared string " + v);
      cell->text = strings_[index];
    } else if (type == "b") {
      if (v != "0" && v != "1") return Unreadable(part_ + ": " + where + " = " + v);
      cell->text = v == "1" ? "TRUE" : "FALSE";
    } else if (type == "str" || type == "d") {
      cell->text = Unescape(v);
    } else if (type == "e") {
      return RowRefusal(row, where + " 单元格是 Excel 错误值 " + v + "，请改正公式或填入数值",
                        "cell " + where + " holds the Excel error " + v +
                            "; fix the formula or type the value",
                        "xlsx-cell");
    } else {
      return Unreadable(part_ + ": " + where + " t=" + type);
    }
    TrimCell(cell->text);
    return Status::Ok();
  }

  std::string part_;
  XmlScanner x_;
  const std::vector<std::string>& strings_;
  XlsxLimits limits_;
  int64_t last_row_ = 0, cells_ = 0;
};

}  // namespace

bool LooksLikeZip(std::string_view bytes) { return bytes.substr(0, 4) == "PK\x03\x04"; }

Status ForEachXlsxRow(std::string_view bytes, const RowFn& each, const XlsxLimits& limits) {
  if (static_cast<int64_t>(bytes.size()) > limits.max_file_bytes) {
    const std::string mb = std::to_string(limits.max_file_bytes >> 20);
    return TooLarge("超过 " + mb + " MB", "is larger than " + mb + " MB");
  }
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) {
    zip_error_fini(&error);
    return Unreadable("zip");
  }
  zip_t* raw = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!raw) {
    const std::string why = zip_error_strerror(&error);
    zip_source_free(source);
    zip_error_fini(&error);
    return Unreadable("不是完好的 zip 文件：" + why, "not a sound zip file: " + why);
  }
  zip_error_fini(&error);
  Package package(raw, limits);
  const zip_int64_t entries = zip_get_num_entries(raw, 0);
  if (entries < 0 || entries > limits.max_entries)
    return TooLarge("包含的文件超过 " + std::to_string(limits.max_entries) + " 个",
                    "holds more than " + std::to_string(limits.max_entries) + " files");

  std::string xml, workbook, target, sheet_id;
  if (Status s = package.Read("_rels/.rels", true, &xml); !s.ok()) return s;
  if (Status s = FindRelationship("_rels/.rels", xml, "", "/officeDocument", &target); !s.ok())
    return s;
  workbook = Resolve("", target);
  if (workbook.empty()) return Unreadable("_rels/.rels: officeDocument");
  if (Status s = package.Read(workbook, true, &xml); !s.ok()) return s;
  if (Status s = FirstSheetId(workbook, xml, &sheet_id); !s.ok()) return s;

  const std::string rels = Folder(workbook) + "_rels/" + workbook.substr(Folder(workbook).size()) + ".rels";
  std::string rels_xml;
  if (Status s = package.Read(rels, true, &rels_xml); !s.ok()) return s;
  if (Status s = FindRelationship(rels, rels_xml, sheet_id, "", &target); !s.ok()) return s;
  const std::string sheet = Resolve(Folder(workbook), target);
  if (sheet.empty()) return Unreadable(rels + ": " + sheet_id);
  if (Status s = FindRelationship(rels, rels_xml, "", "/sharedStrings", &target); !s.ok()) return s;
  std::vector<std::string> strings;
  if (!target.empty()) {
    const std::string part = Resolve(Folder(workbook), target);
    if (part.empty()) return Unreadable(rels + ": sharedStrings");
    if (Status s = package.Read(part, true, &xml); !s.ok()) return s;
    if (Status s = SharedStrings(part, xml, &strings); !s.ok()) return s;
  }
  if (Status s = package.Read(sheet, true, &xml); !s.ok()) return s;
  return SheetReader(sheet, xml, strings, limits).Run(each);
}

}  // namespace agritrace
