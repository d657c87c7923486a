#include "labeler/text_writer.h"

#include <charconv>
#include <cmath>

namespace agritrace::labeler {

void AppendInt(std::string* out, long long v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

void AppendDecimal(std::string* out, double v, int places) {
  static constexpr long long kScale[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
  const long long scale = kScale[places];
  long long units = std::llround(v * scale);
  if (units < 0) {
    out->push_back('-');
    units = -units;
  }
  AppendInt(out, units / scale);
  long long frac = units % scale;
  if (frac == 0) return;
  char digits[8];
  for (int i = places - 1; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
  int len = places;
  while (digits[len - 1] == '0') --len;
  out->push_back('.');
  out->append(digits, len);
}

void AppendXmlEscaped(std::string* out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      case '\'':
        out->append("&#39;");
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace agritrace::labeler
