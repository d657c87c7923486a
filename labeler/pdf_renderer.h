// PDF labels through cairo: A4 pages of RenderOptions::sheet, or one label-sized page per label,
// all in one file written to a stream. Texts are set in the label font, which cairo embeds as a
// subset with a ToUnicode map (the Chinese is searchable and copyable). Workers encode the QR
// and lay out; the caller's thread draws, since one PDF surface cannot be shared.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "labeler/cairo_label.h"
#include "labeler/label_font.h"
#include "labeler/label_renderer.h"
#include "labeler/sheet_pager.h"

namespace agritrace::labeler {

class PdfRenderer final : public LabelRenderer {
 public:
  // `out` must outlive the renderer.
  PdfRenderer(RenderOptions options, std::ostream* out);
  ~PdfRenderer() override;

 protected:
  Status Start() override;
  void Process(detail::LabelChunk& chunk, int worker) override;
  Status Emit(detail::LabelChunk& chunk) override;
  Status Complete() override;

 private:
  std::ostream* out_;
  const LabelFont* font_ = nullptr;
  std::optional<SheetPager> pager_;
  SurfacePtr surface_;
  CairoPtr cr_;
};

}  // namespace agritrace::labeler
