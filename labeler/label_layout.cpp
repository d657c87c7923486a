#include "labeler/label_layout.h"

#include <algorithm>
#include <cmath>

namespace agritrace::labeler {
namespace {

constexpr double kGapMm = 0.6;             // between the QR's quiet zone and the text column
constexpr double kMinTextColumnMm = 15.0;  // landscape: the column beside the QR
constexpr double kMinTextBlockMm = 8.0;    // portrait: the rows under the QR
constexpr double kMaxQrShare = 0.5;        // the QR takes at most half the long side
constexpr double kCodeSize = 2.8, kCodeMin = 1.8;

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
};

// Places a box of `size` dots within [lo, lo + room) mm, centred, its corner on a whole dot.
// Requires size <= room in dots minus one dot (ModuleDotsFor reserves it).
int CentreOnDots(double lo_mm, double room_mm, int size_dots, double dots_per_mm) {
  const int first = static_cast<int>(std::ceil(lo_mm * dots_per_mm - 1e-9));
  const int centred =
      static_cast<int>(std::floor((lo_mm + room_mm / 2) * dots_per_mm - size_dots / 2.0 + 1e-9));
  return std::max(first, centred);
}

bool MakeFrame(const LabelGeometry& g, int modules, const TextMetrics& m, Frame* f) {
  const double w = g.width_mm, h = g.height_mm, margin = kLabelMarginMm;
  const double dpmm = g.dpi / 25.4;
  const int min_dots = MinModuleDots(g.dpi);
  const bool landscape = w >= h;
  // Try the code line at its preferred size, then at its minimum if that makes the QR fit.
  for (double code_size : {kCodeSize, kCodeMin}) {
    const double band = m.LineHeight(m.Drawable(std::max(code_size, m.SmallestSize())));
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
    if (landscape) {
      f->box_x_dots = CentreOnDots(margin, 0, 0, dpmm);  // left-aligned at the margin
      f->box_y_dots = CentreOnDots(margin, h - 2 * margin - band, box_dots, dpmm);
      f->col_x = (f->box_x_dots + box_dots) / dpmm + kGapMm;
      f->col_top = margin;
      f->col_bottom = h - margin - band;
      f->col_width = w - margin - f->col_x;
      f->code.x_mm = margin;
      f->code.width_mm = w - 2 * margin;
      f->code.top_mm = h - margin - band;
      f->code.centered = false;
    } else {
      f->box_x_dots = CentreOnDots(margin, w - 2 * margin, box_dots, dpmm);
      f->box_y_dots = CentreOnDots(margin, 0, 0, dpmm);
      f->code.x_mm = margin;
      f->code.width_mm = w - 2 * margin;
      f->code.top_mm = (f->box_y_dots + box_dots) / dpmm;
      f->code.centered = true;
      f->col_x = margin;
      f->col_top = f->code.top_mm + band;
      f->col_bottom = h - margin;
      f->col_width = w - 2 * margin;
    }
    f->code.size_mm = code_size;
    f->code.baseline_mm =
        f->code.top_mm + m.Ascent(m.Drawable(std::max(code_size, m.SmallestSize())));
    return true;
  }
  return false;
}

// True when `g` holds the QR and the whole code line.
bool Workable(const LabelGeometry& g, int modules, const TextMetrics& m, const std::string& code) {
  Frame f;
  if (!MakeFrame(g, modules, m, &f)) return false;
  return m.Width(code, m.Drawable(std::max(kCodeMin, m.SmallestSize()))) <= f.code.width_mm;
}

Status TooSmall(const LabelGeometry& g, int modules, const TextMetrics& m,
                const std::string& code) {
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
      if (Workable(probe, modules, m, code)) {
        need = probe;
        found = true;
      }
    }
  }
  const int min_dots = MinModuleDots(g.dpi);
  const double box = (modules + 2 * kQuietZoneModules) * min_dots * 25.4 / g.dpi;
  Status s = Status::Invalid(
      "标签太小（" + Mm(g.width_mm) + "×" + Mm(g.height_mm) + " mm）：二维码 " +
          std::to_string(modules) + "×" + std::to_string(modules) + " 模块，每模块至少 " +
          std::to_string(min_dots) + " 点（0.5 mm，" + std::to_string(g.dpi) +
          " dpi），连同静区需 " + Mm(box) + " mm 见方，另需编码和文字的位置；至少需要 " +
          Mm(need.width_mm) + "×" + Mm(need.height_mm) + " mm",
      "label too small (" + Mm(g.width_mm) + "x" + Mm(g.height_mm) + " mm): the QR has " +
          std::to_string(modules) + "x" + std::to_string(modules) + " modules of at least " +
          std::to_string(min_dots) + " dots (0.5 mm at " + std::to_string(g.dpi) + " dpi), " +
          Mm(box) +
          " mm square with its quiet zone, plus room for the code and "
          "text; at least " +
          Mm(need.width_mm) + "x" + Mm(need.height_mm) + " mm is needed");
  s.with_reason("label-too-small");
  return s;
}

