// A4 sticker sheets: cols × rows labels per page, spread with equal gaps between them and at
// the page edges (a sheet whose labels fill the page exactly gets no gaps).
#pragma once

#include "agritrace/labeler/render_options.h"
#include "agritrace/registry/status.h"
#include "labeler/label_layout.h"

namespace agritrace::labeler {

inline constexpr double kA4WidthMm = 210.0;
inline constexpr double kA4HeightMm = 297.0;

struct SheetLayout {
  int cols = 1, rows = 1;
  double gap_x_mm = 0, gap_y_mm = 0;
  double label_width_mm = 0, label_height_mm = 0;

  int per_page() const { return cols * rows; }
  // Top-left corner of cell `i` (0 <= i < per_page()), row by row.
  double cell_x_mm(int i) const { return gap_x_mm + (i % cols) * (label_width_mm + gap_x_mm); }
  double cell_y_mm(int i) const { return gap_y_mm + (i / cols) * (label_height_mm + gap_y_mm); }
};

// Status::Invalid when the grid does not fit on A4, naming the overflow.
Result<SheetLayout> PlaceOnA4(const SheetGrid& grid, const LabelGeometry& label);

}  // namespace agritrace::labeler
