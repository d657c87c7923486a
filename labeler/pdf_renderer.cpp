#include "labeler/pdf_renderer.h"

#include <cstdio>

#include "labeler/text_writer.h"
#include "labeler/truetype_subset.h"
#include "labeler/utf8.h"

namespace agritrace::labeler {
namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr char kHex[] = "0123456789ABCDEF";

void AppendHex16(std::string* out, uint32_t v) {
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(v >> shift) & 15]);
}

// The symbol as an inline image mask in the label's millimetre space (y down): one sample per
// module, 1 = dark (/D [1 0]), rows padded to whole bytes, hex-encoded so that the image data
// can never be mistaken for the EI operator.
void AppendQrImage(std::string* out, const QrCode& qr, const LabelLayout& layout) {
  const int n = qr.width();
  const double side = n * layout.module_mm();
  out->append("q ");
  AppendMm(out, side);
  out->append(" 0 0 ");
  AppendMm(out, -side);
  out->push_back(' ');
  AppendMm(out, layout.qr_x_mm());
  out->push_back(' ');
  AppendMm(out, layout.qr_y_mm() + side);
  out->append(" cm\nBI /W ");
  AppendInt(out, n);
  out->append(" /H ");
  AppendInt(out, n);
  out->append(" /IM true /BPC 1 /D [1 0] /F /AHx ID\n");
  const int row_bytes = (n + 7) / 8;
  const size_t at = out->size();
  out->resize(at + static_cast<size_t>(row_bytes) * 2 * n);
  char* p = out->data() + at;
  for (int y = 0; y < n; ++y) {
    for (int b = 0; b < row_bytes; ++b) {
      unsigned v = 0;
      for (int x = b * 8; x < b * 8 + 8; ++x) v = v << 1 | (x < n && qr.dark(x, y) ? 1 : 0);
      *p++ = kHex[v >> 4];
      *p++ = kHex[v & 15];
    }
  }
  out->append(">\nEI Q\n");
}

std::string SubsetTag(const std::vector<bool>& used) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the glyph ids
  for (size_t g = 0; g < used.size(); ++g) {
    if (used[g]) h = (h ^ g) * 1099511628211ull;
  }
  std::string tag;
  for (int i = 0; i < 6; ++i, h /= 26) tag.push_back(static_cast<char>('A' + h % 26));
  return tag;
}

// Glyph space is 1/1000 em.
void AppendGlyphUnits(std::string* out, double font_units, int units_per_em) {
  AppendDecimal(out, font_units * 1000.0 / units_per_em, 3);
}

// The ToUnicode CMap (PDF 32000-1 §9.10.3): glyph id → the code point drawn with it.
std::string ToUnicodeCMap(const std::vector<std::pair<uint32_t, char32_t>>& glyphs) {
  std::string m =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  for (size_t i = 0; i < glyphs.size(); i += 100) {  // at most 100 entries a block
    const size_t end = std::min(glyphs.size(), i + 100);
    AppendInt(&m, static_cast<long long>(end - i));
    m.append(" beginbfchar\n");
    for (size_t k = i; k < end; ++k) {
      m.push_back('<');
      AppendHex16(&m, glyphs[k].first);
      m.append("> <");
      const char32_t cp = glyphs[k].second;
      if (cp < 0x10000) {
        AppendHex16(&m, cp);
      } else {  // UTF-16 surrogate pair
        AppendHex16(&m, 0xD800 + ((cp - 0x10000) >> 10));
        AppendHex16(&m, 0xDC00 + ((cp - 0x10000) & 0x3FF));
      }
      m.append(">\n");
    }
    m.append("endbfchar\n");
  }
  m.append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
  return m;
}

}  // namespace

PdfRenderer::PdfRenderer(RenderOptions options, std::ostream* out)
    : LabelRenderer(std::move(options)), out_(out) {}

PdfRenderer::~PdfRenderer() { StopWorkers(); }

