#include "labeler/zpl_renderer.h"

#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "labeler/cairo_label.h"
#include "labeler/label_font.h"
#include "test_support.h"

namespace agritrace::labeler {
namespace {

using testing::Contains;

struct Rect {
  long x0, y0, x1, y1;
  bool Overlaps(const Rect& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

struct ZplLabel {
  long width = 0, height = 0, copies = 0, magnification = 0;
  char ecc = 0;
  std::string data;
  Rect qr{};
  std::vector<Rect> graphics;
  long graphic_ink_bits = 0;
};

// Reads back what a printer would: the QR command's data and geometry, and every ^GFA, whose
// declared byte counts must match the hex that follows.
std::vector<ZplLabel> Parse(const std::string& zpl) {
  std::vector<ZplLabel> labels;
  const std::regex qr_re(R"(\^FO(\d+),(\d+)\^BQN,2,(\d+)\^FD([LMQH])M,A([^\^]*)\^FS)");
  const std::regex gf_re(R"(\^FO(\d+),(\d+)\^GFA,(\d+),(\d+),(\d+),([0-9A-F]*)\^FS)");
  size_t at = 0;
  for (size_t end = zpl.find("^XZ"); end != std::string::npos; end = zpl.find("^XZ", at)) {
    const std::string block = zpl.substr(at, end - at);
    at = end + 3;
    REQUIRE(Contains(block, "^XA"));
    ZplLabel l;
    std::smatch m;
    REQUIRE(std::regex_search(block, m, std::regex(R"(\^PW(\d+))")));
    l.width = std::stol(m[1]);
    REQUIRE(std::regex_search(block, m, std::regex(R"(\^LL(\d+))")));
    l.height = std::stol(m[1]);
    REQUIRE(std::regex_search(block, m, std::regex(R"(\^PQ(\d+))")));
    l.copies = std::stol(m[1]);
    REQUIRE(std::regex_search(block, m, qr_re));
    l.magnification = std::stol(m[3]);
    l.ecc = m[4].str()[0];
    l.data = m[5];
    Result<QrCode> qr = QrCode::EncodeSingleMode(l.data, *ParseEccLevel(std::string(1, l.ecc)));
    REQUIRE(qr.ok());
    const long side = qr->width() * l.magnification;
    l.qr = {std::stol(m[1]), std::stol(m[2]), std::stol(m[1]) + side, std::stol(m[2]) + side};
    for (auto it = std::sregex_iterator(block.begin(), block.end(), gf_re);
         it != std::sregex_iterator(); ++it) {
      const std::smatch& g = *it;
      const long total = std::stol(g[3]), field = std::stol(g[4]), per_row = std::stol(g[5]);
      const std::string hex = g[6];
      REQUIRE(total == field);
      REQUIRE(static_cast<long>(hex.size()) == 2 * total);
      REQUIRE(per_row > 0);
      REQUIRE(total % per_row == 0);
      const long x = std::stol(g[1]), y = std::stol(g[2]);
      l.graphics.push_back({x, y, x + per_row * 8, y + total / per_row});
      for (char c : hex)
        l.graphic_ink_bits += __builtin_popcount(c <= '9' ? c - '0' : c - 'A' + 10);
    }
    labels.push_back(std::move(l));
  }
  return labels;
}

TEST_CASE("ZPL: QR data reads back, symbols and graphics fit the label", "[zpl_renderer]") {
  for (int dpi : {203, 300}) {
    std::ostringstream out;
    RenderOptions options;
    options.label = {50, 30, dpi};
    options.copies = 3;
    options.ecc = EccLevel::kQ;
    ZplRenderer r(options, &out);
    REQUIRE(r.Begin().ok());
    const std::vector<LabelContent> labels = testing::SampleLabels(130);
    for (const LabelContent& l : labels) REQUIRE(r.Add(l).ok());
    REQUIRE(r.Finish().ok());
    const std::string zpl = out.str();
    CHECK(testing::Count(zpl, "^XA") == 130);
    // Only ASCII goes to the printer: Chinese arrives as graphics.
    for (char c : zpl) REQUIRE(static_cast<unsigned char>(c) < 0x80);
    const std::vector<ZplLabel> parsed = Parse(zpl);
    REQUIRE(parsed.size() == labels.size());
    for (size_t i = 0; i < parsed.size(); ++i) {
      const ZplLabel& l = parsed[i];
      INFO("label " << i << " at " << dpi << " dpi");
      CHECK(l.data == labels[i].qr_text);
      CHECK(l.ecc == 'Q');
      CHECK(l.copies == 3);
      CHECK(l.width == std::lround(50 * dpi / 25.4));
      CHECK(l.height == std::lround(30 * dpi / 25.4));
      CHECK(l.magnification >= std::ceil(0.5 * dpi / 25.4 - 1e-9));
      CHECK(l.magnification <= 10);
      // The symbol, with its quiet zone, is on the label and clear of every text graphic.
      const long q = 4 * l.magnification;
      CHECK(l.qr.x0 - q >= 0);
      CHECK(l.qr.y0 - q >= 0);
      CHECK(l.qr.x1 + q <= l.width);
      CHECK(l.qr.y1 + q <= l.height);
      const Rect quiet{l.qr.x0 - q, l.qr.y0 - q, l.qr.x1 + q, l.qr.y1 + q};
      // product, brand, 2 badges, lot, packed, origin, footer, code
      CHECK(l.graphics.size() == 9);
      for (const Rect& g : l.graphics) {
        CHECK(g.x0 >= 0);
        CHECK(g.y1 <= l.height);
        CHECK(g.x0 < l.width);
        CHECK_FALSE(g.Overlaps(quiet));
      }
      CHECK(l.graphic_ink_bits > 500);
      if (i % 40 == 0) {  // re-render the printer's symbol and decode it
        Result<QrCode> qr = QrCode::EncodeSingleMode(l.data, EccLevel::kQ);
        REQUIRE(qr.ok());
        CHECK(testing::DecodeOne(testing::RasterizeQr(*qr, 4)) == labels[i].qr_text);
      }
    }
  }
}

TEST_CASE("ZPL: each organic unit's label carries its 有机码 as a graphic", "[zpl_renderer]") {
  std::ostringstream out;
  RenderOptions options;
  options.label = {50, 30, 203};
  ZplRenderer r(options, &out);
  REQUIRE(r.Begin().ok());
  const std::vector<LabelContent> labels = testing::SampleOrganicLabels(4);
  for (const LabelContent& l : labels) REQUIRE(r.Add(l).ok());
  REQUIRE(r.Finish().ok());
  const std::string zpl = out.str();
  Result<const LabelFont*> font = LabelFont::Get();
  REQUIRE(font.ok());
  size_t at = 0;
  std::set<std::string> graphics;
  for (const LabelContent& label : labels) {
    const size_t end = zpl.find("^XZ", at);
    REQUIRE(end != std::string::npos);
    const std::string block = zpl.substr(at, end - at);
    at = end + 3;
    // The graphic the printer gets is the 有机码 line drawn where the layout puts it.
    Result<int> version = QrCode::SingleModeVersion(label.qr_text, EccLevel::kM);
    REQUIRE(version.ok());
    Result<LabelLayout> layout =
        LayoutLabel(label, QrCode::WidthOfVersion(*version), options.label, **font);
    REQUIRE(layout.ok());
    const TextLine* line = nullptr;
    for (const TextLine& l : layout->lines)
      if (l.role == TextRole::kOrganicCode) line = &l;
    REQUIRE(line);
    CHECK(line->text == "有机码 " + label.organic_code);
    Result<TextBitmap> bmp = RenderTextBitmap(*line, options.label, **font);
    REQUIRE(bmp.ok());
    std::string hex;
    for (char c : bmp->bits) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      hex.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
      hex.push_back(kHex[static_cast<unsigned char>(c) & 15]);
    }
    INFO(label.organic_code);
    CHECK(Contains(
        block, "^FO" + std::to_string(bmp->x_dots) + "," + std::to_string(bmp->y_dots) + "^GFA,"));
    CHECK(Contains(block, "," + hex + "^FS"));
    graphics.insert(hex);
  }
  CHECK(graphics.size() == labels.size());  // each label its own
  CHECK(Parse(zpl).size() == labels.size());
}

TEST_CASE("ZPL: refuses sheets and field data that would break the format", "[zpl_renderer]") {
  std::ostringstream out;
  RenderOptions sheet;
  sheet.sheet = SheetGrid{3, 8};
  ZplRenderer a(sheet, &out);
  CHECK(a.Begin().code() == StatusCode::kInvalid);

  ZplRenderer b(RenderOptions{}, &out);
  REQUIRE(b.Begin().ok());
  LabelContent bad = testing::SampleLabel(MintUnitCode());
  bad.qr_text += "^XZ~JR";
  Status s = b.Add(bad);
  if (s.ok()) s = b.Finish();
  CHECK(s.code() == StatusCode::kInvalid);
  CHECK(Contains(s.en(), "ZPL cannot carry"));
}

TEST_CASE("ZPL: lower-case QR text goes in 8-bit manual mode with its length", "[zpl_renderer]") {
  std::ostringstream out;
  RenderOptions options;
  options.threads = 0;
  ZplRenderer r(options, &out);
  REQUIRE(r.Begin().ok());
  LabelContent l = testing::SampleLabel(MintUnitCode());
  l.qr_text = "https://v.example.cn/q/abc";
  REQUIRE(r.Add(l).ok());
  REQUIRE(r.Finish().ok());
  CHECK(Contains(out.str(), "^FDMM,B0026https://v.example.cn/q/abc^FS"));
}

}  // namespace
}  // namespace agritrace::labeler
