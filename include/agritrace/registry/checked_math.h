// Overflow-safe arithmetic for sizes and counts that come from outside (CLI flags, API bodies,
// query parameters): each limit is checked on a result that is known to be exact.
#pragma once

#include <cstdint>
#include <optional>

namespace agritrace {

// a + b, or nullopt when it does not fit in int64.
inline std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// a * b, or nullopt when it does not fit in int64.
inline std::optional<int64_t> CheckedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// True when a + b fits in int64 and is at most `limit`.
inline bool SumWithin(int64_t a, int64_t b, int64_t limit) {
  auto r = CheckedAdd(a, b);
  return r && *r <= limit;
}

// True when a * b fits in int64 and is at most `limit`.
inline bool ProductWithin(int64_t a, int64_t b, int64_t limit) {
  auto r = CheckedMul(a, b);
  return r && *r <= limit;
}

}  // namespace agritrace
