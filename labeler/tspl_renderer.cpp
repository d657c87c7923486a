#include "labeler/tspl_renderer.h"

#include <cmath>
#include <cstdio>

#include "labeler/text_writer.h"

namespace agritrace::labeler {
namespace {

int Dots(double mm, int dpi) { return static_cast<int>(std::lround(mm * dpi / 25.4)); }

// TSPL strings are in double quotes; a quote inside is written \["].
void AppendQuoted(std::string* out, std::string_view bytes) {
  out->push_back('"');
  for (char c : bytes) {
    if (c == '"') {
      out->append("\\[\"]");
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

}  // namespace

TsplRenderer::TsplRenderer(RenderOptions options, std::ostream* out)
    : PrinterRenderer(std::move(options), out, "TSPL") {}

TsplRenderer::~TsplRenderer() { StopWorkers(); }

Result<const TextMetrics*> TsplRenderer::StartLanguage() {
  metrics_ = std::make_unique<TsplFontMetrics>(options_.label.dpi);
  for (int i = 0; i < workers(); ++i) {
    gbk_.push_back(std::make_unique<GbkConverter>());
  }
  std::string head = "SIZE ";
  AppendMm(&head, options_.label.width_mm);
  head.append(" mm,");
  AppendMm(&head, options_.label.height_mm);
  head.append(" mm\r\nGAP 2 mm,0 mm\r\nDIRECTION 1\r\n");
  Status s = Write(head);
  if (!s.ok()) return s;
  return static_cast<const TextMetrics*>(metrics_.get());
}

Status TsplRenderer::AppendLine(const TextLine& line, int worker, std::string* out) const {
  const int dpi = options_.label.dpi;
  const int mult = metrics_->Multiplier(line.size_mm);
  out->append("TEXT ");
  AppendInt(out, Dots(line.x_mm, dpi));
  out->push_back(',');
  AppendInt(out, Dots(line.top_mm, dpi));
  out->append(",\"TSS24.BF2\",0,");
  AppendInt(out, mult);
  out->push_back(',');
  AppendInt(out, mult);
  out->push_back(',');
  if (IsAscii(line.text)) {
    AppendQuoted(out, line.text);
  } else {
    Result<std::string> bytes = gbk_[worker]->Convert(line.text);
    if (!bytes.ok()) return bytes.status();
    AppendQuoted(out, *bytes);
  }
  out->append("\r\n");
  return Status::Ok();
}

void TsplRenderer::Process(detail::LabelChunk& chunk, int worker) {
  detail::WorkerState& w = worker_state(worker);
  const char ecc = EccLetter(options_.ecc);
  std::string& out = chunk.bytes;
  out.reserve(chunk.labels.size() * 512);
  for (const LabelContent& label : chunk.labels) {
    const LabelLayout* l = LayoutForPrinter(label, w, chunk);
    if (!l) return;
    if (w.fresh) {
      w.fresh = false;
      w.fixed.clear();
      if (!AppendLines(*l, false, worker, &w.fixed, chunk)) return;
    }
    out.append("CLS\r\nQRCODE ");
    AppendInt(&out, l->qr.x_dots);
    out.push_back(',');
    AppendInt(&out, l->qr.y_dots);
    out.push_back(',');
    out.push_back(ecc);
    out.push_back(',');
    AppendInt(&out, l->qr.module_dots);
    out.append(",M,0,M2,S7,");
    std::string data;
    if (IsQrAlphanumeric(label.qr_text)) {
      data = "A" + label.qr_text;
    } else {
      char count[8];
      snprintf(count, sizeof count, "B%04zu", label.qr_text.size());
      data = count + label.qr_text;
    }
    AppendQuoted(&out, data);
    out.append("\r\n");
    out.append(w.fixed);
    if (!AppendLines(*l, true, worker, &out, chunk)) return;
    out.append("PRINT 1,");
    AppendInt(&out, options_.copies);
    out.append("\r\n");
    chunk.label_ends.push_back(out.size());
  }
}

}  // namespace agritrace::labeler
