#include "labeler/svg_renderer.h"

#include <cstring>

#include "labeler/text_writer.h"

namespace agritrace::labeler {
namespace {

void AppendHeader(std::string* out, double w, double h) {
  out->append(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"");
  AppendMm(out, w);
  out->append("mm\" height=\"");
  AppendMm(out, h);
  out->append("mm\" viewBox=\"0 0 ");
  AppendMm(out, w);
  out->push_back(' ');
  AppendMm(out, h);
  out->append("\">\n<style>text{font-family:");
  out->append(kSvgFontFamilies);
  out->append(";fill:#000}</style>\n");
}

void AppendText(std::string* out, const TextLine& line) {
  out->append("<text x=\"");
  AppendMm(out, line.x_mm);
  out->append("\" y=\"");
  AppendMm(out, line.baseline_mm);
  out->append("\" font-size=\"");
  AppendMm(out, line.size_mm);
  out->append("\" textLength=\"");
  AppendMm(out, line.width_mm);
  out->append("\" lengthAdjust=\"spacingAndGlyphs\">");
  AppendXmlEscaped(out, line.text);
  out->append("</text>\n");
}

// Writes 0 … 999 (module coordinates) and returns the end: the path is most of an SVG label's
// bytes, and this keeps writing it cheap next to encoding the symbol.
char* PutModules(char* p, int v) {
  if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
  if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
  *p++ = static_cast<char>('0' + v % 10);
  return p;
}

// One path: "M x y h n v1 h -n z" per horizontal run of dark modules, in module units.
void AppendQrPath(std::string* out, const QrCode& qr, const LabelLayout& layout) {
  out->append("<path fill=\"#000\" shape-rendering=\"crispEdges\" transform=\"translate(");
  AppendMm(out, layout.qr_x_mm());
  out->push_back(' ');
  AppendMm(out, layout.qr_y_mm());
  out->append(") scale(");
  AppendMm(out, layout.module_mm());  // whole dots in mm: exact to 1 µm at 203 or 300 dpi
  out->append(")\" d=\"");
  // At most (n + 1) / 2 runs a row, each "M999 999h999v1h-999z".
  const int n = qr.width();
  const size_t at = out->size();
  out->resize(at + static_cast<size_t>(n) * ((n + 1) / 2) * 20);
  char* const begin = out->data();
  char* p = begin + at;
  qr.ForEachDarkRun([&p](int x, int y, int length) {
    *p++ = 'M';
    p = PutModules(p, x);
    *p++ = ' ';
    p = PutModules(p, y);
    *p++ = 'h';
    p = PutModules(p, length);
    std::memcpy(p, "v1h-", 4);
    p = PutModules(p + 4, length);
    *p++ = 'z';
  });
  out->resize(static_cast<size_t>(p - begin));
  out->append("\"/>\n");
}

}  // namespace

SvgRenderer::SvgRenderer(RenderOptions options, DocumentSink* sink)
    : LabelRenderer(std::move(options)), sink_(sink) {}

SvgRenderer::~SvgRenderer() { StopWorkers(); }

Status SvgRenderer::Start() {
  Result<const LabelFont*> font = LabelFont::Get();
  if (!font.ok()) return font.status();
  Result<SheetPager> pager = SheetPager::Make(options_, "SVG");
  if (!pager.ok()) return pager.status();
  pager_ = *pager;
  MakeWorkerStates(**font);
  return Status::Ok();
}

void SvgRenderer::Process(detail::LabelChunk& chunk, int worker) {
  detail::WorkerState& w = worker_state(worker);
  const LabelGeometry& g = options_.label;
  const bool sheets = pager_->sheets();
  std::optional<QrCode> qr;
  for (const LabelContent& label : chunk.labels) {
    const LabelLayout* l = EncodeAndLayout(label, w, chunk, &qr);
    if (!l) return;
    if (w.fresh) {
      w.fresh = false;
      w.fixed.clear();
      w.fixed.append("<rect width=\"");
      AppendMm(&w.fixed, g.width_mm);
      w.fixed.append("\" height=\"");
      AppendMm(&w.fixed, g.height_mm);
      w.fixed.append("\" fill=\"#fff\"/>\n");
      for (const TextLine& line : l->lines)
        if (!IsPerLabel(line.role)) AppendText(&w.fixed, line);
    }
    std::string& doc = chunk.NextPart();
    if (!sheets) AppendHeader(&doc, g.width_mm, g.height_mm);
    doc.append(w.fixed);
    AppendQrPath(&doc, *qr, *l);
    for (const TextLine& line : l->lines)
      if (IsPerLabel(line.role)) AppendText(&doc, line);
    if (!sheets) doc.append("</svg>\n");
  }
}

Status SvgRenderer::Emit(detail::LabelChunk& chunk) {
  SheetPager& pager = *pager_;
  if (!pager.sheets()) {
    for (const std::string& doc : chunk.parts()) {
      Status s = sink_->Put(pager.NextFileName("svg"), doc);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  for (const std::string& body : chunk.parts()) {
    Status s = pager.Lay(
        options_.copies,
        [&] {
          page_.clear();
          AppendHeader(&page_, kA4WidthMm, kA4HeightMm);
        },
        [&](double x, double y) {
          page_.append("<g transform=\"translate(");
          AppendMm(&page_, x);
          page_.push_back(' ');
          AppendMm(&page_, y);
          page_.append(")\">\n");
          page_.append(body);
          page_.append("</g>\n");
          return Status::Ok();
        },
        [&] { return FlushPage(); });
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status SvgRenderer::FlushPage() {
  page_.append("</svg>\n");
  return sink_->Put(pager_->NextFileName("svg"), page_);
}

Status SvgRenderer::Complete() {
  if (!pager_->page_open()) return Status::Ok();
  pager_->ClosePage();
  return FlushPage();
}

}  // namespace agritrace::labeler
