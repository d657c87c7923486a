// UTF-8 walking for text fitting and printer encodings. Invalid bytes decode as U+FFFD one byte
// at a time, so a malformed name is drawn as replacement marks instead of being refused.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "agritrace/registry/text_decoding.h"

namespace agritrace::labeler {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at `*pos` and advances `*pos` past it.
// Requires *pos < text.size().
char32_t NextCodePoint(std::string_view text, size_t* pos);

// Appends the UTF-8 form of `cp` to `*out`.
using agritrace::AppendUtf8;

}  // namespace agritrace::labeler
