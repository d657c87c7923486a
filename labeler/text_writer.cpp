#include "labeler/text_writer.h"

#include <charconv>
#include <cmath>

namespace agritrace::labeler {

void AppendInt(std::string* out, long long v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

void AppendMm(std::string* out, double v) {
  long long thousandths = std::llround(v * 1000);
  if (thousandths < 0) {
    out->push_back('-');
    thousandths = -thousandths;
  }
  AppendInt(out, thousandths / 1000);
  int frac = static_cast<int>(thousandths % 1000);
  if (frac == 0) return;
  char digits[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                    static_cast<char>('0' + frac % 10), 0};
  int len = 3;
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