Status PdfRenderer::Start() {
  Result<const LabelFont*> font = LabelFont::Get();
  if (!font.ok()) return font.status();
  font_ = *font;
  Result<SheetPager> pager = SheetPager::Make(options_);
  if (!pager.ok()) return pager.status();
  pager_ = *pager;
  page_width_pt_ = (pager_->sheets() ? kA4WidthMm : options_.label.width_mm) * kPointsPerMm;
  page_height_pt_ = (pager_->sheets() ? kA4HeightMm : options_.label.height_mm) * kPointsPerMm;
  const int glyphs = font_->facts().num_glyphs;
  glyph_code_points_ = std::make_unique<std::atomic<char32_t>[]>(glyphs);
  for (int g = 0; g < glyphs; ++g) glyph_code_points_[g].store(0, std::memory_order_relaxed);

  pdf_ = std::make_unique<PdfWriter>(out_);
  Status s = pdf_->Begin();
  if (!s.ok()) return s;
  resources_ = pdf_->Reserve();
  font_object_ = pdf_->Reserve();
  std::string resources = "<< /Font << /F1 ";
  AppendInt(&resources, font_object_);
  resources.append(" 0 R >> /ProcSet [/PDF /Text /ImageB] >>");
  s = pdf_->Object(resources_, resources);
  if (!s.ok()) return s;
  MakeWorkerStates(*font_);
  return Status::Ok();
}

void PdfRenderer::AppendText(const TextLine& line, std::string* out) {
  out->append("BT /F1 ");
  AppendMm(out, line.size_mm);
  out->append(" Tf 1 0 0 -1 ");
  AppendMm(out, line.x_mm);
  out->push_back(' ');
  AppendMm(out, line.baseline_mm);
  out->append(" Tm <");
  const int glyphs = font_->facts().num_glyphs;
  for (size_t pos = 0; pos < line.text.size();) {
    const char32_t cp = NextCodePoint(line.text, &pos);
    uint32_t g = font_->Glyph(cp);
    if (g >= static_cast<uint32_t>(glyphs)) g = 0;
    if (glyph_code_points_[g].load(std::memory_order_relaxed) == 0) {
      glyph_code_points_[g].store(cp, std::memory_order_relaxed);
    }
    AppendHex16(out, g);
  }
  out->append("> Tj ET\n");
}

void PdfRenderer::Process(detail::LabelChunk& chunk, int worker) {
  detail::WorkerState& w = worker_state(worker);
  std::optional<QrCode> qr;
  for (const LabelContent& label : chunk.labels) {
    const LabelLayout* layout = EncodeAndLayout(label, w, chunk, &qr);
    if (!layout) return;
    if (w.fresh) {
      w.fresh = false;
      w.fixed.clear();
      for (const TextLine& line : layout->lines)
        if (!IsPerLabel(line.role)) AppendText(line, &w.fixed);
    }
    std::string& ops = chunk.NextPart();
    ops.append(w.fixed);
    AppendQrImage(&ops, *qr, *layout);
    for (const TextLine& line : layout->lines)
      if (IsPerLabel(line.role)) AppendText(line, &ops);
  }
}

