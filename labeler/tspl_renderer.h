// TSPL for TSC, Gprinter, Xprinter and compatible label printers. Once: SIZE, GAP, DIRECTION;
// per label: CLS, QRCODE in manual mode with model 2 (the printer draws exactly the symbol
// version the layout made room for), TEXT lines in the printer's simplified-Chinese font
// "TSS24.BF2" with GBK bytes, PRINT 1,<copies>. Lines end in CRLF. Text is laid out with the
// font's own cell metrics (tspl_font.h), so it is set larger than on other formats and lines
// that do not fit are left off (see LabelRenderer::omitted).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "labeler/gbk.h"
#include "labeler/printer_renderer.h"
#include "labeler/tspl_font.h"

namespace agritrace::labeler {

class TsplRenderer final : public PrinterRenderer {
 public:
  // `out` must outlive the renderer.
  TsplRenderer(RenderOptions options, std::ostream* out);
  ~TsplRenderer() override;

 protected:
  Result<const TextMetrics*> StartLanguage() override;
  void Process(detail::LabelChunk& chunk, int worker) override;
  // The line as a TEXT command in the printer's font, GBK bytes.
  Status AppendLine(const TextLine& line, int worker, std::string* out) const override;

 private:
  std::unique_ptr<TsplFontMetrics> metrics_;
  std::vector<std::unique_ptr<GbkConverter>> gbk_;  // one per worker: iconv_t is not thread-safe
};

}  // namespace agritrace::labeler
