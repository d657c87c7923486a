#include "labeler/zpl_renderer.h"

#include <cmath>

#include "labeler/cairo_label.h"
#include "labeler/text_writer.h"

namespace agritrace::labeler {
namespace {

void AppendGraphic(std::string* out, const TextBitmap& bmp) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const size_t total = bmp.bits.size();
  out->append("^FO");
  AppendInt(out, bmp.x_dots);
  out->push_back(',');
  AppendInt(out, bmp.y_dots);
  out->append("^GFA,");
  AppendInt(out, static_cast<long long>(total));
  out->push_back(',');
  AppendInt(out, static_cast<long long>(total));
  out->push_back(',');
  AppendInt(out, bmp.bytes_per_row);
  out->push_back(',');
  const size_t at = out->size();
  out->resize(at + 2 * total);
  char* p = out->data() + at;
  for (char byte : bmp.bits) {
    const auto b = static_cast<unsigned char>(byte);
    *p++ = kHex[b >> 4];
    *p++ = kHex[b & 15];
  }
  out->append("^FS\n");
}

// ^ and ~ start ZPL commands; control characters have no place in field data.
bool SafeFieldData(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '^' || c == '~' || u < 0x20 || u == 0x7F) return false;
  }
  return true;
}

}  // namespace

struct ZplRenderer::Worker {
  LayoutCache cache;
  uint64_t generation = 0;
  std::string fixed;  // ^XA, size and every text line but the code, for the cached layout
  Worker(const TextMetrics& m, const LabelGeometry& g) : cache(m, g) {}
};

ZplRenderer::ZplRenderer(RenderOptions options, std::ostream* out)
    : LabelRenderer(std::move(options)), out_(out) {}

ZplRenderer::~ZplRenderer() { StopWorkers(); }

Status ZplRenderer::Start() {
  if (options_.sheet) {
    return Status::Invalid("ZPL 用于卷装标签打印机，不能按 A4 排版",
                           "ZPL is for label printers: no A4 sheets");
  }
  Result<const LabelFont*> font = LabelFont::Get();
  if (!font.ok()) return font.status();
  font_ = *font;
  for (int i = 0; i < workers(); ++i) {
    workers_.push_back(std::make_unique<Worker>(*font_, options_.label));
  }
  return Status::Ok();
}

void ZplRenderer::Process(detail::LabelChunk& chunk, int worker) {
  Worker& w = *workers_[worker];
  const LabelGeometry& g = options_.label;
  const char ecc = EccLetter(options_.ecc);
  std::string& out = chunk.bytes;
  out.reserve(chunk.labels.size() * 4096);
  for (const LabelContent& label : chunk.labels) {
    if (!SafeFieldData(label.qr_text)) {
      chunk.status = Status::Invalid("二维码内容含有 ZPL 不能传送的字符（^ ~ 或控制字符）",
                                     "the QR text holds characters ZPL cannot carry (^, ~ or "
                                     "control characters)");
      return;
    }
    // The printer encodes the symbol; the host only needs its size, which manual mode fixes.
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
      w.fixed = "^XA\n^PW";
      AppendInt(&w.fixed, std::lround(g.width_mm * g.dpi / 25.4));
      w.fixed.append("\n^LL");
      AppendInt(&w.fixed, std::lround(g.height_mm * g.dpi / 25.4));
      w.fixed.append("\n^LH0,0\n");
      for (const TextLine& line : l.lines) {
        if (line.role == TextRole::kCode) continue;
        Result<TextBitmap> bmp = RenderTextBitmap(line, g, *font_);
        if (!bmp.ok()) {
          chunk.status = bmp.status();
          return;
        }
        AppendGraphic(&w.fixed, *bmp);
      }
      chunk.omitted.insert(chunk.omitted.end(), l.omitted.begin(), l.omitted.end());
    }
    out.append(w.fixed);
    out.append("^FO");
    AppendInt(&out, l.qr.x_dots);
    out.push_back(',');
    AppendInt(&out, l.qr.y_dots);
    out.append("^BQN,2,");
    AppendInt(&out, l.qr.module_dots);
    out.append("^FD");
    out.push_back(ecc);
    if (IsQrAlphanumeric(label.qr_text)) {
      out.append("M,A");
    } else {
      out.append("M,B");
      char count[8];
      snprintf(count, sizeof count, "%04zu", label.qr_text.size());
      out.append(count);
    }
    out.append(label.qr_text);
    out.append("^FS\n");
    for (const TextLine& line : l.lines) {
      if (line.role != TextRole::kCode) continue;
      Result<TextBitmap> bmp = RenderTextBitmap(line, g, *font_);
      if (!bmp.ok()) {
        chunk.status = bmp.status();
        return;
      }
      AppendGraphic(&out, *bmp);
    }
    out.append("^PQ");
    AppendInt(&out, options_.copies);
    out.append("\n^XZ\n");
  }
}

Status ZplRenderer::Emit(detail::LabelChunk& chunk) {
  out_->write(chunk.bytes.data(), static_cast<std::streamsize>(chunk.bytes.size()));
  if (!out_->good()) return Status::Io("ZPL 写入失败", "writing the ZPL failed");
  return Status::Ok();
}

Status ZplRenderer::Complete() {
  out_->flush();
  if (!out_->good()) return Status::Io("ZPL 写入失败", "writing the ZPL failed");
  return Status::Ok();
}

}  // namespace agritrace::labeler