Status PdfRenderer::Emit(detail::LabelChunk& chunk) {
  SheetPager& pager = *pager_;
  for (const std::string& ops : chunk.parts()) {
    Status s = pager.Lay(
        options_.copies,
        [&] {
          // Millimetres with the origin at the page's top-left corner, y down, like the layout.
          page_.clear();
          AppendDecimal(&page_, kPointsPerMm, 6);
          page_.append(" 0 0 ");
          AppendDecimal(&page_, -kPointsPerMm, 6);
          page_.append(" 0 ");
          AppendDecimal(&page_, page_height_pt_, 4);
          page_.append(" cm\n");
        },
        [&](double x, double y) {
          page_.append("q 1 0 0 1 ");
          AppendMm(&page_, x);
          page_.push_back(' ');
          AppendMm(&page_, y);
          page_.append(" cm\n");
          page_.append(ops);
          page_.append("Q\n");
          return Status::Ok();
        },
        [&] { return FlushPage(); });
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status PdfRenderer::FlushPage() {
  return pdf_->AddPage(page_width_pt_, page_height_pt_, page_, resources_);
}

Status PdfRenderer::Complete() {
  Status s;
  if (pager_->page_open() || pdf_->pages() == 0) {  // a run of no labels still gets a page
    pager_->ClosePage();
    s = FlushPage();
  }
  if (s.ok()) s = WriteFont();
  if (s.ok()) {
    s = pdf_->Finish(
        "<< /Title (agritrace labels) /Creator (agritrace) /Producer (agritrace labeler) >>");
  }
  pdf_.reset();
  return s;
}

// The Type 0 font, its CIDFontType2 descendant, descriptor, font file and ToUnicode map
// (PDF 32000-1 §9.7), once every page has said which glyphs it draws.
Status PdfRenderer::WriteFont() {
  const LabelFont::Facts& f = font_->facts();
  std::vector<bool> used(f.num_glyphs, false);
  std::vector<std::pair<uint32_t, char32_t>> drawn;  // glyph 0 too: a character the font lacks
  for (int g = 0; g < f.num_glyphs; ++g) {
    const char32_t cp = glyph_code_points_[g].load(std::memory_order_relaxed);
    if (cp == 0) continue;
    used[g] = true;
    drawn.emplace_back(g, cp);
  }
  Result<std::string> program = SubsetTrueType(*font_, used);
  if (!program.ok()) return program.status();
  const std::string name = "/" + SubsetTag(used) + "+" + f.postscript_name;
  const int cid_font = pdf_->Reserve(), descriptor = pdf_->Reserve(), file = pdf_->Reserve(),
            to_unicode = pdf_->Reserve();

  std::string length1 = "/Length1 ";
  AppendInt(&length1, static_cast<long long>(program->size()));
  Status s = pdf_->Stream(file, length1, *program);
  if (s.ok()) {
    // .notdef stands for whatever the font lacks: it maps to no one character.
    const bool notdef = !drawn.empty() && drawn[0].first == 0;
    s = pdf_->Stream(to_unicode, {},
                     ToUnicodeCMap({drawn.begin() + (notdef ? 1 : 0), drawn.end()}));
  }
  if (!s.ok()) return s;

  std::string d = "<< /Type /FontDescriptor /FontName " + name + " /Flags 4 /FontBBox [";
  for (int v : {f.x_min, f.y_min, f.x_max, f.y_max}) {
    AppendGlyphUnits(&d, v, f.units_per_em);
    d.push_back(' ');
  }
  d.append("] /ItalicAngle 0 /Ascent ");
  AppendGlyphUnits(&d, f.ascender, f.units_per_em);
  d.append(" /Descent ");
  AppendGlyphUnits(&d, f.descender, f.units_per_em);
  d.append(" /CapHeight ");
  AppendGlyphUnits(&d, f.cap_height, f.units_per_em);
  d.append(" /StemV 80 /FontFile2 ");
  AppendInt(&d, file);
  d.append(" 0 R >>");
  s = pdf_->Object(descriptor, d);
  if (!s.ok()) return s;

  // Widths of the glyphs drawn, from the same advances the layout measured with.
  std::string c = "<< /Type /Font /Subtype /CIDFontType2 /BaseFont " + name +
                  " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                  " /FontDescriptor ";
  AppendInt(&c, descriptor);
  c.append(" 0 R /CIDToGIDMap /Identity /DW 1000 /W [");
  for (size_t i = 0; i < drawn.size();) {
    AppendInt(&c, drawn[i].first);
    c.append(" [");
    size_t k = i;
    do {
      AppendDecimal(&c, font_->Advance(drawn[k].second) * 1000.0, 3);
      c.push_back(' ');
      ++k;
    } while (k < drawn.size() && drawn[k].first == drawn[k - 1].first + 1);
    c.append("] ");
    i = k;
  }
  c.append("] >>");
  s = pdf_->Object(cid_font, c);
  if (!s.ok()) return s;

  std::string t = "<< /Type /Font /Subtype /Type0 /BaseFont " + name +
                  " /Encoding /Identity-H /DescendantFonts [";
  AppendInt(&t, cid_font);
  t.append(" 0 R] /ToUnicode ");
  AppendInt(&t, to_unicode);
  t.append(" 0 R >>");
  return pdf_->Object(font_object_, t);
}

}  // namespace agritrace::labeler
