#include "labeler/png_renderer.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "labeler/label_layout.h"
#include "test_support.h"

namespace agritrace::labeler {
namespace {

using testing::GrayImage;
using testing::TempDir;

const LabelFont& Font() {
  Result<const LabelFont*> font = LabelFont::Get();
  REQUIRE(font.ok());
  return **font;
}

// Renders one label as a PNG file and loads it back.
GrayImage RenderOne(const TempDir& dir, const LabelContent& label, const LabelGeometry& g) {
  DirectorySink sink(dir.path());
  RenderOptions options;
  options.label = g;
  options.threads = 0;
  PngRenderer r(options, &sink);
  REQUIRE(r.Begin().ok());
  REQUIRE(r.Add(label).ok());
  REQUIRE(r.Finish().ok());
  GrayImage img = testing::LoadPng(dir / "label-000001.png");
  REQUIRE(img.width > 0);
  return img;
}

int DarkPixels(const GrayImage& img, double x0_mm, double y0_mm, double x1_mm, double y1_mm,
               int dpi) {
  const double k = dpi / 25.4;
  int dark = 0;
  for (int y = std::max(0, int(y0_mm * k)); y < std::min(img.height, int(std::ceil(y1_mm * k)));
       ++y)
    for (int x = std::max(0, int(x0_mm * k)); x < std::min(img.width, int(std::ceil(x1_mm * k)));
         ++x)
      if (img.at(x, y) < 128) ++dark;
  return dark;
}

TEST_CASE("PNG: every label decodes, at the printer's resolution", "[png_renderer]") {
  TempDir dir;
  DirectorySink sink(dir.path());
  for (int dpi : {203, 300}) {
    RenderOptions options;
    options.label = {40, 30, dpi};
    PngRenderer r(options, &sink);
    REQUIRE(r.Begin().ok());
    const std::vector<LabelContent> labels = testing::SampleLabels(5);
    for (const LabelContent& l : labels) REQUIRE(r.Add(l).ok());
    REQUIRE(r.Finish().ok());
    for (size_t i = 0; i < labels.size(); ++i) {
      char name[32];
      snprintf(name, sizeof name, "label-%06zu.png", i + 1);
      const GrayImage img = testing::LoadPng(dir / name);
      CHECK(img.width == std::lround(40 * dpi / 25.4));
      CHECK(img.height == std::lround(30 * dpi / 25.4));
      CHECK(testing::DecodeOne(img) == labels[i].qr_text);
    }
  }
}

TEST_CASE("PNG: the QR has clean 1-bit edges on whole dots", "[png_renderer]") {
  TempDir dir;
  const LabelContent label = testing::SampleLabel(MintUnitCode());
  const GrayImage img = RenderOne(dir, label, {50, 30, 203});
  Result<QrCode> qr = QrCode::Encode(label.qr_text, EccLevel::kM);
  REQUIRE(qr.ok());
  Result<LabelLayout> layout = LayoutLabel(label, qr->width(), {50, 30, 203}, Font());
  REQUIRE(layout.ok());
  const QrPlacement& p = layout->qr;
  // Every pixel of the symbol and its quiet zone is pure black or pure white, and each module
  // is exactly the colour the symbol says.
  const int q = kQuietZoneModules * p.module_dots;
  for (int y = p.y_dots - q; y < p.y_dots + p.modules * p.module_dots + q; ++y) {
    for (int x = p.x_dots - q; x < p.x_dots + p.modules * p.module_dots + q; ++x) {
      const uint8_t v = img.at(x, y);
      REQUIRE((v == 0 || v == 255));
      const int mx = (x - p.x_dots) / p.module_dots, my = (y - p.y_dots) / p.module_dots;
      const bool inside = x >= p.x_dots && y >= p.y_dots && mx < p.modules && my < p.modules;
      REQUIRE((v == 0) == (inside && qr->dark(mx, my)));
    }
  }
}

TEST_CASE("PNG: Chinese text is drawn where the layout puts it", "[png_renderer]") {
  TempDir with_dir, without_dir;
  LabelContent with = testing::SampleLabel(MintUnitCode());
  LabelContent without = with;
  without.footer = "\u3000\u3000\u3000\u3000";  // four ideographic spaces: same box, no ink
  const LabelGeometry g{50, 30, 203};
  const GrayImage a = RenderOne(with_dir, with, g);
  const GrayImage b = RenderOne(without_dir, without, g);
  Result<LabelLayout> layout = LayoutLabel(with, 29, g, Font());
  REQUIRE(layout.ok());
  const TextLine* footer = nullptr;
  for (const TextLine& line : layout->lines)
    if (line.role == TextRole::kFooter) footer = &line;
  REQUIRE(footer);
  REQUIRE(footer->text == "扫码验真");
  const double x1 = footer->x_mm + footer->width_mm;
  const double y1 = footer->top_mm + Font().LineHeight(footer->size_mm);
  Result<LabelLayout> blank = LayoutLabel(without, 29, g, Font());
  REQUIRE(blank.ok());
  for (const TextLine& line : blank->lines)
    if (line.role == TextRole::kFooter) CHECK(line.top_mm == Approx(footer->top_mm));
  const int ink = DarkPixels(a, footer->x_mm, footer->top_mm, x1, y1, g.dpi);
  const int none = DarkPixels(b, footer->x_mm, footer->top_mm, x1, y1, g.dpi);
  CHECK(none == 0);
  // Four ideographs of ~2.5 mm at 8 dots/mm: hundreds of dark pixels, not a stray few.
  CHECK(ink > 150);
  // And the glyphs are the font's, not boxes: each quarter of the line has ink.
  for (int k = 0; k < 4; ++k) {
    const double gx0 = footer->x_mm + k * footer->width_mm / 4;
    CHECK(DarkPixels(a, gx0, footer->top_mm, gx0 + footer->width_mm / 4, y1, g.dpi) > 20);
  }
}

// Intersection over union of the dark pixels of `img` and of the 1-bit `bmp` where it sits.
double InkOverlap(const GrayImage& img, const TextBitmap& bmp) {
  int both = 0, either = 0;
  for (int y = 0; y < bmp.height_dots; ++y) {
    for (int x = 0; x < bmp.width_dots; ++x) {
      const unsigned char byte =
          static_cast<unsigned char>(bmp.bits[y * bmp.bytes_per_row + x / 8]);
      const bool want = byte & (0x80 >> (x % 8));
      const bool got = img.at(bmp.x_dots + x, bmp.y_dots + y) < 128;
      both += want && got;
      either += want || got;
    }
  }
  return either ? static_cast<double>(both) / either : 0;
}

TEST_CASE("PNG: an organic unit's label shows its own 有机码", "[png_renderer]") {
  TempDir dir_a, dir_b;
  LabelContent a = testing::SampleOrganicLabels(1)[0];
  a.organic_code = "12345678901234567";
  LabelContent b = a;
  b.organic_code = "90123456789012345";  // every digit different
  const LabelGeometry g{50, 30, 203};
  const GrayImage img_a = RenderOne(dir_a, a, g), img_b = RenderOne(dir_b, b, g);
  CHECK(testing::DecodeOne(img_a) == a.qr_text);
  Result<QrCode> qr = QrCode::Encode(a.qr_text, EccLevel::kM);
  REQUIRE(qr.ok());
  const auto organic_line = [&](const LabelContent& c) {
    Result<LabelLayout> layout = LayoutLabel(c, qr->width(), g, Font());
    REQUIRE(layout.ok());
    for (const TextLine& line : layout->lines)
      if (line.role == TextRole::kOrganicCode) return line;
    FAIL("no 有机码 line");
    return TextLine{};
  };
  const TextLine line_a = organic_line(a), line_b = organic_line(b);
  Result<TextBitmap> bmp_a = RenderTextBitmap(line_a, g, Font());
  Result<TextBitmap> bmp_b = RenderTextBitmap(line_b, g, Font());
  REQUIRE(bmp_a.ok());
  REQUIRE(bmp_b.ok());
  // The two labels differ only inside the 有机码 line's box.
  int inside = 0;
  for (int y = 0; y < img_a.height; ++y) {
    for (int x = 0; x < img_a.width; ++x) {
      if (img_a.at(x, y) == img_b.at(x, y)) continue;
      const bool in_box = x >= bmp_a->x_dots && x < bmp_a->x_dots + bmp_a->width_dots &&
                          y >= bmp_a->y_dots && y < bmp_a->y_dots + bmp_a->height_dots;
      REQUIRE(in_box);
      ++inside;
    }
  }
  CHECK(inside > 100);
  // And the ink there is each label's own code in the label font.
  const double aa = InkOverlap(img_a, *bmp_a), ab = InkOverlap(img_a, *bmp_b);
  const double bb = InkOverlap(img_b, *bmp_b), ba = InkOverlap(img_b, *bmp_a);
  INFO(aa << " " << ab << " " << bb << " " << ba);
  CHECK(aa > 0.6);
  CHECK(bb > 0.6);
  CHECK(aa > ab + 0.2);
  CHECK(bb > ba + 0.2);
}

TEST_CASE("PNG: an overlong name is cut and nothing reaches the label's edge", "[png_renderer]") {
  TempDir dir;
  LabelContent label = testing::SampleLabel(MintUnitCode());
  label.product_name = std::string(60, 'W') + "白沙黎族自治县高山云雾有机绿茶特级明前春茶";
  label.origin = "海南省白沙黎族自治县牙叉镇某某村民委员会第三村民小组茶叶种植基地";
  const LabelGeometry g{40, 30, 203};
  const GrayImage img = RenderOne(dir, label, g);
  Result<LabelLayout> layout = LayoutLabel(label, 29, g, Font());
  REQUIRE(layout.ok());
  bool cut = false;
  for (const TextLine& line : layout->lines) cut = cut || line.cut;
  CHECK(cut);
  // The outer 0.5 mm (4 pixels) all round is untouched white.
  const int ring = 4;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      if (x >= ring && y >= ring && x < img.width - ring && y < img.height - ring) continue;
      REQUIRE(img.at(x, y) == 255);
    }
  }
  CHECK(testing::DecodeOne(img) == label.qr_text);
}

TEST_CASE("PNG: sheets decode every label", "[png_renderer]") {
  TempDir dir;
  DirectorySink sink(dir.path());
  RenderOptions options;
  options.label = {50, 30, 203};
  options.sheet = SheetGrid{4, 9};
  PngRenderer r(options, &sink);
  REQUIRE(r.Begin().ok());
  const std::vector<LabelContent> labels = testing::SampleLabels(6);
  for (const LabelContent& l : labels) REQUIRE(r.Add(l).ok());
  REQUIRE(r.Finish().ok());
  const GrayImage page = testing::LoadPng(dir / "sheet-0001.png");
  CHECK(page.width == std::lround(210 * 203 / 25.4));
  std::vector<std::string> decoded = testing::DecodeAll(page);
  std::set<std::string> got(decoded.begin(), decoded.end()), want;
  for (const LabelContent& l : labels) want.insert(l.qr_text);
  CHECK(got == want);
  CHECK_FALSE(std::filesystem::exists(dir / "sheet-0002.png"));
}

}  // namespace
}  // namespace agritrace::labeler
