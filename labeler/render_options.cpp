#include "agritrace/labeler/render_options.h"

#include <charconv>
#include <regex>
#include <string>

namespace agritrace::labeler {

Result<SheetGrid> ParseSheetGrid(std::string_view spec) {
  const auto bad = [&]() -> Status {
    return Status::Invalid(
        "排版格式应为 a4:列数x行数，例如 a4:3x8，而不是「" + std::string(spec) + "」",
        "the sheet must be written a4:COLSxROWS, e.g. a4:3x8, not '" + std::string(spec) + "'");
  };
  std::string s;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec.substr(i, 2) == "×") {  // U+00D7 in UTF-8
      s.push_back('x');
      ++i;
      continue;
    }
    char c = spec[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    s.push_back(c);
  }
  if (s.rfind("a4:", 0) != 0) return bad();
  const size_t x = s.find('x', 3);
  if (x == std::string::npos) return bad();
  SheetGrid grid;
  const char* b = s.data() + 3;
  const char* mid = s.data() + x;
  const char* e = s.data() + s.size();
  auto r1 = std::from_chars(b, mid, grid.cols);
  auto r2 = std::from_chars(mid + 1, e, grid.rows);
  if (r1.ec != std::errc() || r1.ptr != mid || r2.ec != std::errc() || r2.ptr != e) return bad();
  if (grid.cols < 1 || grid.rows < 1 || grid.cols > 50 || grid.rows > 50) return bad();
  return grid;
}

Result<LabelGeometry> ParseLabelGeometry(const std::string& size, int dpi) {
  static const std::regex kSize(R"((\d{1,4}(?:\.\d{1,3})?)(?:x|X|×|\*)(\d{1,4}(?:\.\d{1,3})?))");
  std::smatch m;
  if (!std::regex_match(size, m, kSize))
    return Status::Invalid(
               "标签尺寸应为 宽x高（毫米），例如 50x30，而不是「" + size + "」",
               "the label size must be WIDTHxHEIGHT in millimetres, e.g. 50x30, not '" + size + "'")
        .with_reason("label-size");
  if (dpi != 203 && dpi != 300)
    return Status::Invalid(
               "打印机分辨率应为 203 或 300 dpi（看打印机铭牌）",
               "the printer resolution must be 203 or 300 dpi (see the printer's plate)")
        .with_reason("label-dpi");
  return LabelGeometry{std::stod(m[1]), std::stod(m[2]), dpi};
}

Status ValidateRenderOptions(const RenderOptions& o) {
  const LabelGeometry& g = o.label;
  if (!(g.width_mm >= 10 && g.width_mm <= 300 && g.height_mm >= 10 && g.height_mm <= 300)) {
    return Status::Invalid("标签尺寸应在 10 到 300 mm 之间",
                           "the label size must be between 10 and 300 mm");
  }
  if (g.dpi < 100 || g.dpi > 1200) {
    return Status::Invalid("打印分辨率应在 100 到 1200 dpi 之间（常见 203 或 300）",
                           "the printer resolution must be 100 to 1200 dpi (203 or 300 usually)");
  }
  if (o.copies < 1 || o.copies > 10000) {
    return Status::Invalid("份数应在 1 到 10000 之间", "copies must be 1 to 10000");
  }
  if (o.threads < 0 || o.threads > 16) {
    return Status::Invalid("线程数应在 0 到 16 之间", "threads must be 0 to 16");
  }
  return Status::Ok();
}

}  // namespace agritrace::labeler