Status CodeTooWide(const LabelGeometry& g, const std::string& code, const TextMetrics& m) {
  const double need = std::ceil(m.Width(code, m.Drawable(std::max(kCodeMin, m.SmallestSize()))) +
                                2 * kLabelMarginMm);
  Status s = Status::Invalid("标签太窄（" + Mm(g.width_mm) + " mm）：放不下完整的编码「" + code +
                                 "」，至少需要 " + Mm(need) + " mm 宽",
                             "label too narrow (" + Mm(g.width_mm) + " mm) for the whole code '" +
                                 code + "': at least " + Mm(need) + " mm wide is needed");
  s.with_reason("label-too-small");
  return s;
}

// Fits the code line into its box; the code must never be cut.
bool FitCode(const detail::CodeBox& box, const std::string& code, const TextMetrics& m,
             TextLine* line) {
  FittedText fit = FitText(m, code, box.width_mm, box.size_mm, kCodeMin);
  if (fit.cut) return false;
  line->role = TextRole::kCode;
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

Result<LabelLayout> Build(const LabelContent& content, int modules, const LabelGeometry& g,
                          const TextMetrics& m, detail::CodeBox* code_box) {
  if (modules <= 0) return Status::Invalid("二维码为空", "empty QR symbol");
  Frame f;
  if (!MakeFrame(g, modules, m, &f)) return TooSmall(g, modules, m, content.code_display);
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

  TextLine code;
  if (!FitCode(f.code, content.code_display, m, &code)) {
    return CodeTooWide(g, content.code_display, m);
  }
  f.code.line = layout.lines.size();
  layout.lines.push_back(std::move(code));
  *code_box = f.code;
  return layout;
}

}  // namespace

Result<LabelLayout> LayoutLabel(const LabelContent& content, int qr_modules,
                                const LabelGeometry& geometry, const TextMetrics& metrics) {
  detail::CodeBox box;
  return Build(content, qr_modules, geometry, metrics, &box);
}

Result<const LabelLayout*> LayoutCache::Get(const LabelContent& content, int qr_modules) {
  const bool same = valid_ && qr_modules == modules_ && content.product_name == key_.product_name &&
                    content.brand == key_.brand && content.badges == key_.badges &&
                    content.lot_code == key_.lot_code && content.packed == key_.packed &&
                    content.origin == key_.origin && content.footer == key_.footer;
  if (same) {
    TextLine& line = layout_.lines[code_box_.line];
    if (line.text != content.code_display) {
      if (!FitCode(code_box_, content.code_display, metrics_, &line)) {
        return CodeTooWide(geometry_, content.code_display, metrics_);
      }
    }
    return &layout_;
  }
  valid_ = false;
  Result<LabelLayout> layout = Build(content, qr_modules, geometry_, metrics_, &code_box_);
  if (!layout.ok()) return layout.status();
  layout_ = std::move(layout).value();
  key_ = content;
  key_.qr_text.clear();
  key_.code_display.clear();
  modules_ = qr_modules;
  valid_ = true;
  ++generation_;
  return &layout_;
}

}  // namespace agritrace::labeler
