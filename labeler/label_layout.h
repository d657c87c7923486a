// One layout in millimetres for every renderer. Landscape labels (width >= height) put the QR on
// the left and the texts in a column beside it; portrait labels put the QR on top. The code
// line runs under the QR, the whole width of the label, and an organic unit's 有机码 line in a
// band of the same width just above it. The QR keeps a 4-module quiet zone and a module of whole
// printer dots,
// at least 0.5 mm and at most 10 dots (the ZPL/TSPL limit); texts shrink down to a minimum size,
// then are cut with "…"; a line that has no room even then is left off and listed in
// `omitted`. Nothing is ever placed outside the label. The code and the 有机码 are never cut: a
// label too small for the QR, the whole code or the whole 有机码 is refused with the size that
// would work.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agritrace/labeler/label_content.h"
#include "agritrace/labeler/render_options.h"
#include "agritrace/registry/status.h"
#include "labeler/text_metrics.h"

namespace agritrace::labeler {

inline constexpr int kQuietZoneModules = 4;
inline constexpr double kMinModuleMm = 0.5;
inline constexpr int kMaxModuleDots = 10;
inline constexpr double kLabelMarginMm = 1.0;

enum class TextRole {
  kProduct,
  kBrand,
  kBadge,
  kLot,
  kPacked,
  kOrigin,
  kFooter,
  kCode,
  kOrganicCode,
};

// Lines whose text changes from label to label of one lot; renderers format the others once per
// layout (LayoutCache::generation).
inline bool IsPerLabel(TextRole role) {
  return role == TextRole::kCode || role == TextRole::kOrganicCode;
}

// "有机码 12345678901234567", the 有机码 line as printed.
std::string OrganicCodeLine(const std::string& organic_code);

struct TextLine {
  TextRole role = TextRole::kProduct;
  std::string text;   // as drawn: possibly cut, ending in "…"
  double x_mm = 0;    // left edge of the text
  double top_mm = 0;  // top of the line box
  double baseline_mm = 0;
  double size_mm = 0;  // em size
  double width_mm = 0;
  bool cut = false;
};

struct QrPlacement {
  int modules = 0;      // symbol width in modules, quiet zone excluded
  int module_dots = 0;  // printer dots per module
  int x_dots = 0;       // top-left corner of the symbol (quiet zone excluded), whole dots
  int y_dots = 0;
};

struct LabelLayout {
  LabelGeometry geometry;
  QrPlacement qr;
  std::vector<TextLine> lines;  // the code line included (role kCode)
  std::vector<std::string> omitted;

  double DotsToMm(double dots) const { return dots * 25.4 / geometry.dpi; }
  double module_mm() const { return DotsToMm(qr.module_dots); }
  double qr_x_mm() const { return DotsToMm(qr.x_dots); }
  double qr_y_mm() const { return DotsToMm(qr.y_dots); }
  double qr_size_mm() const { return DotsToMm(qr.modules * qr.module_dots); }
};

namespace detail {
// Where a per-label line (the code, the 有机码) goes; kept so that the next unit's text can be
// refitted without a full layout.
struct CodeBox {
  double x_mm = 0, width_mm = 0, top_mm = 0, baseline_mm = 0;
  double size_mm = 0;  // largest size the band was made for
  double min_mm = 0;   // smallest size the text may shrink to
  bool centered = false;
  size_t line = 0;  // index of the line in LabelLayout::lines
};
}  // namespace detail

// Lays out `content` with a QR symbol of `qr_modules` modules per side. Status::Invalid
// (reason "label-too-small") when the label cannot hold the QR at 0.5 mm per module or the whole
// code line; the message names a size that would.
Result<LabelLayout> LayoutLabel(const LabelContent& content, int qr_modules,
                                const LabelGeometry& geometry, const TextMetrics& metrics);

// Remembers the last layout and reuses it while only qr_text, code_display and organic_code
// change (one lot, many unit codes), refitting just their lines. Not thread-safe: one per worker.
class LayoutCache {
 public:
  // `metrics` must outlive the cache.
  LayoutCache(const TextMetrics& metrics, const LabelGeometry& geometry)
      : metrics_(metrics), geometry_(geometry) {}
  // Valid until the next call.
  Result<const LabelLayout*> Get(const LabelContent& content, int qr_modules);
  // Changes whenever Get lays out afresh (not when it only refits the code line), so callers
  // can cache what they derive from everything but the code line.
  uint64_t generation() const { return generation_; }

 private:
  const TextMetrics& metrics_;
  LabelGeometry geometry_;
  bool valid_ = false;
  LabelContent key_;
  bool organic_ = false;  // the layout has a 有机码 band
  int modules_ = 0;
  LabelLayout layout_;
  detail::CodeBox code_box_, organic_box_;
  uint64_t generation_ = 0;
};

}  // namespace agritrace::labeler
