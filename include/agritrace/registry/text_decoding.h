// The text of a file a user saved from a spreadsheet program: UTF-8 with or without a byte order
// mark, or GB18030 (a superset of GBK, what Excel on Chinese Windows writes for "CSV"), told
// apart without a flag. Decoding goes through glibc iconv, which the labeler already uses for
// GBK (labeler/gbk.h): it knows all of GB18030 with its four-byte ranges, a table we would
// otherwise have to carry and keep right ourselves.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace {

// Strict UTF-8: no stray continuation byte, overlong form, surrogate or code point past U+10FFFF.
bool IsUtf8(std::string_view s);
// The length of the longest strictly valid UTF-8 prefix of `s` (s.size() when all of it is).
size_t Utf8ValidPrefix(std::string_view s);
// Appends the UTF-8 form of code point `cp` to `*out` (the labeler and the xlsx reader share it).
void AppendUtf8(char32_t cp, std::string* out);

// `bytes` as UTF-8 text without a byte order mark. Valid UTF-8 is taken as UTF-8, except text
// whose only non-ASCII characters are two-byte ones (U+0080–U+07FF: Latin accents, Greek,
// Cyrillic, Hebrew…) that also reads as GB18030: short GBK Chinese ("山水" is C9 BD CB AE) is
// often valid UTF-8 of that kind, while Chinese in UTF-8 takes three bytes a character.
// Anything else is decoded as GB18030. Refused (Status::Invalid, reason "text-encoding", message
// starting "第 N 行" / "line N"): bytes that are neither, and UTF-16 (Excel's "Unicode text"),
// which it names.
Result<std::string> DecodeSpreadsheetText(std::string_view bytes);

}  // namespace agritrace
