#include "labeler/cairo_label.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace agritrace::labeler {
namespace {

const cairo_font_options_t* Options(bool antialias) {
  static const FontOptionsPtr smooth(LabelFont::NewFontOptions(true));
  static const FontOptionsPtr bilevel(LabelFont::NewFontOptions(false));
  return antialias ? smooth.get() : bilevel.get();
}

constexpr std::array<unsigned char, 256> MakeReverseTable() {
  std::array<unsigned char, 256> t{};
  for (int i = 0; i < 256; ++i) {
    int r = 0;
    for (int b = 0; b < 8; ++b)
      if (i & (1 << b)) r |= 0x80 >> b;
    t[i] = static_cast<unsigned char>(r);
  }
  return t;
}
constexpr std::array<unsigned char, 256> kReverse = MakeReverseTable();

}  // namespace

void DrawLabel(cairo_t* cr, const LabelLayout& layout, const QrCode& qr, const LabelFont& font) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, 0, 0, layout.geometry.width_mm, layout.geometry.height_mm);
  cairo_fill(cr);

  cairo_set_source_rgb(cr, 0, 0, 0);
  const double m = layout.module_mm(), x0 = layout.qr_x_mm(), y0 = layout.qr_y_mm();
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
  qr.ForEachDarkRun([&](int x, int y, int length) {
    cairo_rectangle(cr, x0 + x * m, y0 + y * m, length * m, m);
  });
  cairo_fill(cr);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);

  cairo_set_font_face(cr, font.cairo_face());
  cairo_set_font_options(cr, Options(true));
  for (const TextLine& line : layout.lines) {
    cairo_set_font_size(cr, line.size_mm);
    cairo_move_to(cr, line.x_mm, line.baseline_mm);
    cairo_show_text(cr, line.text.c_str());
  }
  cairo_restore(cr);
}

Result<TextBitmap> RenderTextBitmap(const TextLine& line, const LabelGeometry& geometry,
                                    const LabelFont& font) {
  const double dpmm = geometry.dpi / 25.4;
  const int label_w = static_cast<int>(std::lround(geometry.width_mm * dpmm));
  const int label_h = static_cast<int>(std::lround(geometry.height_mm * dpmm));
  TextBitmap bmp;
  bmp.x_dots = std::clamp(static_cast<int>(std::floor(line.x_mm * dpmm)), 0, label_w);
  bmp.y_dots = std::clamp(static_cast<int>(std::floor(line.top_mm * dpmm)), 0, label_h);
  const int x1 =
      std::clamp(static_cast<int>(std::ceil((line.x_mm + line.width_mm) * dpmm)) + 1, 0, label_w);
  const int y1 =
      std::clamp(static_cast<int>(std::ceil((line.top_mm + font.LineHeight(line.size_mm)) * dpmm)),
                 0, label_h);
  bmp.width_dots = std::max(1, x1 - bmp.x_dots);
  bmp.height_dots = std::max(1, y1 - bmp.y_dots);
  bmp.bytes_per_row = (bmp.width_dots + 7) / 8;

  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_A1, bmp.width_dots, bmp.height_dots));
  CairoPtr cr(cairo_create(surface.get()));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Status::Io("无法绘制文字位图", "cannot draw a text bitmap");
  }
  cairo_set_font_face(cr.get(), font.cairo_face());
  cairo_set_font_options(cr.get(), Options(false));
  cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_NONE);
  cairo_set_font_size(cr.get(), line.size_mm * dpmm);
  cairo_move_to(cr.get(), line.x_mm * dpmm - bmp.x_dots, line.baseline_mm * dpmm - bmp.y_dots);
  cairo_set_source_rgba(cr.get(), 0, 0, 0, 1);
  cairo_show_text(cr.get(), line.text.c_str());
  cairo_surface_flush(surface.get());

  // cairo's A1 holds the first pixel in the least significant bit on little-endian machines.
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  bmp.bits.resize(static_cast<size_t>(bmp.bytes_per_row) * bmp.height_dots);
  for (int y = 0; y < bmp.height_dots; ++y) {
    for (int b = 0; b < bmp.bytes_per_row; ++b) {
      unsigned char v = data[y * stride + b];
      if constexpr (std::endian::native == std::endian::little) v = kReverse[v];
      bmp.bits[static_cast<size_t>(y) * bmp.bytes_per_row + b] = static_cast<char>(v);
    }
  }
  return bmp;
}

}  // namespace agritrace::labeler
