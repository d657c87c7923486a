#include "labeler/text_metrics.h"

#include <algorithm>
#include <vector>

#include "labeler/utf8.h"

namespace agritrace::labeler {

FittedText FitText(const TextMetrics& metrics, std::string_view text, double box_width_mm,
                   double size_mm, double min_size_mm) {
  FittedText out;
  const double smallest = metrics.Drawable(std::max(min_size_mm, metrics.SmallestSize()));
  const double wanted = std::max(metrics.Drawable(size_mm), smallest);
  const double full = metrics.Width(text, wanted);
  if (full <= box_width_mm) {
    out.text = std::string(text);
    out.size_mm = wanted;
    out.width_mm = full;
    return out;
  }
  // Widths scale linearly with size, so one division finds the shrunk size.
  const double scaled = metrics.Drawable(wanted * box_width_mm / full * 0.999);
  if (scaled >= smallest && scaled < wanted) {
    const double w = metrics.Width(text, scaled);
    if (w <= box_width_mm) {
      out.text = std::string(text);
      out.size_mm = scaled;
      out.width_mm = w;
      out.shrunk = true;
      return out;
    }
  }
  // Cut at code-point boundaries: the longest prefix that fits together with the ellipsis.
  std::vector<size_t> ends;
  for (size_t pos = 0; pos < text.size();) {
    NextCodePoint(text, &pos);
    ends.push_back(pos);
  }
  const auto candidate = [&](size_t n) {
    std::string_view prefix = text.substr(0, n == 0 ? 0 : ends[n - 1]);
    while (!prefix.empty() && prefix.back() == ' ') prefix.remove_suffix(1);
    return std::string(prefix) + std::string(kEllipsis);
  };
  size_t lo = 0, hi = ends.size();  // invariant: a prefix of `lo` code points fits, if any does
  if (metrics.Width(candidate(0), smallest) > box_width_mm) {
    out.size_mm = smallest;
    out.shrunk = true;
    out.cut = true;
    return out;  // not even "…" fits: draw nothing
  }
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (metrics.Width(candidate(mid), smallest) <= box_width_mm) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  out.text = candidate(lo);
  out.size_mm = smallest;
  out.width_mm = metrics.Width(out.text, smallest);
  out.shrunk = smallest < wanted;
  out.cut = true;
  return out;
}

}  // namespace agritrace::labeler
