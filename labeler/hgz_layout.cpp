#include "labeler/hgz_layout.h"

#include <algorithm>
#include <cmath>

#include "labeler/utf8.h"

namespace agritrace::labeler {
namespace {

constexpr double kGapMm = 1.0;        // between the text column and the QR's quiet zone
constexpr double kQrShare = 0.42;     // the QR takes at most this share of the label's width
constexpr double kParagraphGap = 0.15;  // of a line height, between paragraphs

// Breaks `text` into pieces that may not be split: a run of ASCII letters and digits (a phone,
// a report number, a credit code) stays whole; any other code point stands alone.
std::vector<std::string> Pieces(const std::string& text) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    const char32_t cp = NextCodePoint(text, &pos);
    const auto word = [](char32_t c) {
      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
             c == '-' || c == '.';
    };
    if (word(cp))
      while (pos < text.size() && word(static_cast<unsigned char>(text[pos]))) ++pos;
    out.emplace_back(text.substr(start, pos - start));
  }
  return out;
}

struct Flow {
  std::vector<TextLine> lines;
  bool fits = false;
};

// Flows the paragraphs at body size `size` from `top`: lines that start above `narrow_until`
// (beside the QR) are `narrow` wide, the others `wide`.
Flow FlowText(const std::vector<std::string>& paragraphs, double size, double x, double top,
              double bottom, double narrow, double wide, double narrow_until,
              const TextMetrics& m) {
  Flow f;
  const double lh = m.LineHeight(size);
  double y = top;
  for (const std::string& p : paragraphs) {
    std::string line;
    double line_w = 0;
    // A line that starts beside the QR stays clear of it to its bottom.
    const auto width_at = [&](double at) { return at < narrow_until - 1e-9 ? narrow : wide; };
    const auto emit = [&] {
      TextLine t;
      t.role = TextRole::kBadge;
      t.text = line;
      t.x_mm = x;
      t.top_mm = y;
      t.baseline_mm = y + m.Ascent(size);
      t.size_mm = size;
      t.width_mm = line_w;
      f.lines.push_back(std::move(t));
      y += lh;
      line.clear();
      line_w = 0;
    };
    for (const std::string& piece : Pieces(p)) {
      const double w = m.Width(piece, size);
      if (w > wide) return f;  // a single word wider than the label: never fits at this size
      if (!line.empty() && line_w + w > width_at(y) + 1e-9) emit();
      while (line.empty() && w > width_at(y) + 1e-9) y += lh;  // skip down past the QR
      if (line.empty() && piece == " ") continue;
      line += piece;
      line_w = m.Width(line, size);
    }
    if (!line.empty()) emit();
    y += lh * kParagraphGap;
  }
  f.fits = y - lh * kParagraphGap <= bottom + 1e-9;
  return f;
}

int MinModuleDots(int dpi) {
  return static_cast<int>(std::ceil(kMinModuleMm * dpi / 25.4 - 1e-9));
}

}  // namespace

Result<LabelLayout> LayoutHgz(const LabelContent& content, int modules, const LabelGeometry& g,
                              const TextMetrics& m) {
  if (modules <= 0 || content.certificate.empty())
    return Status::Invalid("合格证内容为空", "empty certificate");
  const double margin = kLabelMarginMm, w = g.width_mm - 2 * margin;
  const double dpmm = g.dpi / 25.4;
  const std::string& title = content.certificate[0];
  const std::vector<std::string> body(content.certificate.begin() + 1, content.certificate.end());

  // Title: as large as the width allows, up to a tenth of the height.
  const double title_min = m.Drawable(std::max(kHgzTitleMinMm, m.SmallestSize()));
  double title_size = m.Drawable(std::max(title_min, std::min(g.height_mm / 10, 9.0)));
  for (double s = title_size; s >= title_min - 1e-9; s = m.Drawable(s * 0.95)) {
    title_size = s;
    if (m.Width(title, s) <= w || m.Drawable(s * 0.95) >= s) break;
  }
  const double title_w = m.Width(title, title_size);
  const double body_top = margin + m.LineHeight(title_size) + 0.5;
  const double bottom = g.height_mm - margin;

  const int min_dots = MinModuleDots(g.dpi);
  const int box_modules = modules + 2 * kQuietZoneModules;
  const double body_min = m.Drawable(std::max(kHgzBodyMinMm, m.SmallestSize()));
  const double body_pref = m.Drawable(std::max(body_min, std::min(4.0, g.height_mm / 22)));

  // Largest QR first, then smaller ones; at each QR size the largest body text that fits.
  int max_dots = std::min(kMaxModuleDots, static_cast<int>(std::floor(
                                              std::min(w * kQrShare, bottom - body_top) * dpmm /
                                              box_modules)));
  if (title_w > w) max_dots = 0;
  for (int dots = max_dots; dots >= min_dots; --dots) {
    const int box_dots = box_modules * dots;
    const int box_x = static_cast<int>(std::floor((g.width_mm - margin) * dpmm)) - box_dots;
    const int box_y = static_cast<int>(std::ceil(body_top * dpmm));
    const double narrow = box_x / dpmm - kGapMm - margin, qr_bottom = (box_y + box_dots) / dpmm;
    if (narrow <= 0) continue;
    for (double s = body_pref;; ) {
      Flow f = FlowText(body, s, margin, body_top, bottom, narrow, w, qr_bottom, m);
      if (f.fits) {
        LabelLayout layout;
        layout.geometry = g;
        layout.qr.modules = modules;
        layout.qr.module_dots = dots;
        layout.qr.x_dots = box_x + kQuietZoneModules * dots;
        layout.qr.y_dots = box_y + kQuietZoneModules * dots;
        TextLine t;
        t.role = TextRole::kProduct;
        t.text = title;
        t.size_mm = title_size;
        t.width_mm = title_w;
        t.x_mm = margin + (w - title_w) / 2;
        t.top_mm = margin;
        t.baseline_mm = margin + m.Ascent(title_size);
        layout.lines.push_back(std::move(t));
        for (TextLine& l : f.lines) layout.lines.push_back(std::move(l));
        return layout;
      }
      const double next = m.Drawable(s * 0.94);
      if (next < body_min - 1e-9 || next >= s) break;
      s = next;
    }
  }
  char size[64];
  snprintf(size, sizeof size, "%gx%g", g.width_mm, g.height_mm);
  return Status::Invalid(std::string("标签太小（") + size +
                             " mm）：合格证的全部内容（标题、各项、承诺内容）和二维码以最小可读字号也放不下；"
                             "请用更大的尺寸（如 80x60、100x70、a5）",
                         std::string("label too small (") + size +
                             " mm): the whole certificate (title, every field, the commitment) "
                             "and its QR do not fit even at the smallest legible size; use a "
                             "larger size (e.g. 80x60, 100x70, a5)")
      .with_reason("label-too-small");
}

}  // namespace agritrace::labeler
