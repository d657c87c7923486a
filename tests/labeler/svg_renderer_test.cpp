#include "labeler/svg_renderer.h"

#include <catch2/catch.hpp>

#include "test_support.h"

namespace agritrace::labeler {
namespace {

using testing::Contains;
using testing::Count;
using testing::TempDir;

// Rasterises an SVG with librsvg (as a browser or print driver would) and decodes it.
testing::GrayImage Rasterize(const std::string& svg, int dpi) {
  const std::string png = svg + ".png";
  const std::string d = std::to_string(dpi);
  REQUIRE(testing::Run("rsvg-convert -d " + d + " -p " + d + " -b white -o '" + png + "' '" + svg +
                       "'"));
  return testing::LoadPng(png);
}

TEST_CASE("SVG: one file per label, each decodes to its URL", "[svg_renderer]") {
  TempDir dir;
  DirectorySink sink(dir.path());
  RenderOptions options;
  options.label = {50, 30, 203};
  SvgRenderer r(options, &sink);
  REQUIRE(r.Begin().ok());
  const std::vector<LabelContent> labels = testing::SampleLabels(70);  // more than one chunk
  for (const LabelContent& l : labels) REQUIRE(r.Add(l).ok());
  REQUIRE(r.Finish().ok());
  CHECK(r.labels_added() == 70);
  for (size_t i = 0; i < labels.size(); ++i) {
    char name[32];
    snprintf(name, sizeof name, "label-%06zu.svg", i + 1);
    const std::string path = dir / name;
    const std::string svg = testing::ReadFile(path);
    REQUIRE_FALSE(svg.empty());
    CHECK(Count(svg, "<path") == 1);
    CHECK(Contains(svg, "width=\"50mm\" height=\"30mm\" viewBox=\"0 0 50 30\""));
    CHECK(Contains(svg,
                   "\"WenQuanYi Micro Hei\",\"Noto Sans CJK SC\",\"Microsoft YaHei\","
                   "\"PingFang SC\",sans-serif"));
    CHECK(Contains(svg, ">白沙绿茶</text>"));
    CHECK(Contains(svg, ">" + labels[i].code_display + "</text>"));
    CHECK(Contains(svg, ">扫码验真</text>"));
    if (i < 3 || i == labels.size() - 1) {  // rasterising every one would only cost time
      CHECK(testing::DecodeOne(Rasterize(path, 300)) == labels[i].qr_text);
    }
  }
  CHECK_FALSE(std::filesystem::exists(dir / "label-000071.svg"));
}

TEST_CASE("SVG: A4 sheets hold cols x rows labels, copies repeat a label", "[svg_renderer]") {
  TempDir dir;
  DirectorySink sink(dir.path());
  RenderOptions options;
  options.label = {60, 35, 203};
  options.sheet = SheetGrid{3, 8};
  options.copies = 2;
  SvgRenderer r(options, &sink);
  REQUIRE(r.Begin().ok());
  const std::vector<LabelContent> labels = testing::SampleLabels(13);  // 26 cells: 2 pages
  for (const LabelContent& l : labels) REQUIRE(r.Add(l).ok());
  REQUIRE(r.Finish().ok());
  const std::string page1 = testing::ReadFile(dir / "sheet-0001.svg");
  const std::string page2 = testing::ReadFile(dir / "sheet-0002.svg");
  CHECK(Contains(page1, "width=\"210mm\" height=\"297mm\""));
  CHECK(Count(page1, "<path") == 24);
  CHECK(Count(page2, "<path") == 2);
  CHECK_FALSE(std::filesystem::exists(dir / "sheet-0003.svg"));
  const SheetLayout sheet = *PlaceOnA4(*options.sheet, options.label);
  const std::vector<std::string> decoded =
      testing::DecodeSheet(Rasterize(dir / "sheet-0001.svg", 200), sheet, 200, 24);
  for (size_t cell = 0; cell < 24; ++cell) {
    CHECK(decoded[cell] == labels[cell / 2].qr_text);  // each label twice, side by side
  }
  const std::vector<std::string> last =
      testing::DecodeSheet(Rasterize(dir / "sheet-0002.svg", 200), sheet, 200, 3);
  CHECK(last[0] == labels[12].qr_text);
  CHECK(last[1] == labels[12].qr_text);
  CHECK(last[2] == "<0 codes>");  // the rest of the page is empty
}

TEST_CASE("SVG: each organic unit's label shows its 有机码", "[svg_renderer]") {
  TempDir dir;
  DirectorySink sink(dir.path());
  RenderOptions options;
  SvgRenderer r(options, &sink);
  REQUIRE(r.Begin().ok());
  const std::vector<LabelContent> labels = testing::SampleOrganicLabels(3);
  for (const LabelContent& l : labels) REQUIRE(r.Add(l).ok());
  REQUIRE(r.Finish().ok());
  for (size_t i = 0; i < labels.size(); ++i) {
    char name[32];
    snprintf(name, sizeof name, "label-%06zu.svg", i + 1);
    const std::string svg = testing::ReadFile(dir / name);
    CHECK(Contains(svg, ">有机码 " + labels[i].organic_code + "</text>"));
    CHECK(Count(svg, ">有机码 ") == 1);
  }
}

TEST_CASE("SVG: copies without a sheet and sheets too big for A4 are refused", "[svg_renderer]") {
  TempDir dir;
  DirectorySink sink(dir.path());
  RenderOptions options;
  options.copies = 3;
  SvgRenderer r(options, &sink);
  Status s = r.Begin();
  CHECK(s.code() == StatusCode::kInvalid);
  CHECK(Contains(s.en(), "copies need a sheet"));
  CHECK_FALSE(r.Add(testing::SampleLabel(MintUnitCode())).ok());

  RenderOptions big;
  big.label = {80, 40, 203};
  big.sheet = SheetGrid{3, 8};
  SvgRenderer r2(big, &sink);
  Status s2 = r2.Begin();
  CHECK(s2.code() == StatusCode::kInvalid);
  CHECK(Contains(s2.zh(), "A4 纸放不下"));
}

TEST_CASE("SVG: a label too small for the QR fails the run with the reason", "[svg_renderer]") {
  TempDir dir;
  DirectorySink sink(dir.path());
  RenderOptions options;
  options.label = {25, 15, 203};
  SvgRenderer r(options, &sink);
  REQUIRE(r.Begin().ok());
  Status s = r.Add(testing::SampleLabel(MintUnitCode()));
  if (s.ok()) s = r.Finish();
  CHECK(s.reason() == "label-too-small");
  CHECK(Contains(s.zh(), "至少需要"));
}

}  // namespace
}  // namespace agritrace::labeler
