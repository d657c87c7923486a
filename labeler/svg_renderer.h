// SVG labels: one document per label ("label-000001.svg"), or with RenderOptions::sheet one per
// A4 page ("sheet-0001.svg"). User units are millimetres. Each QR is one <path> of run-length
// horizontal segments in module units; texts name our font first and then common CJK fonts,
// with textLength set to the measured width so that a viewer's substitute font cannot run
// past the box.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "labeler/document_sink.h"
#include "labeler/label_font.h"
#include "labeler/label_renderer.h"
#include "labeler/sheet_layout.h"

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
  struct Worker;
  Status FlushPage();

  DocumentSink* sink_;
  const LabelFont* font_ = nullptr;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::optional<SheetLayout> sheet_;
  std::string page_;
  int page_cells_ = 0;
  int pages_ = 0;
  uint64_t files_ = 0;
};

}  // namespace agritrace::labeler
