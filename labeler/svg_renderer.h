// SVG labels: one document per label ("label-000001.svg"), or with RenderOptions::sheet one per
// A4 page ("sheet-0001.svg"). User units are millimetres. Each QR is one <path> of run-length
// horizontal segments in module units; texts name our font first and then common CJK fonts,
// with textLength set to the measured width so that a viewer's substitute font cannot run
// past the box.
#pragma once

#include <optional>
#include <string>

#include "labeler/document_sink.h"
#include "labeler/label_font.h"
#include "labeler/label_renderer.h"
#include "labeler/sheet_pager.h"

namespace agritrace::labeler {

class SvgRenderer final : public LabelRenderer {
 public:
  // `sink` must outlive the renderer.
  SvgRenderer(RenderOptions options, DocumentSink* sink);
  ~SvgRenderer() override;

 protected:
  Status Start() override;
  void Process(detail::LabelChunk& chunk, int worker) override;
  Status Emit(detail::LabelChunk& chunk) override;
  Status Complete() override;

 private:
  Status FlushPage();

  DocumentSink* sink_;
  std::optional<SheetPager> pager_;
  std::string page_;
};

}  // namespace agritrace::labeler
