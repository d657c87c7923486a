#include "agritrace/labeler/render_options.h"

#include <catch2/catch.hpp>

#include "labeler/sheet_layout.h"

namespace agritrace::labeler {
namespace {

TEST_CASE("sheet grids parse and must fit A4", "[render_options]") {
  Result<SheetGrid> g = ParseSheetGrid("a4:3x8");
  REQUIRE(g.ok());
  CHECK(g->cols == 3);
  CHECK(g->rows == 8);
  CHECK(ParseSheetGrid("A4:2×5")->rows == 5);
  for (const char* bad : {"", "a4", "a4:3", "a4:x8", "a3:3x8", "a4:0x8", "a4:3x8x", "a4:-1x2"}) {
    CHECK_FALSE(ParseSheetGrid(bad).ok());
  }
  Result<SheetLayout> fits = PlaceOnA4({3, 8}, {70, 37, 203});
  REQUIRE(fits.ok());
  CHECK(fits->gap_x_mm == Approx(0));
  CHECK(fits->cell_x_mm(2) == Approx(140));
  CHECK(fits->cell_y_mm(9) == Approx(fits->gap_y_mm * 4 + 3 * 37));
  CHECK(fits->cell_x_mm(9) == Approx(0));
  CHECK(fits->cell_y_mm(23) + 37 <= 297);
  Result<SheetLayout> wide = PlaceOnA4({4, 8}, {60, 35, 203});
  REQUIRE_FALSE(wide.ok());
  CHECK(wide.status().zh().find("4 列 × 60 mm = 240 mm") != std::string::npos);
}

TEST_CASE("label sizes parse in millimetres for 203 or 300 dpi printers", "[render_options]") {
  Result<LabelGeometry> g = ParseLabelGeometry("50x30", 203);
  REQUIRE(g.ok());
  CHECK(g->width_mm == Approx(50));
  CHECK(g->height_mm == Approx(30));
  CHECK(g->dpi == 203);
  CHECK(ParseLabelGeometry("62.5×40", 300)->width_mm == Approx(62.5));
  CHECK(ParseLabelGeometry("40*30", 300)->height_mm == Approx(30));
  for (const char* bad : {"", "50", "50x", "x30", "50x30mm", "-50x30", "50,5x30", "50 x 30"}) {
    INFO(bad);
    Result<LabelGeometry> r = ParseLabelGeometry(bad, 203);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().reason() == "label-size");
  }
  Result<LabelGeometry> dpi = ParseLabelGeometry("50x30", 600);
  REQUIRE_FALSE(dpi.ok());
  CHECK(dpi.status().reason() == "label-dpi");
  CHECK(dpi.status().zh().find("203 或 300") != std::string::npos);
}

TEST_CASE("render options are checked before anything is written", "[render_options]") {
  CHECK(ValidateRenderOptions(RenderOptions{}).ok());
  RenderOptions o;
  o.copies = 0;
  CHECK_FALSE(ValidateRenderOptions(o).ok());
  o = RenderOptions{};
  o.label.dpi = 50;
  CHECK_FALSE(ValidateRenderOptions(o).ok());
  o = RenderOptions{};
  o.label.width_mm = 5;
  CHECK_FALSE(ValidateRenderOptions(o).ok());
  o = RenderOptions{};
  o.threads = 100;
  CHECK_FALSE(ValidateRenderOptions(o).ok());
}

}  // namespace
}  // namespace agritrace::labeler
