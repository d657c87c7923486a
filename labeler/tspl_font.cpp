#include "labeler/tspl_font.h"

#include <algorithm>
#include <cmath>

#include "labeler/utf8.h"

namespace agritrace::labeler {

double TsplFontMetrics::Width(std::string_view utf8, double size_mm) const {
  double cells = 0;
  for (size_t pos = 0; pos < utf8.size();) cells += NextCodePoint(utf8, &pos) < 0x80 ? 0.5 : 1.0;
  return cells * size_mm;
}

int TsplFontMetrics::Multiplier(double size_mm) const {
  return std::clamp(static_cast<int>(std::floor(size_mm / cell_mm_ + 1e-6)), 1, 10);
}

double TsplFontMetrics::Drawable(double size_mm) const { return Multiplier(size_mm) * cell_mm_; }

}  // namespace agritrace::labeler
