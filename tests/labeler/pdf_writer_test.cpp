#include "labeler/pdf_writer.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "test_support.h"

namespace agritrace::labeler {
namespace {

using testing::Contains;
using testing::TempDir;

Status WritePages(std::ostream* out, int pages) {
  PdfWriter pdf(out);
  Status s = pdf.Begin();
  const int resources = pdf.Reserve();
  if (s.ok()) s = pdf.Object(resources, "<< >>");
  for (int i = 0; s.ok() && i < pages; ++i) {
    s = pdf.AddPage(100, 50, "0 0 " + std::to_string(1 + i % 90) + " 10 re f\n", resources);
  }
  if (s.ok()) s = pdf.Finish("<< /Title (test) >>");
  return s;
}

TEST_CASE("PDF writer: every cross-reference entry points at its object", "[pdf_writer]") {
  TempDir dir;
  const std::string path = dir / "pages.pdf";
  {
    std::ofstream out(path, std::ios::binary);
    // More than two leaves of the page tree.
    REQUIRE(WritePages(&out, 2 * PdfWriter::kPagesPerLeaf + 5).ok());
  }
  const std::string pdf = testing::ReadFile(path);
  REQUIRE(pdf.rfind("%PDF-1.7\n", 0) == 0);
  std::smatch m;
  REQUIRE(std::regex_search(pdf, m, std::regex(R"(startxref\n(\d+)\n%%EOF\n$)")));
  const size_t xref = std::stoull(m[1]);
  REQUIRE(pdf.compare(xref, 5, "xref\n") == 0);
  REQUIRE(std::regex_search(pdf.cbegin() + xref, pdf.cend(), m, std::regex(R"(^xref\n0 (\d+)\n)")));
  const int size = std::stoi(m[1]);
  size_t entry = xref + m.length(0);
  CHECK(pdf.compare(entry, 20, "0000000000 65535 f \n") == 0);
  for (int n = 1; n < size; ++n) {
    entry += 20;
    const size_t offset = std::stoull(pdf.substr(entry, 10));
    const std::string head = std::to_string(n) + " 0 obj\n";
    INFO("object " << n);
    CHECK(pdf.compare(offset, head.size(), head) == 0);
  }
  CHECK(Contains(pdf, "/Type /Pages /Count 261 "));  // the root
  CHECK(Contains(pdf, "/Type /Pages /Parent 2 0 R /Count 128 "));

  // poppler reads it without a complaint.
  const std::string log = dir / "pdfinfo.txt";
  REQUIRE(testing::Run("pdfinfo '" + path + "' > '" + log + "' 2>&1"));
  const std::string info = testing::ReadFile(log);
  CHECK(Contains(info, "Pages:           261"));
  CHECK(Contains(info, "Page size:       100 x 50 pts"));
  CHECK_FALSE(Contains(info, "rror"));
  REQUIRE(testing::Run("pdftoppm -r 10 -png -f 261 -l 261 '" + path + "' '" + (dir / "p") +
                       "' 2> '" + log + "'"));
  CHECK(testing::ReadFile(log).empty());
}

TEST_CASE("PDF writer: a full disk fails the run", "[pdf_writer]") {
  std::ofstream full("/dev/full", std::ios::binary);
  REQUIRE(full.is_open());
  Status s = WritePages(&full, 50);
  CHECK(s.code() == StatusCode::kIo);
  CHECK(Contains(s.en(), "disk full"));
}

TEST_CASE("PDF writer: an object reserved and never written is caught", "[pdf_writer]") {
  std::ostringstream out;
  PdfWriter pdf(&out);
  REQUIRE(pdf.Begin().ok());
  pdf.Reserve();
  Status s = pdf.Finish("<< >>");
  CHECK(s.code() == StatusCode::kIo);
  CHECK(Contains(s.en(), "never written"));
}

}  // namespace
}  // namespace agritrace::labeler
