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

ZplRenderer::ZplRenderer(RenderOptions options, std::ostream* out)
    : PrinterRenderer(std::move(options), out, "ZPL") {}

ZplRenderer::~ZplRenderer() { StopWorkers(); }

Result<const TextMetrics*> ZplRenderer::StartLanguage() {
  Result<const LabelFont*> font = LabelFont::Get();
  if (!font.ok()) return font.status();
  font_ = *font;
  return static_cast<const TextMetrics*>(font_);
}

void ZplRenderer::Process(detail::LabelChunk& chunk, int worker) {
  detail::WorkerState& w = worker_state(worker);
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
    const LabelLayout* l = LayoutForPrinter(label, w, chunk);
    if (!l) return;
    if (w.fresh) {
      w.fresh = false;
      w.fixed = "^XA\n^PW";
      AppendInt(&w.fixed, std::lround(g.width_mm * g.dpi / 25.4));
      w.fixed.append("\n^LL");
      AppendInt(&w.fixed, std::lround(g.height_mm * g.dpi / 25.4));
      w.fixed.append("\n^LH0,0\n");
      if (!AppendLines(*l, false, worker, &w.fixed, chunk)) return;
    }
    out.append(w.fixed);
    out.append("^FO");
    AppendInt(&out, l->qr.x_dots);
    out.push_back(',');
    AppendInt(&out, l->qr.y_dots);
    out.append("^BQN,2,");
    AppendInt(&out, l->qr.module_dots);
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
    if (!AppendLines(*l, true, worker, &out, chunk)) return;
    out.append("^PQ");
    AppendInt(&out, options_.copies);
    out.append("\n^XZ\n");
    chunk.label_ends.push_back(out.size());
  }
}

Status ZplRenderer::AppendLine(const TextLine& line, int, std::string* out) const {
  Result<TextBitmap> bmp = RenderTextBitmap(line, options_.label, *font_);
  if (!bmp.ok()) return bmp.status();
  AppendGraphic(out, *bmp);
  return Status::Ok();
}

}  // namespace agritrace::labeler
