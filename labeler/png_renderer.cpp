#include "labeler/png_renderer.h"

#include <cmath>
#include <cstdio>

namespace agritrace::labeler {
namespace {

int ToDots(double mm, int dpi) { return static_cast<int>(std::lround(mm * dpi / 25.4)); }

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Draws one label with its top-left corner at whole pixel (x, y) of `cr`'s target.
void DrawAt(cairo_t* cr, int x, int y, const LabelLayout& layout, const QrCode& qr,
            const LabelFont& font) {
  const double dpmm = layout.geometry.dpi / 25.4;
  cairo_save(cr);
  cairo_identity_matrix(cr);
  cairo_translate(cr, x, y);
  cairo_scale(cr, dpmm, dpmm);
  DrawLabel(cr, layout, qr, font, QrDrawing::kRectangles);
  cairo_restore(cr);
}

Status DrawFailed() { return Status::Io("PNG 绘制失败", "drawing the PNG failed"); }

}  // namespace

Result<std::string> EncodePng(cairo_surface_t* surface) {
  std::string png;
  if (cairo_surface_write_to_png_stream(surface, AppendToString, &png) != CAIRO_STATUS_SUCCESS) {
    return Status::Io("PNG 编码失败", "encoding the PNG failed");
  }
  return png;
}

PngRenderer::PngRenderer(RenderOptions options, DocumentSink* sink)
    : LabelRenderer(std::move(options)), sink_(sink) {}

PngRenderer::~PngRenderer() { StopWorkers(); }

Status PngRenderer::Start() {
  Result<const LabelFont*> font = LabelFont::Get();
  if (!font.ok()) return font.status();
  font_ = *font;
  if (options_.sheet) {
    Result<SheetLayout> sheet = PlaceOnA4(*options_.sheet, options_.label);
    if (!sheet.ok()) return sheet.status();
    sheet_ = *sheet;
  } else if (options_.copies != 1) {
    return Status::Invalid(
        "每个标签一个 PNG 文件时不能设置份数；请改用 A4 排版（--sheet）或多次打印",
        "copies need a sheet (--sheet) when each label is its own PNG file; "
        "print the file several times instead");
  }
  for (int i = 0; i < workers(); ++i) {
    caches_.push_back(std::make_unique<LayoutCache>(*font_, options_.label));
  }
  return Status::Ok();
}

void PngRenderer::Process(detail::LabelChunk& chunk, int worker) {
  LayoutCache& cache = *caches_[worker];
  const LabelGeometry& g = options_.label;
  for (const LabelContent& label : chunk.labels) {
    Result<QrCode> qr = QrCode::Encode(label.qr_text, options_.ecc);
    if (!qr.ok()) {
      chunk.status = qr.status();
      return;
    }
    const uint64_t before = cache.generation();
    Result<const LabelLayout*> layout = cache.Get(label, qr->width());
    if (!layout.ok()) {
      chunk.status = layout.status();
      return;
    }
    if (cache.generation() != before) {
      chunk.omitted.insert(chunk.omitted.end(), (*layout)->omitted.begin(),
                           (*layout)->omitted.end());
    }
    if (sheet_) {  // drawn onto the page on the caller's thread
      chunk.prepared.push_back({std::move(qr).value(), **layout});
      continue;
    }
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, ToDots(g.width_mm, g.dpi),
                                                  ToDots(g.height_mm, g.dpi)));
    CairoPtr cr(cairo_create(surface.get()));
    // The image is whole pixels, the label a fraction more or less: start from white.
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    DrawAt(cr.get(), 0, 0, **layout, *qr, *font_);
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
      chunk.status = DrawFailed();
      return;
    }
    cairo_surface_flush(surface.get());
    Result<std::string> png = EncodePng(surface.get());
    if (!png.ok()) {
      chunk.status = png.status();
      return;
    }
    chunk.parts.push_back(std::move(png).value());
  }
}

Status PngRenderer::Emit(detail::LabelChunk& chunk) {
  if (!sheet_) {
    for (const std::string& png : chunk.parts) {
      char name[40];
      snprintf(name, sizeof name, "label-%06llu.png", static_cast<unsigned long long>(++files_));
      Status s = sink_->Put(name, png);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  const int dpi = options_.label.dpi;
  for (const detail::PreparedLabel& label : chunk.prepared) {
    for (int c = 0; c < options_.copies; ++c) {
      if (page_cells_ == 0) {
        page_.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, ToDots(kA4WidthMm, dpi),
                                               ToDots(kA4HeightMm, dpi)));
        CairoPtr cr(cairo_create(page_.get()));
        cairo_set_source_rgb(cr.get(), 1, 1, 1);
        cairo_paint(cr.get());
      }
      CairoPtr cr(cairo_create(page_.get()));
      DrawAt(cr.get(), ToDots(sheet_->cell_x_mm(page_cells_), dpi),
             ToDots(sheet_->cell_y_mm(page_cells_), dpi), label.layout, label.qr, *font_);
      if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) return DrawFailed();
      if (++page_cells_ == sheet_->per_page()) {
        Status s = FlushPage();
        if (!s.ok()) return s;
      }
    }
  }
  return Status::Ok();
}

Status PngRenderer::FlushPage() {
  page_cells_ = 0;
  cairo_surface_flush(page_.get());
  Result<std::string> png = EncodePng(page_.get());
  page_.reset();
  if (!png.ok()) return png.status();
  char name[32];
  snprintf(name, sizeof name, "sheet-%04d.png", ++pages_);
  return sink_->Put(name, *png);
}

Status PngRenderer::Complete() {
  if (sheet_ && page_cells_ > 0) return FlushPage();
  return Status::Ok();
}

}  // namespace agritrace::labeler
