#include "labeler/sheet_layout.h"

#include <cstdio>
#include <string>

namespace agritrace::labeler {
namespace {

std::string Fmt(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

Result<SheetLayout> PlaceOnA4(const SheetGrid& grid, const LabelGeometry& label) {
  const double used_w = grid.cols * label.width_mm, used_h = grid.rows * label.height_mm;
  if (used_w > kA4WidthMm + 1e-9 || used_h > kA4HeightMm + 1e-9) {
    return Status::Invalid(
        "A4 纸放不下：" + std::to_string(grid.cols) + " 列 × " + Fmt(label.width_mm) +
            " mm = " + Fmt(used_w) + " mm（宽 210 mm），" + std::to_string(grid.rows) + " 行 × " +
            Fmt(label.height_mm) + " mm = " + Fmt(used_h) + " mm（高 297 mm）",
        "does not fit on A4: " + std::to_string(grid.cols) + " columns x " + Fmt(label.width_mm) +
            " mm = " + Fmt(used_w) + " mm (width 210 mm), " + std::to_string(grid.rows) +
            " rows x " + Fmt(label.height_mm) + " mm = " + Fmt(used_h) + " mm (height 297 mm)");
  }
  SheetLayout s;
  s.cols = grid.cols;
  s.rows = grid.rows;
  s.label_width_mm = label.width_mm;
  s.label_height_mm = label.height_mm;
  s.gap_x_mm = (kA4WidthMm - used_w) / (grid.cols + 1);
  s.gap_y_mm = (kA4HeightMm - used_h) / (grid.rows + 1);
  return s;
}

}  // namespace agritrace::labeler
