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
  Result<SheetPager> pager = SheetPager::Make(options_);
  if (!pager.ok()) return pager.status();
  pager_ = *pager;
  const double page_w = pager_->sheets() ? kA4WidthMm : options_.label.width_mm;
  const double page_h = pager_->sheets() ? kA4HeightMm : options_.label.height_mm;
  surface_.reset(cairo_pdf_surface_create_for_stream(WriteToStream, out_, page_w * kPointsPerMm,
                                                     page_h * kPointsPerMm));
  cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE, "agritrace labels");
  cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR, "agritrace");
  cr_.reset(cairo_create(surface_.get()));
  if (cairo_status(cr_.get()) != CAIRO_STATUS_SUCCESS) return PdfFailed(cairo_status(cr_.get()));
  MakeWorkerStates(*font_);
  return Status::Ok();
}

void PdfRenderer::Process(detail::LabelChunk& chunk, int worker) {
  detail::WorkerState& w = worker_state(worker);
  chunk.prepared.reserve(chunk.labels.size());
  std::optional<QrCode> qr;
  for (const LabelContent& label : chunk.labels) {
    const LabelLayout* layout = EncodeAndLayout(label, w, chunk, &qr);
    if (!layout) return;
    chunk.prepared.push_back({std::move(*qr), *layout});
  }
}

Status PdfRenderer::Emit(detail::LabelChunk& chunk) {
  cairo_t* cr = cr_.get();
  for (const detail::PreparedLabel& label : chunk.prepared) {
    for (int c = 0; c < options_.copies; ++c) {
      cairo_identity_matrix(cr);
      cairo_scale(cr, kPointsPerMm, kPointsPerMm);
      cairo_translate(cr, pager_->x_mm(), pager_->y_mm());
      DrawLabel(cr, label.layout, label.qr, *font_, QrDrawing::kStencil);
      if (pager_->Advance()) cairo_show_page(cr);
    }
  }
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) return PdfFailed(cairo_status(cr));
  return Status::Ok();
}

Status PdfRenderer::Complete() {
  if (pager_->page_open()) cairo_show_page(cr_.get());
  pager_->ClosePage();
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
