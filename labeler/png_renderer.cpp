#include "labeler/png_renderer.h"

#include <cmath>

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
  DrawLabel(cr, layout, qr, font);
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
  Result<SheetPager> pager = SheetPager::Make(options_, "PNG");
  if (!pager.ok()) return pager.status();
  pager_ = *pager;
  MakeWorkerStates(*font_);
  return Status::Ok();
}

void PngRenderer::Process(detail::LabelChunk& chunk, int worker) {
  detail::WorkerState& w = worker_state(worker);
  const LabelGeometry& g = options_.label;
  std::optional<QrCode> qr;
  for (const LabelContent& label : chunk.labels) {
    const LabelLayout* layout = EncodeAndLayout(label, w, chunk, &qr);
    if (!layout) return;
    if (pager_->sheets()) {  // drawn onto the page on the caller's thread
      chunk.prepared.push_back({std::move(*qr), *layout});
      continue;
    }
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, ToDots(g.width_mm, g.dpi),
                                                  ToDots(g.height_mm, g.dpi)));
    CairoPtr cr(cairo_create(surface.get()));
    // The image is whole pixels, the label a fraction more or less: start from white.
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    DrawAt(cr.get(), 0, 0, *layout, *qr, *font_);
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
    chunk.NextPart() = std::move(png).value();
  }
}

Status PngRenderer::Emit(detail::LabelChunk& chunk) {
  SheetPager& pager = *pager_;
  if (!pager.sheets()) {
    for (const std::string& png : chunk.parts()) {
      Status s = sink_->Put(pager.NextFileName("png"), png);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  const int dpi = options_.label.dpi;
  for (const detail::PreparedLabel& label : chunk.prepared) {
    Status s = pager.Lay(
        options_.copies,
        [&] {
          page_.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, ToDots(kA4WidthMm, dpi),
                                                 ToDots(kA4HeightMm, dpi)));
          CairoPtr cr(cairo_create(page_.get()));
          cairo_set_source_rgb(cr.get(), 1, 1, 1);
          cairo_paint(cr.get());
        },
        [&](double x, double y) {
          CairoPtr cr(cairo_create(page_.get()));
          DrawAt(cr.get(), ToDots(x, dpi), ToDots(y, dpi), label.layout, label.qr, *font_);
          return cairo_status(cr.get()) == CAIRO_STATUS_SUCCESS ? Status::Ok() : DrawFailed();
        },
        [&] { return FlushPage(); });
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status PngRenderer::FlushPage() {
  cairo_surface_flush(page_.get());
  Result<std::string> png = EncodePng(page_.get());
  page_.reset();
  if (!png.ok()) return png.status();
  return sink_->Put(pager_->NextFileName("png"), *png);
}

Status PngRenderer::Complete() {
  if (!pager_->page_open()) return Status::Ok();
  pager_->ClosePage();
  return FlushPage();
}

}  // namespace agritrace::labeler
