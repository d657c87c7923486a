#include "labeler/label_layout.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "agritrace/labeler/unit_code.h"
#include "labeler/label_font.h"
#include "labeler/tspl_font.h"
#include "test_support.h"

namespace agritrace::labeler {
namespace {

const LabelFont& Font() {
  Result<const LabelFont*> font = LabelFont::Get();
  REQUIRE(font.ok());
  return **font;
}

constexpr int kV3 = 29;  // modules of a version-3 symbol

struct Box {
  double x0, y0, x1, y1;
};

Box QrBoxWithQuietZone(const LabelLayout& l) {
  const double q = kQuietZoneModules * l.module_mm();
  return {l.qr_x_mm() - q, l.qr_y_mm() - q, l.qr_x_mm() + l.qr_size_mm() + q,
          l.qr_y_mm() + l.qr_size_mm() + q};
}

Box LineBox(const LabelLayout& l, const TextLine& line, const TextMetrics& m) {
  (void)l;
  return {line.x_mm, line.top_mm, line.x_mm + line.width_mm,
          line.top_mm + m.LineHeight(line.size_mm)};
}

bool Overlap(const Box& a, const Box& b) {
  return a.x0 < b.x1 - 1e-6 && b.x0 < a.x1 - 1e-6 && a.y0 < b.y1 - 1e-6 && b.y0 < a.y1 - 1e-6;
}

// Everything inside the label, texts clear of the QR and its quiet zone and of each other.
void CheckSound(const LabelLayout& l, const TextMetrics& m) {
  const double w = l.geometry.width_mm, h = l.geometry.height_mm;
  const Box qr = QrBoxWithQuietZone(l);
  CHECK(qr.x0 >= 0);
  CHECK(qr.y0 >= 0);
  CHECK(qr.x1 <= w + 1e-9);
  CHECK(qr.y1 <= h + 1e-9);
  const double min_module = std::ceil(0.5 * l.geometry.dpi / 25.4 - 1e-9);
  CHECK(l.qr.module_dots >= min_module);
  CHECK(l.module_mm() >= 0.5 - 0.01);
  CHECK(l.qr.module_dots <= kMaxModuleDots);
  for (size_t i = 0; i < l.lines.size(); ++i) {
    const Box b = LineBox(l, l.lines[i], m);
    INFO("line " << l.lines[i].text);
    CHECK(b.x0 >= 0);
    CHECK(b.y0 >= 0);
    CHECK(b.x1 <= w + 1e-9);
    CHECK(b.y1 <= h + 1e-9);
    CHECK_FALSE(Overlap(b, qr));
    for (size_t j = i + 1; j < l.lines.size(); ++j)
      CHECK_FALSE(Overlap(b, LineBox(l, l.lines[j], m)));
  }
}

const TextLine* Find(const LabelLayout& l, TextRole role) {
  for (const TextLine& line : l.lines)
    if (line.role == role) return &line;
  return nullptr;
}

TEST_CASE("the usual label sizes lay out at 203 and 300 dpi", "[label_layout]") {
  for (int sample = 0; sample < 10; ++sample) {  // codes differ in glyph widths
    const LabelContent content = testing::SampleLabel(MintUnitCode());
    for (int dpi : {203, 300}) {
      for (auto [w, h] : {std::pair{40.0, 30.0},
                          {50.0, 30.0},
                          {60.0, 40.0},
                          {70.0, 37.0},
                          {30.0, 50.0},
                          {100.0, 60.0}}) {
        INFO(w << "x" << h << " mm at " << dpi << " dpi");
        Result<LabelLayout> l = LayoutLabel(content, kV3, {w, h, dpi}, Font());
        REQUIRE(l.ok());
        CheckSound(*l, Font());
        const TextLine* code = Find(*l, TextRole::kCode);
        REQUIRE(code);
        CHECK(code->text == content.code_display);  // never cut
        CHECK(Find(*l, TextRole::kProduct));
        CHECK(code->top_mm >= QrBoxWithQuietZone(*l).y1 - 1e-9);  // under the QR
      }
    }
  }
}

TEST_CASE("modules are whole printer dots, 4 at 203 dpi on a small label", "[label_layout]") {
  Result<LabelLayout> l =
      LayoutLabel(testing::SampleLabel(MintUnitCode()), kV3, {40, 30, 203}, Font());
  REQUIRE(l.ok());
  CHECK(l->qr.module_dots == 4);
  Result<LabelLayout> big =
      LayoutLabel(testing::SampleLabel(MintUnitCode()), kV3, {100, 60, 203}, Font());
  REQUIRE(big.ok());
  CHECK(big->qr.module_dots > 4);
}

TEST_CASE("a label too small for the QR is refused with a size that works", "[label_layout]") {
  const LabelContent content = testing::SampleLabel(MintUnitCode());
  for (auto [w, h] : {std::pair{30.0, 20.0}, {25.0, 25.0}, {20.0, 40.0}}) {
    Result<LabelLayout> l = LayoutLabel(content, kV3, {w, h, 203}, Font());
    REQUIRE_FALSE(l.ok());
    CHECK(l.status().code() == StatusCode::kInvalid);
    CHECK(l.status().reason() == "label-too-small");
    const std::string& zh = l.status().zh();
    INFO(zh);
    CHECK(zh.find("标签太小") != std::string::npos);
    const size_t at = zh.find("至少需要 ");
    REQUIRE(at != std::string::npos);
    double nw = 0, nh = 0;
    REQUIRE(std::sscanf(zh.c_str() + at + std::string("至少需要 ").size(), "%lf×%lf", &nw, &nh) ==
            2);
    CHECK(l.status().en().find("at least") != std::string::npos);
    // The size named works; where it grew a side, one millimetre less on that side does not.
    CHECK(LayoutLabel(content, kV3, {nw, nh, 203}, Font()).ok());
    const bool landscape = w >= h;
    if (nw > w && ((nw - 1 >= nh) == landscape)) {
      CHECK_FALSE(LayoutLabel(content, kV3, {nw - 1, nh, 203}, Font()).ok());
    }
    if (nh > h && ((nw >= nh - 1) == landscape)) {
      CHECK_FALSE(LayoutLabel(content, kV3, {nw, nh - 1, 203}, Font()).ok());
    }
  }
}

TEST_CASE("text that does not fit shrinks, then is cut with an ellipsis", "[label_layout]") {
  LabelContent content = testing::SampleLabel(MintUnitCode());
  content.product_name = "白沙黎族自治县牙叉镇高山云雾生态有机绿茶特级明前春茶礼盒装二百五十克";
  Result<LabelLayout> l = LayoutLabel(content, kV3, {50, 30, 203}, Font());
  REQUIRE(l.ok());
  CheckSound(*l, Font());
  const TextLine* name = Find(*l, TextRole::kProduct);
  REQUIRE(name);
  CHECK(name->cut);
  CHECK(name->text.size() < content.product_name.size());
  CHECK(name->text.substr(name->text.size() - std::string(kEllipsis).size()) == kEllipsis);
  CHECK(name->size_mm < 3.6);  // shrunk before it was cut
  // A name that fits is drawn whole.
  content.product_name = "白沙绿茶";
  Result<LabelLayout> fits = LayoutLabel(content, kV3, {50, 30, 203}, Font());
  REQUIRE(fits.ok());
  CHECK(Find(*fits, TextRole::kProduct)->text == "白沙绿茶");
  CHECK_FALSE(Find(*fits, TextRole::kProduct)->cut);
}

TEST_CASE("lines with no room are left off, least important first, and listed", "[label_layout]") {
  LabelContent content = testing::SampleLabel(MintUnitCode());
  for (int i = 0; i < 8; ++i)
    content.badges.push_back("有机 有机码 12345678901234567" + std::to_string(i));
  Result<LabelLayout> l = LayoutLabel(content, kV3, {40, 30, 203}, Font());
  REQUIRE(l.ok());
  CheckSound(*l, Font());
  CHECK_FALSE(l->omitted.empty());
  // Product, lot and footer are the last to go.
  CHECK(Find(*l, TextRole::kProduct));
  CHECK(Find(*l, TextRole::kFooter));
  CHECK(Find(*l, TextRole::kLot));
  CHECK(std::find(l->omitted.begin(), l->omitted.end(), "包装 2026-04-10") != l->omitted.end());
}

TEST_CASE("the layout cache refits only the code line", "[label_layout]") {
  LayoutCache cache(Font(), {50, 30, 203});
  LabelContent a = testing::SampleLabel(MintUnitCode());
  Result<const LabelLayout*> first = cache.Get(a, kV3);
  REQUIRE(first.ok());
  const uint64_t gen = cache.generation();
  const LabelLayout copy = **first;
  LabelContent b = testing::SampleLabel(MintUnitCode());
  Result<const LabelLayout*> second = cache.Get(b, kV3);
  REQUIRE(second.ok());
  CHECK(cache.generation() == gen);
  CHECK(Find(**second, TextRole::kCode)->text == b.code_display);
  CHECK(Find(**second, TextRole::kProduct)->text == Find(copy, TextRole::kProduct)->text);
  // Identical to a fresh layout.
  Result<LabelLayout> fresh = LayoutLabel(b, kV3, {50, 30, 203}, Font());
  REQUIRE(fresh.ok());
  CHECK(Find(*fresh, TextRole::kCode)->x_mm == Approx(Find(**second, TextRole::kCode)->x_mm));
  CHECK(Find(*fresh, TextRole::kCode)->size_mm == Approx(Find(**second, TextRole::kCode)->size_mm));
  b.product_name = "另一个产品";
  REQUIRE(cache.Get(b, kV3).ok());
  CHECK(cache.generation() == gen + 1);
}

TEST_CASE("an organic unit's 有机码 gets a band of its own above the code, never cut",
          "[label_layout]") {
  const TsplFontMetrics tspl(203);
  for (const TextMetrics* m :
       {static_cast<const TextMetrics*>(&Font()), static_cast<const TextMetrics*>(&tspl)}) {
    for (auto [w, h] : {std::pair{50.0, 30.0}, {60.0, 40.0}, {40.0, 60.0}}) {
      for (const char* organic : {"15124000000000001", "151240000000000001"}) {
        LabelContent content = testing::SampleLabel(MintUnitCode());
        content.organic_code = organic;
        INFO(w << "x" << h << " " << organic);
        Result<LabelLayout> l = LayoutLabel(content, kV3, {w, h, 203}, *m);
        REQUIRE(l.ok());
        CheckSound(*l, *m);
        const TextLine* line = Find(*l, TextRole::kOrganicCode);
        REQUIRE(line);
        CHECK(line->text == std::string("有机码 ") + organic);
        CHECK_FALSE(line->cut);
        const TextLine* code = Find(*l, TextRole::kCode);
        REQUIRE(code);
        CHECK(line->top_mm < code->top_mm);  // just above the code
        CHECK(code->top_mm == Approx(line->top_mm + m->LineHeight(line->size_mm)).margin(0.7));
        CHECK(IsPerLabel(line->role));
      }
    }
  }
  // Too narrow for the whole 有机码 (12.5 cells of 3 mm) though wide enough for the code.
  LabelContent content = testing::SampleLabel(MintUnitCode());
  REQUIRE(LayoutLabel(content, kV3, {34, 60, 203}, tspl).ok());
  content.organic_code = "151240000000000001";
  Result<LabelLayout> narrow = LayoutLabel(content, kV3, {34, 60, 203}, tspl);
  REQUIRE_FALSE(narrow.ok());
  CHECK(narrow.status().reason() == "label-too-small");
  CHECK(narrow.status().zh().find("放不下完整的有机码") != std::string::npos);
  CHECK(narrow.status().zh().find("至少需要 40 mm 宽") != std::string::npos);
}

TEST_CASE("the layout cache refits the 有机码 like the code", "[label_layout]") {
  LayoutCache cache(Font(), {50, 30, 203});
  LabelContent a = testing::SampleLabel(MintUnitCode());
  a.organic_code = "15124000000000001";
  REQUIRE(cache.Get(a, kV3).ok());
  const uint64_t gen = cache.generation();
  LabelContent b = testing::SampleLabel(MintUnitCode());
  b.organic_code = "151240000000000002";  // 18 digits under the 2024 rules
  Result<const LabelLayout*> second = cache.Get(b, kV3);
  REQUIRE(second.ok());
  CHECK(cache.generation() == gen);
  CHECK(Find(**second, TextRole::kOrganicCode)->text == "有机码 151240000000000002");
  CHECK(Find(**second, TextRole::kCode)->text == b.code_display);
  Result<LabelLayout> fresh = LayoutLabel(b, kV3, {50, 30, 203}, Font());
  REQUIRE(fresh.ok());
  CHECK(Find(*fresh, TextRole::kOrganicCode)->width_mm ==
        Approx(Find(**second, TextRole::kOrganicCode)->width_mm));
  // A unit without a 有机码 is another layout: no band.
  b.organic_code.clear();
  Result<const LabelLayout*> plain = cache.Get(b, kV3);
  REQUIRE(plain.ok());
  CHECK(cache.generation() == gen + 1);
  CHECK_FALSE(Find(**plain, TextRole::kOrganicCode));
}

TEST_CASE("TSPL layouts use whole multiples of the 24-dot font", "[label_layout]") {
  const TsplFontMetrics tspl(203);
  Result<LabelLayout> l =
      LayoutLabel(testing::SampleLabel(MintUnitCode()), kV3, {60, 40, 203}, tspl);
  REQUIRE(l.ok());
  CheckSound(*l, tspl);
  for (const TextLine& line : l->lines) {
    const double cells = line.size_mm / (24 * 25.4 / 203);
    CHECK(cells == Approx(std::round(cells)));
    CHECK(cells >= 1);
  }
  CHECK(Find(*l, TextRole::kCode)->text.size() == 19);
  // 19 half-width characters of 12 dots do not fit a 20 mm wide label: refused, never cut.
  Result<LabelLayout> narrow =
      LayoutLabel(testing::SampleLabel(MintUnitCode()), kV3, {22, 60, 203}, tspl);
  REQUIRE_FALSE(narrow.ok());
  CHECK(narrow.status().reason() == "label-too-small");
  CHECK(narrow.status().zh().find("至少需要 31 mm 宽") != std::string::npos);
}

}  // namespace
}  // namespace agritrace::labeler
