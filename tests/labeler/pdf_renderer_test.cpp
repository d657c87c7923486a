#include "labeler/pdf_renderer.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "test_support.h"

namespace agritrace::labeler {
namespace {

using testing::Contains;
using testing::TempDir;

Status RenderPdf(const std::string& path, const RenderOptions& options,
                 const std::vector<LabelContent>& labels) {
  std::ofstream out(path, std::ios::binary);
  PdfRenderer r(options, &out);
  Status s = r.Begin();
  for (size_t i = 0; s.ok() && i < labels.size(); ++i) s = r.Add(labels[i]);
  if (s.ok()) s = r.Finish();
  return s;
}

int Pages(const std::string& pdf) {
  const std::string info = pdf + ".info";
  REQUIRE(testing::Run("pdfinfo '" + pdf + "' > '" + info + "'"));
  const std::string text = testing::ReadFile(info);
  const size_t at = text.find("Pages:");
  REQUIRE(at != std::string::npos);
  return std::atoi(text.c_str() + at + 6);
}

TEST_CASE("PDF: A4 sheets decode every label and carry the Chinese text", "[pdf_renderer]") {
  TempDir dir;
  RenderOptions options;
  options.label = {60, 35, 203};
  options.sheet = SheetGrid{3, 8};
  const std::vector<LabelContent> labels = testing::SampleLabels(30);
  const std::string pdf = dir / "labels.pdf";
  REQUIRE(RenderPdf(pdf, options, labels).ok());
  CHECK(testing::ReadFile(pdf).rfind("%PDF-", 0) == 0);
  CHECK(Pages(pdf) == 2);

  REQUIRE(testing::Run("pdftoppm -r 200 -png '" + pdf + "' '" + (dir / "page") + "' 2> '" +
                       (dir / "poppler.txt") + "'"));
  CHECK(testing::ReadFile(dir / "poppler.txt").empty());  // no syntax error, no font complaint
  const SheetLayout sheet = *PlaceOnA4(*options.sheet, options.label);
  const std::vector<std::string> page1 =
      testing::DecodeSheet(testing::LoadPng(dir / "page-1.png"), sheet, 200, 24);
  const std::vector<std::string> page2 =
      testing::DecodeSheet(testing::LoadPng(dir / "page-2.png"), sheet, 200, 7);
  for (size_t i = 0; i < 24; ++i) CHECK(page1[i] == labels[i].qr_text);
  for (size_t i = 0; i < 6; ++i) CHECK(page2[i] == labels[24 + i].qr_text);
  CHECK(page2[6] == "<0 codes>");

  REQUIRE(testing::Run("pdftotext '" + pdf + "' '" + (dir / "text.txt") + "'"));
  const std::string text = testing::ReadFile(dir / "text.txt");
  CHECK(Contains(text, "白沙绿茶"));
  CHECK(Contains(text, "扫码验真"));
  CHECK(Contains(text, labels[0].code_display));
  CHECK(Contains(text, labels[29].code_display));
  // The font is embedded, so a printer without Chinese fonts prints the same.
  REQUIRE(testing::Run("pdffonts '" + pdf + "' > '" + (dir / "fonts.txt") + "'"));
  const std::string fonts = testing::ReadFile(dir / "fonts.txt");
  CHECK(Contains(fonts, "WenQuanYi"));
  // A CID TrueType font, embedded, subset, with a ToUnicode map.
  CHECK(std::regex_search(fonts, std::regex(R"(CID TrueType +Identity-H +yes yes yes)")));
}

TEST_CASE("PDF: without a sheet each label is a page of its own size", "[pdf_renderer]") {
  TempDir dir;
  RenderOptions options;
  options.label = {50, 30, 300};
  options.copies = 2;
  const std::vector<LabelContent> labels = testing::SampleLabels(3);
  const std::string pdf = dir / "rolls.pdf";
  REQUIRE(RenderPdf(pdf, options, labels).ok());
  CHECK(Pages(pdf) == 6);
  const std::string info = testing::ReadFile(pdf + ".info");
  CHECK(Contains(info, "141.732 x 85.0394 pts"));  // 50 x 30 mm
  REQUIRE(testing::Run("pdftoppm -r 300 -png -f 2 -l 2 '" + pdf + "' '" + (dir / "p") + "'"));
  CHECK(testing::DecodeOne(testing::LoadPng(dir / "p-2.png")) == labels[0].qr_text);  // a copy
}

TEST_CASE("PDF: a long roll run spans several leaves of the page tree", "[pdf_renderer]") {
  TempDir dir;
  RenderOptions options;
  options.label = {40, 30, 203};
  const std::vector<LabelContent> labels = testing::SampleLabels(PdfWriter::kPagesPerLeaf + 2);
  const std::string pdf = dir / "roll.pdf";
  REQUIRE(RenderPdf(pdf, options, labels).ok());
  CHECK(Pages(pdf) == static_cast<int>(labels.size()));
  const std::string last = std::to_string(labels.size());
  REQUIRE(testing::Run("pdftoppm -r 300 -png -f " + last + " -l " + last + " '" + pdf + "' '" +
                       (dir / "p") + "'"));
  CHECK(testing::DecodeOne(testing::LoadPng(dir / ("p-" + last + ".png"))) ==
        labels.back().qr_text);
}

TEST_CASE("PDF: each organic unit's label shows its 有机码 as text", "[pdf_renderer]") {
  TempDir dir;
  RenderOptions options;
  options.label = {60, 35, 203};
  options.sheet = SheetGrid{3, 8};
  const std::vector<LabelContent> labels = testing::SampleOrganicLabels(6);
  const std::string pdf = dir / "organic.pdf";
  REQUIRE(RenderPdf(pdf, options, labels).ok());
  REQUIRE(testing::Run("pdftotext -layout '" + pdf + "' '" + (dir / "text.txt") + "'"));
  const std::string text = testing::ReadFile(dir / "text.txt");
  for (const LabelContent& l : labels) {
    CHECK(Contains(text, "有机码 " + l.organic_code));
    CHECK(Contains(text, l.code_display));
  }
  CHECK(Contains(text, "有机产品 151OP2600123"));
}

TEST_CASE("PDF: a QR text too long fails the run", "[pdf_renderer]") {
  TempDir dir;
  RenderOptions options;
  std::vector<LabelContent> labels = testing::SampleLabels(2);
  labels[1].qr_text = std::string(5000, 'A');
  Status s = RenderPdf(dir / "bad.pdf", options, labels);
  CHECK(s.code() == StatusCode::kInvalid);
  CHECK(Contains(s.en(), "too long"));
}

}  // namespace
}  // namespace agritrace::labeler
