#include "labeler/tspl_renderer.h"

#include <iconv.h>

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>

#include "labeler/gbk.h"
#include "test_support.h"

namespace agritrace::labeler {
namespace {

using testing::Contains;

std::string GbkToUtf8(const std::string& gbk) {
  iconv_t cd = iconv_open("UTF-8", "GBK");
  REQUIRE(cd != reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1)));
  std::string out(gbk.size() * 3 + 4, '\0');
  char* in = const_cast<char*>(gbk.data());
  size_t in_left = gbk.size(), out_left = out.size();
  char* dst = out.data();
  const size_t rc = iconv(cd, &in, &in_left, &dst, &out_left);
  iconv_close(cd);
  REQUIRE(rc != static_cast<size_t>(-1));
  out.resize(out.size() - out_left);
  return out;
}

std::vector<std::string> Lines(const std::string& tspl) {
  std::vector<std::string> lines;
  size_t at = 0;
  for (size_t end = tspl.find("\r\n"); end != std::string::npos; end = tspl.find("\r\n", at)) {
    lines.push_back(tspl.substr(at, end - at));
    at = end + 2;
  }
  CHECK(at == tspl.size());  // nothing after the last CRLF
  return lines;
}

TEST_CASE("TSPL: setup once, then CLS, QRCODE, TEXT in GBK, PRINT per label", "[tspl_renderer]") {
  std::ostringstream out;
  RenderOptions options;
  options.label = {60, 40, 203};
  options.copies = 2;
  TsplRenderer r(options, &out);
  REQUIRE(r.Begin().ok());
  const std::vector<LabelContent> labels = testing::SampleLabels(70);
  for (const LabelContent& l : labels) REQUIRE(r.Add(l).ok());
  REQUIRE(r.Finish().ok());
  const std::string tspl = out.str();
  // CRLF line ends only.
  for (size_t i = 0; i < tspl.size(); ++i)
    if (tspl[i] == '\n') REQUIRE((i > 0 && tspl[i - 1] == '\r'));
  const std::vector<std::string> lines = Lines(tspl);
  REQUIRE(lines.size() > 3);
  CHECK(lines[0] == "SIZE 60 mm,40 mm");
  CHECK(lines[1] == "GAP 2 mm,0 mm");
  CHECK(lines[2] == "DIRECTION 1");

  const std::regex qr_re(R"re(QRCODE (\d+),(\d+),([LMQH]),(\d+),M,0,M2,S7,"A([^"]*)")re");
  const std::regex text_re(R"re(TEXT (\d+),(\d+),"TSS24\.BF2",0,(\d+),(\d+),"(.*)")re");
  const long w = std::lround(60 * 203 / 25.4), h = std::lround(40 * 203 / 25.4);
  size_t label = 0;
  std::vector<std::string> texts;
  for (size_t i = 3; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    std::smatch m;
    if (line == "CLS") {
      texts.clear();
    } else if (std::regex_match(line, m, qr_re)) {
      REQUIRE(label < labels.size());
      CHECK(m[5] == labels[label].qr_text);
      CHECK(m[3] == "M");
      const long cell = std::stol(m[4]);
      CHECK(cell >= 4);
      Result<QrCode> qr = QrCode::EncodeSingleMode(m[5].str(), EccLevel::kM);
      REQUIRE(qr.ok());
      const long side = qr->width() * cell, x = std::stol(m[1]), y = std::stol(m[2]);
      CHECK(x - 4 * cell >= 0);
      CHECK(y - 4 * cell >= 0);
      CHECK(x + side + 4 * cell <= w);
      CHECK(y + side + 4 * cell <= h);
      if (label % 30 == 0) {
        CHECK(testing::DecodeOne(testing::RasterizeQr(*qr, 4)) == labels[label].qr_text);
      }
    } else if (std::regex_match(line, m, text_re)) {
      const long x = std::stol(m[1]), y = std::stol(m[2]), mult = std::stol(m[3]);
      CHECK(m[3] == m[4]);
      const std::string utf8 = GbkToUtf8(m[5]);
      texts.push_back(utf8);
      // The text's cells stay on the label: an ASCII byte is a 12-dot half cell, a GBK
      // character two bytes and a 24-dot cell, so every byte is 12 dots wide.
      const long half_cells = static_cast<long>(m[5].length());
      CHECK(x + half_cells * 12 * mult <= w);
      CHECK(y + 24 * mult <= h);
    } else if (line == "PRINT 1,2") {
      CHECK(std::find(texts.begin(), texts.end(), "白沙绿茶") != texts.end());
      CHECK(std::find(texts.begin(), texts.end(), "扫码验真") != texts.end());
      CHECK(std::find(texts.begin(), texts.end(), labels[label].code_display) != texts.end());
      ++label;
    } else {
      FAIL("unexpected line: " << line);
    }
  }
  CHECK(label == labels.size());
}

TEST_CASE("TSPL: each organic unit's label prints its 有机码 in the printer's font",
          "[tspl_renderer]") {
  std::ostringstream out;
  RenderOptions options;
  options.label = {50, 30, 203};
  TsplRenderer r(options, &out);
  REQUIRE(r.Begin().ok());
  const std::vector<LabelContent> labels = testing::SampleOrganicLabels(5);
  for (const LabelContent& l : labels) REQUIRE(r.Add(l).ok());
  REQUIRE(r.Finish().ok());
  // In each label (CLS … PRINT), one TEXT line with that unit's code, in GBK, whole.
  const std::regex text_re(R"re(^TEXT (\d+),(\d+),"TSS24\.BF2",0,(\d+),(\d+),"(.*)"$)re");
  size_t label = 0;
  int found = 0;
  for (const std::string& line : Lines(out.str())) {
    if (line.rfind("PRINT ", 0) == 0) {
      CHECK(found == 1);
      ++label;
      found = 0;
    }
    std::smatch m;
    if (!std::regex_match(line, m, text_re)) continue;
    const std::string text = GbkToUtf8(m[5]);
    if (text.rfind("有机码 ", 0) != 0) continue;
    REQUIRE(label < labels.size());
    CHECK(text == "有机码 " + labels[label].organic_code);
    CHECK(std::stoi(m[1]) == 8);  // the band starts at the margin, 1 mm
    ++found;
  }
  CHECK(label == labels.size());
}

TEST_CASE("TSPL: refuses sheets", "[tspl_renderer]") {
  std::ostringstream out;
  RenderOptions options;
  options.sheet = SheetGrid{2, 2};
  TsplRenderer r(options, &out);
  CHECK(r.Begin().code() == StatusCode::kInvalid);
}

TEST_CASE("GBK: Chinese converts to GBK bytes, unknown characters to '?'", "[gbk]") {
  GbkConverter gbk;
  Result<std::string> tea = gbk.Convert("白沙绿茶 A1");
  REQUIRE(tea.ok());
  CHECK(*tea == "\xB0\xD7\xC9\xB3\xC2\xCC\xB2\xE8 A1");
  Result<std::string> emoji = gbk.Convert("茶\xF0\x9F\x8D\xB5好");  // 茶🍵好
  REQUIRE(emoji.ok());
  CHECK(*emoji == "\xB2\xE8?\xBA\xC3");
  Result<std::string> broken = gbk.Convert(
      "a\xFF"
      "b");
  REQUIRE(broken.ok());
  CHECK(*broken == "a?b");
}

}  // namespace
}  // namespace agritrace::labeler
