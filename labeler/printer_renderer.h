// What the label-printer languages (ZPL, TSPL) share: one stream of commands for roll labels (no
// A4 sheets); each worker formats whole labels into LabelChunk::bytes, which the caller's thread
// writes in order. The printer encodes the QR itself, so the host only needs the symbol's size:
// manual mode fixes it (QrCode::SingleModeVersion), which costs a table look-up per label.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "labeler/label_renderer.h"

namespace agritrace::labeler {

class PrinterRenderer : public LabelRenderer {
 public:
  // Called on the caller's thread after each label's bytes were written to the stream, in order:
  // a printer connection counts delivered labels by it.
  void OnLabelWritten(std::function<void()> fn) { on_label_written_ = std::move(fn); }

 protected:
  // `language` names the format in messages ("ZPL"). `out` must outlive the renderer.
  PrinterRenderer(RenderOptions options, std::ostream* out, std::string language)
      : LabelRenderer(std::move(options)), out_(out), language_(std::move(language)) {}

  // Refuses sheets, then lets the language start (StartLanguage) and makes the worker states.
  Status Start() final;
  Status Emit(detail::LabelChunk& chunk) final;
  Status Complete() final;

  // Writes what precedes the labels, if anything, and returns how the language's text is
  // measured (it must outlive the renderer).
  virtual Result<const TextMetrics*> StartLanguage() = 0;

  // The layout for `label` around the symbol the printer will draw. Null, with chunk.status set,
  // on failure.
  const LabelLayout* LayoutForPrinter(const LabelContent& label, detail::WorkerState& state,
                                      detail::LabelChunk& chunk) const;
  // Appends the language's command that prints one text line, on worker `worker`.
  virtual Status AppendLine(const TextLine& line, int worker, std::string* out) const = 0;
  // AppendLine for each line of `layout` that is (or, `per_label` false, is not) per label.
  // False, with chunk.status set, on failure.
  bool AppendLines(const LabelLayout& layout, bool per_label, int worker, std::string* out,
                   detail::LabelChunk& chunk) const;
  Status Write(std::string_view bytes);

 private:
  std::ostream* out_;
  std::string language_;
  std::function<void()> on_label_written_;
};

}  // namespace agritrace::labeler
