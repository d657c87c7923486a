#include "http/output_chart.h"

#include <algorithm>
#include <cstdint>

#include "http/html_escape.h"

namespace agritrace::http {
namespace {

// Scaled to the screen: about 0.8:1 on a 360 px phone, at most 600 px wide (.chart in the page).
constexpr int kWidth = 400;
constexpr int kBarMax = 260;  // the longest bar; values are written after the bars
constexpr int kRowHeight = 74;
constexpr int kTop = 30;  // room for the legend

// "5001.250" (a report's kilograms, three decimals) as grams; -1 when absent.
int64_t Grams(const Json& kg) {
  if (!kg.is_string()) return -1;
  const std::string s = kg.get<std::string>();
  int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool dot = false;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9' && whole < (int64_t{1} << 50)) {
      if (!dot) {
        whole = whole * 10 + (c - '0');
      } else if (frac_digits < 3) {
        frac = frac * 10 + (c - '0');
        ++frac_digits;
      }
    } else {
      return -1;
    }
  }
  for (; frac_digits < 3; ++frac_digits) frac *= 10;
  return whole * 1000 + frac;
}

std::string Text(const Json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "";
}

bool Flag(const Json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_boolean() && it->get<bool>();
}

// Integer widths: no floating point, and a non-zero value never draws as nothing.
int BarWidth(int64_t grams, int64_t max_grams) {
  if (grams <= 0 || max_grams <= 0) return 0;
  return static_cast<int>(std::max<int64_t>(1, grams * kBarMax / max_grams));
}

std::string Rect(const char* cls, int y, int width, const char* fill, const std::string& title) {
  return "<rect class=\"bar " + std::string(cls) + "\" x=\"0\" y=\"" + std::to_string(y) +
         "\" width=\"" + std::to_string(width) + "\" height=\"14\" fill=\"" + fill + "\"><title>" +
         HtmlEscape(title) + "</title></rect>";
}

std::string Label(int x, int y, const std::string& text, const char* extra = "") {
  return "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\"" + extra + ">" +
         HtmlEscape(text) + "</text>";
}

}  // namespace

std::string OutputChartSvg(const Report& report) {
  int64_t max_grams = 0;
  for (const auto& row : report.rows)
    max_grams = std::max({max_grams, Grams(row.value("labelled_kg", Json())),
                          Grams(row.value("certified_kg", Json()))});
  const int height = kTop + kRowHeight * static_cast<int>(report.rows.size()) + 4;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"" +
                    HtmlEscape("贴标量与核定年产量（公斤） / kilograms labelled vs certified") +
                    "\" font-size=\"14\" font-family=\"system-ui,sans-serif\">";
  // Legend.
  out += "<rect x=\"0\" y=\"4\" width=\"12\" height=\"12\" fill=\"#2e7d32\"/>" +
         Label(16, 15, "贴标 labelled") +
         "<rect x=\"120\" y=\"4\" width=\"12\" height=\"12\" fill=\"#c62828\"/>" +
         Label(136, 15, "超产 over output") +
         "<rect x=\"270\" y=\"4\" width=\"12\" height=\"12\" fill=\"#90a4ae\"/>" +
         Label(286, 15, "核定 certified");
  int y = kTop;
  for (const auto& row : report.rows) {
    const std::string number = Text(row, "number");
    const bool over = Flag(row, "over_output");
    const bool soon = Flag(row, "expiring_soon");
    const int64_t labelled = Grams(row.value("labelled_kg", Json()));
    const int64_t certified = Grams(row.value("certified_kg", Json()));
    out += "<g class=\"cert" + std::string(over ? " over" : "") + (soon ? " expiring" : "") + "\">";
    out += Label(0, y + 13, number + " " + Text(row, "type"), " font-weight=\"bold\"");
    std::string flags;
    if (over) flags = "超产 / over output";
    if (soon) {
      auto days = row.find("days_to_expiry");
      std::string d = days != row.end() && days->is_number_integer() ? days->dump() : "?";
      flags += (flags.empty() ? "" : " · ") + ("⚠ " + d + " 天后到期 / expires in " + d + " days");
    }
    if (!flags.empty())
      out += Label(0, y + 28, flags, over ? " fill=\"#c62828\"" : " fill=\"#a85d00\"");
    const std::string labelled_kg = labelled < 0 ? "0.000" : Text(row, "labelled_kg");
    const int lw = BarWidth(labelled, max_grams);
    out += Rect("labelled", y + 34, lw, over ? "#c62828" : "#2e7d32",
                "贴标 / labelled " + labelled_kg + " kg");
    out += Label(lw + 4, y + 46, labelled_kg + " kg");
    const int cw = BarWidth(certified, max_grams);
    const std::string certified_text =
        certified < 0 ? "未核定产量 / no certified output" : Text(row, "certified_kg") + " kg";
    out += Rect("certified", y + 52, cw, "#90a4ae", "核定 / certified " + certified_text);
    out += Label(cw + 4, y + 64, certified_text, " fill=\"#5b6358\"");
    out += "</g>";
    y += kRowHeight;
  }
  return out + "</svg>";
}

}  // namespace agritrace::http
