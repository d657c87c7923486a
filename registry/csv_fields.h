// The fields of one line of a spreadsheet export: RFC 4180 quoting within the line, and the
// yes/no flags people type (是/否, 1/0, yes/no, Y/N). Shared by the region and household imports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agritrace {

// Splits on `sep` (',' for CSV, '\t' for cells pasted from a spreadsheet); a field in double
// quotes may hold the separator and "" for a quote. Spaces and tabs around each field go.
std::vector<std::string> SplitCsvLine(const std::string& line, char sep = ',');
// 1 for 1/true/yes/是/Y, 0 for empty/0/false/no/否/N (ASCII words in any case), -1 otherwise.
int ParseFlag(const std::string& value);
// Strict UTF-8: no stray continuation byte, overlong form, surrogate or code point past U+10FFFF.
bool IsUtf8(std::string_view s);

}  // namespace agritrace
