// Every value placed in a page goes through HtmlEscape (DESIGN.md §9).
#pragma once

#include <string>
#include <string_view>

namespace agritrace::http {

// Escapes & < > " ' so that text is safe in element content and quoted attributes.
std::string HtmlEscape(std::string_view text);

}  // namespace agritrace::http
