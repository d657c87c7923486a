// Options every renderer takes, one struct with defaults (ZXing style). Which format uses what:
//   label, ecc, threads      all formats
//   copies                   ZPL ^PQ, TSPL PRINT 1,N; SVG/PNG/PDF repeat each label N times on
//                            sheets or pages (one-file-per-label SVG/PNG refuses copies > 1)
//   sheet                    SVG, PNG, PDF: A4 pages of cols × rows labels; ZPL/TSPL refuse it
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agritrace/labeler/qr_code.h"
#include "agritrace/registry/status.h"

namespace agritrace::labeler {

// A label's size and its printer's resolution.
struct LabelGeometry {
  double width_mm = 50;
  double height_mm = 30;
  int dpi = 203;  // printer resolution: 203 (8 dots/mm) or 300 (11.8 dots/mm)
};

struct SheetGrid {
  int cols = 0;
  int rows = 0;
};

// "a4:3x8" (case-insensitive, 'x' or '×').
Result<SheetGrid> ParseSheetGrid(std::string_view spec);

// A label size "50x30" (millimetres, 'x', 'X', '×' or '*') for a printer of `dpi` 203 or 300,
// as `label print --size/--dpi` and the labels API take it.
Result<LabelGeometry> ParseLabelGeometry(const std::string& size, int dpi);

struct RenderOptions {
  LabelGeometry label;  // size in mm and printer dpi
  EccLevel ecc = EccLevel::kM;
  int copies = 1;  // 1 … 10000
  std::optional<SheetGrid> sheet;
  int threads = 2;  // workers encoding and formatting labels; 0 = the caller's thread
};

// Checks ranges shared by every format: size 10…300 mm, dpi 100…1200, copies 1…10000,
// threads 0…16.
Status ValidateRenderOptions(const RenderOptions& options);

}  // namespace agritrace::labeler
