#include "labeler/text_metrics.h"

#include <catch2/catch.hpp>

#include "labeler/label_font.h"
#include "labeler/tspl_font.h"

namespace agritrace::labeler {
namespace {

const LabelFont& Font() {
  Result<const LabelFont*> font = LabelFont::Get();
  REQUIRE(font.ok());
  return **font;
}

TEST_CASE("the label font is WenQuanYi Micro Hei with real metrics", "[text_metrics]") {
  const LabelFont& f = Font();
  CHECK(f.family() == "WenQuanYi Micro Hei");
  // CJK ideographs are one em wide; Latin letters narrower and not all alike.
  CHECK(f.Advance(U'茶') == Approx(1.0).margin(0.05));
  CHECK(f.Advance(U'i') < f.Advance(U'W'));
  CHECK(f.Width("扫码验真", 10) == Approx(4 * 10 * f.Advance(U'扫')));
  CHECK(f.Width("", 10) == 0);
  CHECK(f.Width("AB", 5) == Approx(5 * (f.Advance(U'A') + f.Advance(U'B'))));
  CHECK(f.Ascent(10) > 5);
  CHECK(f.LineHeight(10) > f.Ascent(10));
}

TEST_CASE("FitText keeps, shrinks, then cuts", "[text_metrics]") {
  const LabelFont& f = Font();
  FittedText keep = FitText(f, "白沙绿茶", 20, 3, 2);
  CHECK(keep.text == "白沙绿茶");
  CHECK(keep.size_mm == 3);
  CHECK_FALSE(keep.shrunk);
  CHECK_FALSE(keep.cut);

  FittedText shrink = FitText(f, "白沙绿茶", 10, 3, 2);  // 12 mm at 3 mm, 8 mm at 2 mm
  CHECK(shrink.text == "白沙绿茶");
  CHECK(shrink.shrunk);
  CHECK(shrink.size_mm < 3);
  CHECK(shrink.size_mm >= 2);
  CHECK(shrink.width_mm <= 10);

  FittedText cut = FitText(f, "白沙绿茶白沙绿茶", 10.5, 3, 2);
  CHECK(cut.cut);
  CHECK(cut.size_mm == 2);
  CHECK(cut.width_mm <= 10.5);
  CHECK(cut.text == "白沙绿茶…");
  CHECK(f.Width(cut.text, 2) == Approx(cut.width_mm));

  FittedText none = FitText(f, "白沙绿茶", 1, 3, 2);  // not even "…" fits in 1 mm at 2 mm
  CHECK(none.text.empty());
}

TEST_CASE("TSPL metrics: 24-dot cells, half for ASCII, whole multiples", "[text_metrics]") {
  const TsplFontMetrics m(203);
  const double cell = 24 * 25.4 / 203;
  CHECK(m.SmallestSize() == Approx(cell));
  CHECK(m.Width("白沙", cell) == Approx(2 * cell));
  CHECK(m.Width("AB", cell) == Approx(cell));
  CHECK(m.Drawable(cell * 2.5) == Approx(2 * cell));
  CHECK(m.Drawable(1.0) == Approx(cell));  // never below one cell
  CHECK(m.Multiplier(m.Drawable(cell * 3.2)) == 3);
  FittedText cut = FitText(m, "白沙绿茶白沙绿茶", 4.2 * cell, 2, 1);
  CHECK(cut.text == "白沙绿…");
  CHECK(cut.size_mm == Approx(cell));
}

}  // namespace
}  // namespace agritrace::labeler
