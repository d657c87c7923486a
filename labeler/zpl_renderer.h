// ZPL II for Zebra (and compatible) label printers: one ^XA … ^XZ format per label with
// ^PW/^LL in dots, the QR as ^BQN,2,<dots per module> whose data is given in manual mode with
// its character mode (^FD<ecc>M,A<text> — alphanumeric — or <ecc>M,B<nnnn><bytes>), so that the
// printer draws exactly the symbol version the layout made room for. Printers have no Chinese
// fonts, so every text line is rendered on the host in the label font and sent as
// ^GFA,<total>,<total>,<bytes per row>,<hex>. Copies are ^PQ.
#pragma once

#include <ostream>
#include <string>

#include "labeler/label_font.h"
#include "labeler/printer_renderer.h"

namespace agritrace::labeler {

class ZplRenderer final : public PrinterRenderer {
 public:
  // `out` must outlive the renderer.
  ZplRenderer(RenderOptions options, std::ostream* out);
  ~ZplRenderer() override;

 protected:
  Result<const TextMetrics*> StartLanguage() override;
  void Process(detail::LabelChunk& chunk, int worker) override;
  // The line as a ^GFA graphic.
  Status AppendLine(const TextLine& line, int worker, std::string* out) const override;

 private:
  const LabelFont* font_ = nullptr;
};

}  // namespace agritrace::labeler
