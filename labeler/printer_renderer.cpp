#include "labeler/printer_renderer.h"

namespace agritrace::labeler {

Status PrinterRenderer::Start() {
  if (options_.sheet) {
    return Status::Invalid(language_ + " 用于卷装标签打印机，不能按 A4 排版",
                           language_ + " is for label printers: no A4 sheets");
  }
  Result<const TextMetrics*> metrics = StartLanguage();
  if (!metrics.ok()) return metrics.status();
  MakeWorkerStates(**metrics);
  return Status::Ok();
}

const LabelLayout* PrinterRenderer::LayoutForPrinter(const LabelContent& label,
                                                     detail::WorkerState& state,
                                                     detail::LabelChunk& chunk) const {
  Result<int> version = QrCode::SingleModeVersion(label.qr_text, options_.ecc);
  if (!version.ok()) {
    chunk.status = version.status();
    return nullptr;
  }
  return state.Layout(label, QrCode::WidthOfVersion(*version), chunk);
}

bool PrinterRenderer::AppendLines(const LabelLayout& layout, bool per_label, int worker,
                                  std::string* out, detail::LabelChunk& chunk) const {
  for (const TextLine& line : layout.lines) {
    if (IsPerLabel(line.role) != per_label) continue;
    Status s = AppendLine(line, worker, out);
    if (!s.ok()) {
      chunk.status = s;
      return false;
    }
  }
  return true;
}

Status PrinterRenderer::Write(std::string_view bytes) {
  out_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out_->good()) {
    return Status::Io(language_ + " 写入失败（磁盘满？）",
                      "writing the " + language_ + " failed (disk full?)");
  }
  return Status::Ok();
}

Status PrinterRenderer::Emit(detail::LabelChunk& chunk) {
  if (!on_label_written_) return Write(chunk.bytes);
  size_t at = 0;
  for (size_t end : chunk.label_ends) {
    if (Status s = Write(std::string_view(chunk.bytes).substr(at, end - at)); !s.ok()) return s;
    on_label_written_();
    at = end;
  }
  return Write(std::string_view(chunk.bytes).substr(at));
}

Status PrinterRenderer::Complete() {
  out_->flush();
  return Write({});
}

}  // namespace agritrace::labeler
