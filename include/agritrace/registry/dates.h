// Calendar dates (YYYY-MM-DD) and RFC 3339 UTC timestamps. "Today" is the date in
// Asia/Shanghai (UTC+8, no daylight saving), the clerk's and the auditor's calendar.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace {

// A checked calendar date; compares as text because the format is fixed-width.
Result<std::string> ParseDate(std::string_view text, std::string_view field_zh,
                              std::string_view field_en);
std::string TodayShanghai();
std::string NowUtc();  // 2026-11-22T05:00:00Z
// Checks an RFC 3339 timestamp and returns it in UTC ("Z"); accepts a bare date as 00:00 +08:00.
Result<std::string> ParseTimestamp(std::string_view text);
// Date `years` later, minus one day: the last valid day of a certificate valid for `years`.
std::string ValidityEnd(const std::string& from, int years);
// `date` moved by `n` days (negative: earlier).
std::string AddDays(const std::string& date, long n);
// Days from `a` to `b` (b - a).
long DaysBetween(const std::string& a, const std::string& b);
// "2026-11-22T13:00" in Asia/Shanghai for an RFC 3339 UTC timestamp, for pages.
std::string ShanghaiTime(const std::string& utc);

}  // namespace agritrace
