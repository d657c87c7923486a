#include "labeler/tspl_renderer.h"

#include <cmath>
#include <cstdio>

#include "labeler/gbk.h"
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

struct TsplRenderer::Worker {
  LayoutCache cache;
  GbkConverter gbk;
  uint64_t generation = 0;
  std::string fixed;  // the TEXT lines but the code, for the cached layout
  Worker(const TextMetrics& m, const LabelGeometry& g) : cache(m, g) {}

  Status AppendText(const TextLine& line, const TsplFontMetrics& metrics, int dpi,
                    std::string* out) {
    const int mult = metrics.Multiplier(line.size_mm);
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
      Result<std::string> bytes = gbk.Convert(line.text);
      if (!bytes.ok()) return bytes.status();
      AppendQuoted(out, *bytes);
    }
    out->append("\r\n");
    return Status::Ok();
  }
};

TsplRenderer::TsplRenderer(RenderOptions options, std::ostream* out)
    : LabelRenderer(std::move(options)), out_(out) {}

TsplRenderer::~TsplRenderer() { StopWorkers(); }

Status TsplRenderer::Start() {
  if (options_.sheet) {
    return Status::Invalid("TSPL 用于卷装标签打印机，不能按 A4 排版",
                           "TSPL is for label printers: no A4 sheets");
  }
  metrics_ = std::make_unique<TsplFontMetrics>(options_.label.dpi);
  for (int i = 0; i < workers(); ++i) {
    workers_.push_back(std::make_unique<Worker>(*metrics_, options_.label));
  }
  std::string head = "SIZE ";
  AppendMm(&head, options_.label.width_mm);
  head.append(" mm,");
  AppendMm(&head, options_.label.height_mm);
  head.append(" mm\r\nGAP 2 mm,0 mm\r\nDIRECTION 1\r\n");
  out_->write(head.data(), static_cast<std::streamsize>(head.size()));
  if (!out_->good()) return Status::Io("TSPL 写入失败", "writing the TSPL failed");
  return Status::Ok();
}

void TsplRenderer::Process(detail::LabelChunk& chunk, int worker) {
  Worker& w = *workers_[worker];
  const int dpi = options_.label.dpi;
  const char ecc = EccLetter(options_.ecc);
  std::string& out = chunk.bytes;
  out.reserve(chunk.labels.size() * 512);
  for (const LabelContent& label : chunk.labels) {
    Result<int> version = QrCode::SingleModeVersion(label.qr_text, options_.ecc);
    if (!version.ok()) {
      chunk.status = version.status();
      return;
    }
    Result<const LabelLayout*> layout = w.cache.Get(label, QrCode::WidthOfVersion(*version));
    if (!layout.ok()) {
      chunk.status = layout.status();
      return;
    }
    const LabelLayout& l = **layout;
    if (w.cache.generation() != w.generation || w.fixed.empty()) {
      w.generation = w.cache.generation();
      w.fixed.clear();
      for (const TextLine& line : l.lines) {
        if (line.role == TextRole::kCode) continue;
        Status s = w.AppendText(line, *metrics_, dpi, &w.fixed);
        if (!s.ok()) {
          chunk.status = s;
          return;
        }
      }
      chunk.omitted.insert(chunk.omitted.end(), l.omitted.begin(), l.omitted.end());
    }
    out.append("CLS\r\nQRCODE ");
    AppendInt(&out, l.qr.x_dots);
    out.push_back(',');
    AppendInt(&out, l.qr.y_dots);
    out.push_back(',');
    out.push_back(ecc);
    out.push_back(',');
    AppendInt(&out, l.qr.module_dots);
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
    for (const TextLine& line : l.lines) {
      if (line.role != TextRole::kCode) continue;
      Status s = w.AppendText(line, *metrics_, dpi, &out);
      if (!s.ok()) {
        chunk.status = s;
        return;
      }
    }
    out.append("PRINT 1,");
    AppendInt(&out, options_.copies);
    out.append("\r\n");
  }
}

Status TsplRenderer::Emit(detail::LabelChunk& chunk) {
  out_->write(chunk.bytes.data(), static_cast<std::streamsize>(chunk.bytes.size()));
  if (!out_->good()) return Status::Io("TSPL 写入失败", "writing the TSPL failed");
  return Status::Ok();
}

Status TsplRenderer::Complete() {
  out_->flush();
  if (!out_->good()) return Status::Io("TSPL 写入失败", "writing the TSPL failed");
  return Status::Ok();
}

}  // namespace agritrace::labeler
