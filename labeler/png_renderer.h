// PNG labels at the printer's resolution (one pixel per dot): one image per label
// ("label-000001.png"), or with RenderOptions::sheet one per A4 page ("sheet-0001.png"). The QR
// falls on whole pixels with antialiasing off (clean 1-bit edges); texts are antialiased and set
// in the label font.
#pragma once

#include <optional>

#include "labeler/cairo_label.h"
#include "labeler/document_sink.h"
#include "labeler/label_font.h"
#include "labeler/label_renderer.h"
#include "labeler/sheet_pager.h"

namespace agritrace::labeler {

class PngRenderer final : public LabelRenderer {
 public:
  // `sink` must outlive the renderer.
  PngRenderer(RenderOptions options, DocumentSink* sink);
  ~PngRenderer() override;

 protected:
  Status Start() override;
  void Process(detail::LabelChunk& chunk, int worker) override;
  Status Emit(detail::LabelChunk& chunk) override;
  Status Complete() override;

 private:
  Status FlushPage();

  DocumentSink* sink_;
  const LabelFont* font_ = nullptr;
  std::optional<SheetPager> pager_;
  SurfacePtr page_;
};

// Encodes an image surface as PNG bytes.
Result<std::string> EncodePng(cairo_surface_t* surface);

}  // namespace agritrace::labeler
