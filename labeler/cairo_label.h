// Drawing a laid-out label with cairo (the PNG renderer), and text lines as 1-bit bitmaps for
// printer languages (ZPL ^GFA).
#pragma once

#include <cairo.h>

#include <memory>
#include <string>
#include <vector>

#include "agritrace/labeler/qr_code.h"
#include "agritrace/registry/status.h"
#include "labeler/label_font.h"
#include "labeler/label_layout.h"

namespace agritrace::labeler {

struct CairoDestroy {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  void operator()(cairo_font_options_t* o) const { cairo_font_options_destroy(o); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDestroy>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, CairoDestroy>;
using FontOptionsPtr = std::unique_ptr<cairo_font_options_t, CairoDestroy>;

// Draws the white label, the QR symbol and the texts into `cr`, whose user space must be
// millimetres with the label's top-left corner at the origin. The QR is drawn as rectangles with
// antialiasing off: on a raster whose pixels are the printer's dots the modules fall on whole
// pixels, so the edges are clean 1-bit edges.
void DrawLabel(cairo_t* cr, const LabelLayout& layout, const QrCode& qr, const LabelFont& font);

// A text line as a 1-bit image at the printer's resolution: rows top to bottom, MSB-first,
// 1 = black (the ZPL ^GF convention). Placed at (x_dots, y_dots) on the label.
struct TextBitmap {
  int x_dots = 0, y_dots = 0;
  int width_dots = 0, height_dots = 0;
  int bytes_per_row = 0;
  std::string bits;  // bytes_per_row × height_dots bytes
};

// Renders `line` bilevel at `geometry.dpi`, clipped to the label.
Result<TextBitmap> RenderTextBitmap(const TextLine& line, const LabelGeometry& geometry,
                                    const LabelFont& font);

}  // namespace agritrace::labeler
