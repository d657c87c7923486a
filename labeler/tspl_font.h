// The metrics of TSPL printers' built-in simplified-Chinese bitmap font "TSS24.BF2": cells of
// 24 × 24 dots for a Chinese character and 12 × 24 for ASCII, scaled only by whole multiples
// (1…10). Layouts for TSPL use these, so text never runs past its box on the printer.
#pragma once

#include "labeler/text_metrics.h"

namespace agritrace::labeler {

inline constexpr int kTsplCellDots = 24;

class TsplFontMetrics final : public TextMetrics {
 public:
  explicit TsplFontMetrics(int dpi) : cell_mm_(kTsplCellDots * 25.4 / dpi) {}
  double Width(std::string_view utf8, double size_mm) const override;
  double Ascent(double size_mm) const override { return size_mm; }
  double LineHeight(double size_mm) const override { return size_mm * 1.1; }
  double Drawable(double size_mm) const override;
  double SmallestSize() const override { return cell_mm_; }
  // The multiplier (1…10) that draws `size_mm`, a value returned by Drawable.
  int Multiplier(double size_mm) const;

 private:
  double cell_mm_;
};

}  // namespace agritrace::labeler
