// The labelled-vs-certified chart: bar lengths in proportion, over output red, no limit drawn as
// a zero-width bar with words, every text escaped.
#include "http/output_chart.h"

#include <catch2/catch.hpp>
#include <regex>

using namespace agritrace;

namespace {

// The width of the n-th rect of class `cls`.
int WidthOf(const std::string& svg, const std::string& cls, int n) {
  std::regex re("<rect class=\"bar " + cls + "\" x=\"0\" y=\"\\d+\" width=\"(\\d+)\"");
  auto it = std::sregex_iterator(svg.begin(), svg.end(), re);
  for (int i = 0; i < n && it != std::sregex_iterator(); ++i) ++it;
  REQUIRE(it != std::sregex_iterator());
  return std::stoi((*it)[1]);
}

Json Row(const std::string& number, Json labelled, Json certified, bool over, bool soon = false) {
  return {{"number", number},          {"type", "green-food"}, {"labelled_kg", labelled},
          {"certified_kg", certified}, {"over_output", over},  {"expiring_soon", soon},
          {"days_to_expiry", 12}};
}

}  // namespace

TEST_CASE("output chart: bars in proportion, over output red, no limit said", "[chart]") {
  Report r{"t", "t", {}, Json::array()};
  r.rows.push_back(Row("A", "500.000", "1000.000", false));
  r.rows.push_back(Row("B", "1300.500", "1000.000", true, true));
  r.rows.push_back(Row("<C&\"x\">", "0.000", nullptr, false));
  const std::string svg = http::OutputChartSvg(r);
  CHECK(svg.rfind("<svg ", 0) == 0);
  CHECK(svg.size() - svg.rfind("</svg>") == 6);
  // The longest value (B's 1300.5 kg) takes the full 260 units.
  CHECK(WidthOf(svg, "labelled", 1) == 260);
  CHECK(WidthOf(svg, "labelled", 0) == 500000 * 260 / 1300500);
  CHECK(WidthOf(svg, "certified", 0) == 1000000 * 260 / 1300500);
  CHECK(WidthOf(svg, "labelled", 2) == 0);
  CHECK(WidthOf(svg, "certified", 2) == 0);
  CHECK(svg.find("<g class=\"cert over expiring\">") != std::string::npos);
  const size_t b = svg.find("<g class=\"cert over expiring\">");
  CHECK(svg.find("fill=\"#c62828\"", b) < svg.find("</g>", b));
  CHECK(svg.find("⚠ 12 天后到期 / expires in 12 days") != std::string::npos);
  CHECK(svg.find("未核定产量 / no certified output") != std::string::npos);
  CHECK(svg.find("&lt;C&amp;&quot;x&quot;&gt;") != std::string::npos);
  CHECK(svg.find("<C&") == std::string::npos);
  // Nothing to draw: a legend and no bars.
  Report empty{"t", "t", {}, Json::array()};
  CHECK(http::OutputChartSvg(empty).find("class=\"bar") == std::string::npos);
}
