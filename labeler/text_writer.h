// Small text-building helpers shared by the text formats (SVG, ZPL, TSPL, PDF content): numbers
// without locale or allocation, XML escaping.
#pragma once

#include <string>
#include <string_view>

namespace agritrace::labeler {

void AppendInt(std::string* out, long long v);
// Fixed point with up to `places` (0 … 6) decimals, trailing zeros dropped ("12.5", "3").
void AppendDecimal(std::string* out, double v, int places);
// Millimetres to the micrometre: AppendDecimal with 3 places ("12.5", "3", "0.125").
inline void AppendMm(std::string* out, double v) { AppendDecimal(out, v, 3); }
// Escapes & < > " ' for element content and quoted attributes.
void AppendXmlEscaped(std::string* out, std::string_view text);

}  // namespace agritrace::labeler
