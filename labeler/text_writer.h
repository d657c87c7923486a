// Small text-building helpers shared by the text formats (SVG, ZPL, TSPL): numbers without
// locale or allocation, XML escaping.
#pragma once

#include <string>
#include <string_view>

namespace agritrace::labeler {

void AppendInt(std::string* out, long long v);
// Fixed point with up to 3 decimals, trailing zeros dropped ("12.5", "3", "0.125").
void AppendMm(std::string* out, double v);
// Escapes & < > " ' for element content and quoted attributes.
void AppendXmlEscaped(std::string* out, std::string_view text);

}  // namespace agritrace::labeler
