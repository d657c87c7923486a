#include "http/console/scan_day_chart.h"

#include <algorithm>
#include <map>

#include "agritrace/registry/dates.h"
#include "http/html_escape.h"

namespace agritrace::http {

std::string ScanDayChartSvg(const std::vector<DayCount>& counts, const std::string& first_day,
                            int days, Lang lang) {
  std::map<std::string, int64_t> by_day;
  for (const auto& c : counts) by_day[c.day] = c.count;
  int64_t top = 0;
  for (int i = 0; i < days; ++i) top = std::max(top, by_day[AddDays(first_day, i)]);
  // Bars in a 600 × 160 box scaled to the page's width; 30 px left for the axis label.
  constexpr int kWidth = 600, kHeight = 160, kLeft = 34, kBottom = 20;
  const int plot_w = kWidth - kLeft, plot_h = kHeight - kBottom - 8;
  const double step = static_cast<double>(plot_w) / std::max(days, 1);
  const bool zh = lang == Lang::kZh;
  std::string out = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 " + std::to_string(kWidth) +
                    " " + std::to_string(kHeight) +
                    "\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" aria-label=\"" +
                    (zh ? "每日扫码次数" : "Scans per day") + "\">";
  out += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(kHeight - kBottom) +
         "\" x2=\"" + std::to_string(kWidth) + "\" y2=\"" + std::to_string(kHeight - kBottom) +
         "\" stroke=\"#9aa396\"/>";
  out += "<text x=\"" + std::to_string(kLeft - 4) +
         "\" y=\"14\" text-anchor=\"end\" font-size=\"12\" fill=\"#5b6358\">" +
         std::to_string(top) + "</text>";
  for (int i = 0; i < days; ++i) {
    const std::string day = AddDays(first_day, i);
    const int64_t n = by_day[day];
    const int h = top > 0 ? static_cast<int>(n * plot_h / top) : 0;
    const double x = kLeft + i * step + 1;
    char geom[96];
    std::snprintf(geom, sizeof geom, "x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"", x,
                  kHeight - kBottom - h, std::max(step - 2, 1.0), h);
    out += "<rect class=\"day\" data-day=\"" + day + "\" data-scans=\"" + std::to_string(n) +
           "\" " + geom + " fill=\"#1c7a35\"><title>" + HtmlEscape(day) + (zh ? "：" : ": ") +
           std::to_string(n) + (zh ? " 次" : " scans") + "</title></rect>";
  }
  // The first and last day under the axis.
  out += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kHeight - 4) +
         "\" font-size=\"12\" fill=\"#5b6358\">" + HtmlEscape(first_day.substr(5)) + "</text>";
  out += "<text x=\"" + std::to_string(kWidth) + "\" y=\"" + std::to_string(kHeight - 4) +
         "\" text-anchor=\"end\" font-size=\"12\" fill=\"#5b6358\">" +
         HtmlEscape(AddDays(first_day, days - 1).substr(5)) + "</text>";
  return out + "</svg>";
}

}  // namespace agritrace::http
