#include "labeler/pdf_renderer.h"

#include <cairo-pdf.h>

namespace agritrace::labeler {
namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;

cairo_status_t WriteToStream(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::ostream*>(closure);
  out->write(reinterpret_cast<const char*>(data), length);
  return out->good() ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

Status PdfFailed(cairo_status_t status) {
  return Status::Io(std::string("PDF 写入失败：") + cairo_status_to_string(status),
                    std::string("writing the PDF failed: ") + cairo_status_to_string(status));
}

}  // namespace

PdfRenderer::PdfRenderer(RenderOptions options, std::ostream* out)
    : LabelRenderer(std::move(options)), out_(out) {}

PdfRenderer::~PdfRenderer() {
  StopWorkers();
  cr_.reset();
  if (surface_) cairo_surface_finish(surface_.get());  // an unfinished run still closes the file
}

Status PdfRenderer::Start() {
  Result<const LabelFont*> font = LabelFont::Get();
  if (!font.ok()) return font.status();
  font_ = *font;
  double page_w = options_.label.width_mm, page_h = options_.label.height_mm;
  if (options_.sheet) {
    Result<SheetLayout> sheet = PlaceOnA4(*options_.sheet, options_.label);
    if (!sheet.ok()) return sheet.status();
    sheet_ = *sheet;
    page_w = kA4WidthMm;
    page_h = kA4HeightMm;
  }
  surface_.reset(cairo_pdf_surface_create_for_stream(WriteToStream, out_, page_w * kPointsPerMm,
                                                     page_h * kPointsPerMm));
  cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE, "agritrace labels");
  cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR, "agritrace");
  cr_.reset(cairo_create(surface_.get()));
  if (cairo_status(cr_.get()) != CAIRO_STATUS_SUCCESS) return PdfFailed(cairo_status(cr_.get()));
  for (int i = 0; i < workers(); ++i) {
    caches_.push_back(std::make_unique<LayoutCache>(*font_, options_.label));
  }
  return Status::Ok();
}

void PdfRenderer::Process(detail::LabelChunk& chunk, int worker) {
  LayoutCache& cache = *caches_[worker];
  chunk.prepared.reserve(chunk.labels.size());
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
    chunk.prepared.push_back({std::move(qr).value(), **layout});
  }
}

Status PdfRenderer::Emit(detail::LabelChunk& chunk) {
  cairo_t* cr = cr_.get();
  const int per_page = sheet_ ? sheet_->per_page() : 1;
  for (const detail::PreparedLabel& label : chunk.prepared) {
    for (int c = 0; c < options_.copies; ++c) {
      cairo_identity_matrix(cr);
      cairo_scale(cr, kPointsPerMm, kPointsPerMm);
      if (sheet_) {
        cairo_translate(cr, sheet_->cell_x_mm(page_cells_), sheet_->cell_y_mm(page_cells_));
      }
      DrawLabel(cr, label.layout, label.qr, *font_, QrDrawing::kStencil);
      if (++page_cells_ == per_page) {
        cairo_show_page(cr);
        page_cells_ = 0;
      }
    }
  }
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) return PdfFailed(cairo_status(cr));
  return Status::Ok();
}

Status PdfRenderer::Complete() {
  if (page_cells_ > 0) cairo_show_page(cr_.get());
  page_cells_ = 0;
  cr_.reset();
  cairo_surface_finish(surface_.get());
  const cairo_status_t status = cairo_surface_status(surface_.get());
  surface_.reset();
  out_->flush();
  if (status != CAIRO_STATUS_SUCCESS) return PdfFailed(status);
  if (!out_->good()) return PdfFailed(CAIRO_STATUS_WRITE_ERROR);
  return Status::Ok();
}

}  // namespace agritrace::labeler
