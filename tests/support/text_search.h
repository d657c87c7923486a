// Looking for text in what a test got back (pages, SVG, printer languages, CSV).
#pragma once

#include <cstddef>
#include <string>

namespace agritrace::testing {

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Non-overlapping occurrences of `needle`.
inline size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

}  // namespace agritrace::testing
