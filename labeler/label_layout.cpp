#include "labeler/label_layout.h"

#include <algorithm>
#include <cmath>

#include "labeler/hgz_layout.h"

namespace agritrace::labeler {
namespace {

constexpr double kGapMm = 0.6;             // between the QR's quiet zone and the text column
constexpr double kMinTextColumnMm = 15.0;  // landscape: the column beside the QR
constexpr double kMinTextBlockMm = 8.0;    // portrait: the rows under the QR
constexpr double kMaxQrShare = 0.5;        // the QR takes at most half the long side
constexpr double kCodeSize = 2.8, kCodeMin = 1.8;
constexpr double kOrganicSize = 2.4, kOrganicMin = 1.6;

struct LineSpec {
  TextRole role;
  std::string text;
  double pref, min;
  int priority;  // lines with the highest number are left off first when space runs out
};

std::vector<LineSpec> ColumnLines(const LabelContent& c) {
  std::vector<LineSpec> lines;
  const auto add = [&](TextRole role, const std::string& prefix, const std::string& text,
                       double pref, double min, int priority) {
    if (!text.empty()) lines.push_back({role, prefix + text, pref, min, priority});
  };
  add(TextRole::kProduct, "", c.product_name, 3.6, 2.0, 0);
  add(TextRole::kBrand, "", c.brand, 2.5, 1.6, 5);
  for (const std::string& badge : c.badges) add(TextRole::kBadge, "", badge, 2.4, 1.6, 3);
  add(TextRole::kLot, "批次 ", c.lot_code, 2.4, 1.6, 2);
  add(TextRole::kPacked, "包装 ", c.packed, 2.4, 1.6, 6);
  add(TextRole::kOrigin, "产地 ", c.origin, 2.4, 1.6, 4);
  add(TextRole::kFooter, "", c.footer, 2.6, 1.6, 1);
  return lines;
}

int MinModuleDots(int dpi) { return static_cast<int>(std::ceil(kMinModuleMm * dpi / 25.4 - 1e-9)); }

std::string Mm(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

// Largest whole-dot module that lets a symbol with its quiet zone fit in `side_mm`.
int ModuleDotsFor(double side_mm, int modules, int dpi) {
  const double dots = side_mm * dpi / 25.4 + 1e-9;
  return std::min(kMaxModuleDots,
                  static_cast<int>(std::floor(dots / (modules + 2 * kQuietZoneModules))));
}

struct Frame {  // the rectangles a layout is made of, before texts are fitted
  int module_dots = 0;
  int box_x_dots = 0, box_y_dots = 0;  // top-left of the symbol's quiet zone, whole dots
  double qr_box_mm = 0;                // symbol plus quiet zone
  double col_x = 0, col_top = 0, col_bottom = 0, col_width = 0;
  detail::CodeBox code;
  detail::CodeBox organic;  // used when the label carries a 有机码
};

// Places a box of `size` dots within [lo, lo + room) mm, centred, its corner on a whole dot.
// Requires size <= room in dots minus one dot (ModuleDotsFor reserves it).
int CentreOnDots(double lo_mm, double room_mm, int size_dots, double dots_per_mm) {
  const int first = static_cast<int>(std::ceil(lo_mm * dots_per_mm - 1e-9));
  const int centred =
      static_cast<int>(std::floor((lo_mm + room_mm / 2) * dots_per_mm - size_dots / 2.0 + 1e-9));
  return std::max(first, centred);
}

// A full-width band of one line starting at `top`, for text of `size` shrinking to `min`.
detail::CodeBox Band(const LabelGeometry& g, const TextMetrics& m, double top, double size,
                     double min, bool centered) {
  detail::CodeBox b;
  b.x_mm = kLabelMarginMm;
  b.width_mm = g.width_mm - 2 * kLabelMarginMm;
  b.top_mm = top;
  b.size_mm = size;
  b.min_mm = min;
  b.centered = centered;
  b.baseline_mm = top + m.Ascent(m.Drawable(std::max(size, m.SmallestSize())));
  return b;
}

bool MakeFrame(const LabelGeometry& g, int modules, const TextMetrics& m, bool organic, Frame* f) {
  const double w = g.width_mm, h = g.height_mm, margin = kLabelMarginMm;
  const double dpmm = g.dpi / 25.4;
  const int min_dots = MinModuleDots(g.dpi);
  const bool landscape = w >= h;
  const auto band_height = [&](double size) {
    return m.LineHeight(m.Drawable(std::max(size, m.SmallestSize())));
  };
  // Try the bands at their preferred sizes, then at their minimum if that makes the QR fit.
  for (bool preferred : {true, false}) {
    const double code_size = preferred ? kCodeSize : kCodeMin;
    const double organic_size = preferred ? kOrganicSize : kOrganicMin;
    const double band = band_height(code_size) + (organic ? band_height(organic_size) : 0);
    const double room_h =
        landscape ? h - 2 * margin - band : h - 2 * margin - band - kMinTextBlockMm;
    const double room_w = landscape ? w - 2 * margin - kGapMm - kMinTextColumnMm : w - 2 * margin;
    const double side = std::min({room_h, room_w, kMaxQrShare * (landscape ? w : h)}) -
                        1 / dpmm;  // see CentreOnDots
    const int dots = side > 0 ? ModuleDotsFor(side, modules, g.dpi) : 0;
    if (dots < min_dots) continue;
    const int box_dots = (modules + 2 * kQuietZoneModules) * dots;
    f->module_dots = dots;
    f->qr_box_mm = box_dots / dpmm;
    // The bands: the 有机码 (if any) on top, then the code.
    double bands_top;
    if (landscape) {
      f->box_x_dots = CentreOnDots(margin, 0, 0, dpmm);  // left-aligned at the margin
      f->box_y_dots = CentreOnDots(margin, h - 2 * margin - band, box_dots, dpmm);
      f->col_x = (f->box_x_dots + box_dots) / dpmm + kGapMm;
      f->col_top = margin;
      f->col_bottom = h - margin - band;
      f->col_width = w - margin - f->col_x;
      bands_top = h - margin - band;
    } else {
      f->box_x_dots = CentreOnDots(margin, w - 2 * margin, box_dots, dpmm);
      f->box_y_dots = CentreOnDots(margin, 0, 0, dpmm);
      bands_top = (f->box_y_dots + box_dots) / dpmm;
      f->col_x = margin;
      f->col_top = bands_top + band;
      f->col_bottom = h - margin;
      f->col_width = w - 2 * margin;
    }
    double code_top = bands_top;
    if (organic) {
      f->organic = Band(g, m, bands_top, organic_size, kOrganicMin, !landscape);
      code_top += band_height(organic_size);
    }
    f->code = Band(g, m, code_top, code_size, kCodeMin, !landscape);
    return true;
  }
  return false;
}

// Width a band's text needs at its smallest size.
double NeededWidth(const TextMetrics& m, const std::string& text, double min) {
  return m.Width(text, m.Drawable(std::max(min, m.SmallestSize())));
}

// True when `g` holds the QR, the whole code line and the whole 有机码 line (when not empty).
bool Workable(const LabelGeometry& g, int modules, const TextMetrics& m, const std::string& code,
              const std::string& organic) {
  Frame f;
  if (!MakeFrame(g, modules, m, !organic.empty(), &f)) return false;
  return NeededWidth(m, code, kCodeMin) <= f.code.width_mm &&
         (organic.empty() || NeededWidth(m, organic, kOrganicMin) <= f.organic.width_mm);
}

Status TooSmall(const LabelGeometry& g, int modules, const TextMetrics& m, const std::string& code,
                const std::string& organic) {
  // The smallest size of the same orientation that works, growing width and height by whole
  // millimetres, least total growth first.
  LabelGeometry need = g;
  const bool landscape = g.width_mm >= g.height_mm;
  bool found = false;
  for (int grow = 0; grow <= 600 && !found; ++grow) {
    for (int dw = 0; dw <= grow && !found; ++dw) {
      LabelGeometry probe = g;
      probe.width_mm = std::ceil(g.width_mm) + dw;
      probe.height_mm = std::ceil(g.height_mm) + (grow - dw);
      if ((probe.width_mm >= probe.height_mm) != landscape) continue;
      if (Workable(probe, modules, m, code, organic)) {
        need = probe;
        found = true;
      }
    }
  }
  const int min_dots = MinModuleDots(g.dpi);
  const double box = (modules + 2 * kQuietZoneModules) * min_dots * 25.4 / g.dpi;
  const std::string texts_zh = organic.empty() ? "编码和文字" : "编码、有机码和文字";
  const std::string texts_en = organic.empty() ? "the code and text" : "the code, 有机码 and text";
  Status s = Status::Invalid(
      "标签太小（" + Mm(g.width_mm) + "×" + Mm(g.height_mm) + " mm）：二维码 " +
          std::to_string(modules) + "×" + std::to_string(modules) + " 模块，每模块至少 " +
          std::to_string(min_dots) + " 点（0.5 mm，" + std::to_string(g.dpi) +
          " dpi），连同静区需 " + Mm(box) + " mm 见方，另需" + texts_zh + "的位置；至少需要 " +
          Mm(need.width_mm) + "×" + Mm(need.height_mm) + " mm",
      "label too small (" + Mm(g.width_mm) + "x" + Mm(g.height_mm) + " mm): the QR has " +
          std::to_string(modules) + "x" + std::to_string(modules) + " modules of at least " +
          std::to_string(min_dots) + " dots (0.5 mm at " + std::to_string(g.dpi) + " dpi), " +
          Mm(box) + " mm square with its quiet zone, plus room for " + texts_en + "; at least " +
          Mm(need.width_mm) + "x" + Mm(need.height_mm) + " mm is needed");
  s.with_reason("label-too-small");
  return s;
}

// The band's text does not fit whole: `what` names it ("编码" / "code").
Status TooNarrow(const LabelGeometry& g, const detail::CodeBox& box, const std::string& text,
                 const TextMetrics& m, const std::string& what_zh, const std::string& what_en) {
  const double need = std::ceil(NeededWidth(m, text, box.min_mm) + 2 * kLabelMarginMm);
  Status s =
      Status::Invalid("标签太窄（" + Mm(g.width_mm) + " mm）：放不下完整的" + what_zh + "「" +
                          text + "」，至少需要 " + Mm(need) + " mm 宽",
                      "label too narrow (" + Mm(g.width_mm) + " mm) for the whole " + what_en +
                          " '" + text + "': at least " + Mm(need) + " mm wide is needed");
  s.with_reason("label-too-small");
  return s;
}

// Fits a per-label line into its band; the code and the 有机码 must never be cut.
bool FitBand(const detail::CodeBox& box, TextRole role, const std::string& text,
             const TextMetrics& m, TextLine* line) {
  FittedText fit = FitText(m, text, box.width_mm, box.size_mm, box.min_mm);
  if (fit.cut) return false;
  line->role = role;
  line->text = std::move(fit.text);
  line->size_mm = fit.size_mm;
  line->width_mm = fit.width_mm;
  line->x_mm = box.centered ? box.x_mm + (box.width_mm - fit.width_mm) / 2 : box.x_mm;
  line->baseline_mm = box.baseline_mm;
  line->top_mm = box.baseline_mm - m.Ascent(fit.size_mm);
  line->cut = false;
  return true;
}

// Sizes for the column lines at scale `s` of their preferred sizes, never under their minimum.
double ColumnHeight(const std::vector<LineSpec>& lines, double s, const TextMetrics& m) {
  double total = 0;
  for (const LineSpec& l : lines) total += m.LineHeight(m.Drawable(std::max(l.min, l.pref * s)));
  return total;
}

Status OrganicTooNarrow(const LabelGeometry& g, const detail::CodeBox& box, const std::string& text,
                        const TextMetrics& m) {
  return TooNarrow(g, box, text, m, "有机码", "有机码 (organic code)");
}

Result<LabelLayout> Build(const LabelContent& content, int modules, const LabelGeometry& g,
                          const TextMetrics& m, detail::CodeBox* code_box,
                          detail::CodeBox* organic_box) {
  if (modules <= 0) return Status::Invalid("二维码为空", "empty QR symbol");
  const bool organic = !content.organic_code.empty();
  const std::string organic_text = organic ? OrganicCodeLine(content.organic_code) : "";
  Frame f;
  if (!MakeFrame(g, modules, m, organic, &f)) {
    return TooSmall(g, modules, m, content.code_display, organic_text);
  }
  LabelLayout layout;
  layout.geometry = g;
  layout.qr.modules = modules;
  layout.qr.module_dots = f.module_dots;
  layout.qr.x_dots = f.box_x_dots + kQuietZoneModules * f.module_dots;
  layout.qr.y_dots = f.box_y_dots + kQuietZoneModules * f.module_dots;

  // Column lines: find the largest common scale that fits the column's height; when even the
  // minimum sizes do not fit, leave off the least important line and try again.
  std::vector<LineSpec> lines = ColumnLines(content);
  const double col_height = f.col_bottom - f.col_top;
  while (!lines.empty() && ColumnHeight(lines, 0, m) > col_height + 1e-9) {
    auto drop = lines.begin();  // the last of the lines with the highest priority number
    for (auto it = lines.begin(); it != lines.end(); ++it) {
      if (it->priority >= drop->priority) drop = it;
    }
    layout.omitted.push_back(drop->text);
    lines.erase(drop);
  }
  double lo = 0, hi = 1;
  if (ColumnHeight(lines, 1, m) <= col_height) {
    lo = 1;
  } else {
    for (int i = 0; i < 30; ++i) {
      const double mid = (lo + hi) / 2;
      (ColumnHeight(lines, mid, m) <= col_height ? lo : hi) = mid;
    }
  }
  double top = f.col_top;
  for (size_t i = 0; i < lines.size(); ++i) {
    const LineSpec& l = lines[i];
    const double slot = m.Drawable(std::max(l.min, l.pref * lo));
    double line_top = top;
    // The footer sits at the bottom of the column.
    if (l.role == TextRole::kFooter && i + 1 == lines.size()) {
      line_top = std::max(top, f.col_bottom - m.LineHeight(slot));
    }
    FittedText fit = FitText(m, l.text, f.col_width, slot, l.min);
    if (fit.text.empty()) {
      layout.omitted.push_back(l.text);
    } else {
      TextLine line;
      line.role = l.role;
      line.text = std::move(fit.text);
      line.size_mm = fit.size_mm;
      line.width_mm = fit.width_mm;
      line.x_mm = f.col_x;
      line.top_mm = line_top;
      line.baseline_mm = line_top + m.Ascent(slot);
      line.cut = fit.cut;
      layout.lines.push_back(std::move(line));
    }
    top += m.LineHeight(slot);
  }

  if (organic) {
    TextLine line;
    if (!FitBand(f.organic, TextRole::kOrganicCode, organic_text, m, &line)) {
      return OrganicTooNarrow(g, f.organic, organic_text, m);
    }
    f.organic.line = layout.lines.size();
    layout.lines.push_back(std::move(line));
  }
  TextLine code;
  if (!FitBand(f.code, TextRole::kCode, content.code_display, m, &code)) {
    return TooNarrow(g, f.code, content.code_display, m, "编码", "code");
  }
  f.code.line = layout.lines.size();
  layout.lines.push_back(std::move(code));
  *code_box = f.code;
  *organic_box = f.organic;
  return layout;
}

}  // namespace

std::string OrganicCodeLine(const std::string& organic_code) { return "有机码 " + organic_code; }

Result<LabelLayout> LayoutLabel(const LabelContent& content, int qr_modules,
                                const LabelGeometry& geometry, const TextMetrics& metrics) {
  detail::CodeBox code, organic;
  return Build(content, qr_modules, geometry, metrics, &code, &organic);
}

Result<const LabelLayout*> LayoutCache::Get(const LabelContent& content, int qr_modules) {
  if (!content.certificate.empty()) {  // one certificate a print: nothing worth caching
    valid_ = false;
    Result<LabelLayout> layout = LayoutHgz(content, qr_modules, geometry_, metrics_);
    if (!layout.ok()) return layout.status();
    layout_ = std::move(layout).value();
    ++generation_;
    return &layout_;
  }
  const bool organic = !content.organic_code.empty();
  const bool same = valid_ && qr_modules == modules_ && organic == organic_ &&
                    content.product_name == key_.product_name && content.brand == key_.brand &&
                    content.badges == key_.badges && content.lot_code == key_.lot_code &&
                    content.packed == key_.packed && content.origin == key_.origin &&
                    content.footer == key_.footer;
  if (same) {
    // Refit the per-label lines; a text that no longer fits its band gets a full layout, which
    // shrinks what it can and refuses what it cannot.
    bool fits = true;
    if (organic) {
      TextLine& line = layout_.lines[organic_box_.line];
      const std::string text = OrganicCodeLine(content.organic_code);
      if (line.text != text) {
        fits = FitBand(organic_box_, TextRole::kOrganicCode, text, metrics_, &line);
      }
    }
    TextLine& code = layout_.lines[code_box_.line];
    if (fits && code.text != content.code_display) {
      fits = FitBand(code_box_, TextRole::kCode, content.code_display, metrics_, &code);
    }
    if (fits) return &layout_;
  }
  valid_ = false;
  Result<LabelLayout> layout =
      Build(content, qr_modules, geometry_, metrics_, &code_box_, &organic_box_);
  if (!layout.ok()) return layout.status();
  layout_ = std::move(layout).value();
  key_ = content;
  key_.qr_text.clear();
  key_.code_display.clear();
  key_.organic_code.clear();
  organic_ = organic;
  modules_ = qr_modules;
  valid_ = true;
  ++generation_;
  return &layout_;
}

}  // namespace agritrace::labeler
