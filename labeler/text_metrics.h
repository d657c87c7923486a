// How wide text is, for fitting text into a label's boxes. Two engines implement it: the outline
// font drawn by the SVG, PNG, PDF and ZPL renderers (LabelFont) and the TSPL printer's
// built-in bitmap font (TsplFontMetrics).
#pragma once

#include <string>
#include <string_view>

namespace agritrace::labeler {

inline constexpr std::string_view kEllipsis = "…";

class TextMetrics {
 public:
  virtual ~TextMetrics() = default;
  // Advance width in mm of `utf8` set at em size `size_mm`.
  virtual double Width(std::string_view utf8, double size_mm) const = 0;
  // From the top of a line box to the baseline, in mm.
  virtual double Ascent(double size_mm) const = 0;
  // Height of one line box in mm; lines stack at this pitch.
  virtual double LineHeight(double size_mm) const = 0;
  // The drawable size nearest `size_mm` from below, never under SmallestSize(). Outline fonts
  // draw any size; a bitmap font only whole multiples of its cell.
  virtual double Drawable(double size_mm) const { return size_mm; }
  virtual double SmallestSize() const { return 0; }
};

struct FittedText {
  std::string text;  // what to draw: the input, or a prefix ending in "…", or empty
  double size_mm = 0;
  double width_mm = 0;
  bool shrunk = false;  // drawn smaller than asked
  bool cut = false;     // ends in an ellipsis
};

// Fits `text` on one line of `box_width_mm`: at `size_mm` when it fits, else shrunk down to
// `min_size_mm`, else cut and ended with "…" at the smallest size. The result is never wider
// than the box (it is empty when not even "…" fits).
FittedText FitText(const TextMetrics& metrics, std::string_view text, double box_width_mm,
                   double size_mm, double min_size_mm);

}  // namespace agritrace::labeler
