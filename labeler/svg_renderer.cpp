#include "labeler/svg_renderer.h"

#include <cstdio>

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

// One path: "M x y h n v1 h -n z" per horizontal run of dark modules, in module units.
void AppendQrPath(std::string* out, const QrCode& qr, const LabelLayout& layout) {
  out->append("<path fill=\"#000\" shape-rendering=\"crispEdges\" transform=\"translate(");
  AppendMm(out, layout.qr_x_mm());
  out->push_back(' ');
  AppendMm(out, layout.qr_y_mm());
  out->append(") scale(");
  AppendMm(out, layout.module_mm());  // whole dots in mm: exact to 1 µm at 203 or 300 dpi
  out->append(")\" d=\"");
  const int n = qr.width();
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n;) {
      if (!qr.dark(x, y)) {
        ++x;
        continue;
      }
      int end = x + 1;
      while (end < n && qr.dark(end, y)) ++end;
      out->push_back('M');
      AppendInt(out, x);
      out->push_back(' ');
      AppendInt(out, y);
      out->push_back('h');
      AppendInt(out, end - x);
      out->append("v1h-");
      AppendInt(out, end - x);
      out->push_back('z');
      x = end;
    }
  }
  out->append("\"/>\n");
}

}  // namespace

struct SvgRenderer::Worker {
  LayoutCache cache;
  uint64_t generation = 0;
  std::string fixed;  // background and every text line but the code, for the cached layout
  Worker(const TextMetrics& m, const LabelGeometry& g) : cache(m, g) {}
};

SvgRenderer::SvgRenderer(RenderOptions options, DocumentSink* sink)
    : LabelRenderer(std::move(options)), sink_(sink) {}

SvgRenderer::~SvgRenderer() { StopWorkers(); }

Status SvgRenderer::Start() {
  Result<const LabelFont*> font = LabelFont::Get();
  if (!font.ok()) return font.status();
  font_ = *font;
  if (options_.sheet) {
    Result<SheetLayout> sheet = PlaceOnA4(*options_.sheet, options_.label);
    if (!sheet.ok()) return sheet.status();
    sheet_ = *sheet;
  } else if (options_.copies != 1) {
    return Status::Invalid(
        "每个标签一个 SVG 文件时不能设置份数；请改用 A4 排版（--sheet）或多次打印",
        "copies need a sheet (--sheet) when each label is its own SVG file; "
        "print the file several times instead");
  }
  for (int i = 0; i < workers(); ++i) {
    workers_.push_back(std::make_unique<Worker>(*font_, options_.label));
  }
  return Status::Ok();
}

void SvgRenderer::Process(detail::LabelChunk& chunk, int worker) {
  Worker& w = *workers_[worker];
  const LabelGeometry& g = options_.label;
  chunk.parts.reserve(chunk.labels.size());
  for (const LabelContent& label : chunk.labels) {
    Result<QrCode> qr = QrCode::Encode(label.qr_text, options_.ecc);
    if (!qr.ok()) {
      chunk.status = qr.status();
      return;
    }
    const uint64_t before = w.cache.generation();
    Result<const LabelLayout*> layout = w.cache.Get(label, qr->width());
    if (!layout.ok()) {
      chunk.status = layout.status();
      return;
    }
    const LabelLayout& l = **layout;
    if (w.cache.generation() != before || w.fixed.empty()) {
      w.fixed.clear();
      w.fixed.append("<rect width=\"");
      AppendMm(&w.fixed, g.width_mm);
      w.fixed.append("\" height=\"");
      AppendMm(&w.fixed, g.height_mm);
      w.fixed.append("\" fill=\"#fff\"/>\n");
      for (const TextLine& line : l.lines)
        if (line.role != TextRole::kCode) AppendText(&w.fixed, line);
      chunk.omitted.insert(chunk.omitted.end(), l.omitted.begin(), l.omitted.end());
    }
    std::string doc;
    doc.reserve(4096);
    if (!sheet_) AppendHeader(&doc, g.width_mm, g.height_mm);
    doc.append(w.fixed);
    AppendQrPath(&doc, *qr, l);
    for (const TextLine& line : l.lines)
      if (line.role == TextRole::kCode) AppendText(&doc, line);
    if (!sheet_) doc.append("</svg>\n");
    chunk.parts.push_back(std::move(doc));
  }
}

Status SvgRenderer::Emit(detail::LabelChunk& chunk) {
  if (!sheet_) {
    for (size_t i = 0; i < chunk.parts.size(); ++i) {
      char name[40];
      snprintf(name, sizeof name, "label-%06llu.svg", static_cast<unsigned long long>(++files_));
      Status s = sink_->Put(name, chunk.parts[i]);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  for (const std::string& body : chunk.parts) {
    for (int c = 0; c < options_.copies; ++c) {
      if (page_cells_ == 0) {
        page_.clear();
        AppendHeader(&page_, kA4WidthMm, kA4HeightMm);
      }
      page_.append("<g transform=\"translate(");
      AppendMm(&page_, sheet_->cell_x_mm(page_cells_));
      page_.push_back(' ');
      AppendMm(&page_, sheet_->cell_y_mm(page_cells_));
      page_.append(")\">\n");
      page_.append(body);
      page_.append("</g>\n");
      if (++page_cells_ == sheet_->per_page()) {
        Status s = FlushPage();
        if (!s.ok()) return s;
      }
    }
  }
  return Status::Ok();
}

Status SvgRenderer::FlushPage() {
  page_.append("</svg>\n");
  page_cells_ = 0;
  char name[32];
  snprintf(name, sizeof name, "sheet-%04d.svg", ++pages_);
  return sink_->Put(name, page_);
}

Status SvgRenderer::Complete() {
  if (sheet_ && page_cells_ > 0) return FlushPage();
  return Status::Ok();
}

}  // namespace agritrace::labeler
