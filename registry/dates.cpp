#include "agritrace/registry/dates.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace agritrace {
namespace {
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

bool ParseYmd(std::string_view t, year_month_day* out) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (t[i] < '0' || t[i] > '9') return false;
  int y = std::stoi(std::string(t.substr(0, 4)));
  unsigned m = std::stoi(std::string(t.substr(5, 2)));
  unsigned d = std::stoi(std::string(t.substr(8, 2)));
  *out = year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  return out->ok();
}

std::string Format(year_month_day ymd) {
  char buf[16];
  snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
           unsigned(ymd.day()));
  return buf;
}

std::string FormatTime(std::time_t t, const char* fmt) {
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}
}  // namespace

Result<std::string> ParseDate(std::string_view text, std::string_view field_zh,
                              std::string_view field_en) {
  year_month_day ymd;
  if (!ParseYmd(text, &ymd))
    return Status::Invalid(std::string(field_zh) + "不是有效日期（格式 YYYY-MM-DD，例如 2026-04-10）：" +
                               std::string(text),
                           std::string(field_en) +
                               " is not a valid date (YYYY-MM-DD, e.g. 2026-04-10): " +
                               std::string(text))
        .with_reason("date-format");
  return Format(ymd);
}

std::string TodayShanghai() {
  return FormatTime(std::time(nullptr) + 8 * 3600, "%Y-%m-%d");
}

std::string NowUtc() {
  // Every scan is stamped: format once a second per thread, not once a call.
  thread_local std::time_t last = -1;
  thread_local std::string text;
  std::time_t now = std::time(nullptr);
  if (now != last) {
    text = FormatTime(now, "%Y-%m-%dT%H:%M:%SZ");
    last = now;
  }
  return text;
}

Result<std::string> ParseTimestamp(std::string_view text) {
  std::string t(text);
  year_month_day ymd;
  // Built only on failure: pages format every first-scan time through here.
  auto bad = [&t] {
    return Status::Invalid("时间格式应为 RFC 3339，例如 2026-04-10T08:30:00+08:00：" + t,
                           "time must be RFC 3339, e.g. 2026-04-10T08:30:00+08:00: " + t)
        .with_reason("time-format");
  };
  if (t.size() == 10) t += "T00:00:00+08:00";
  if (t.size() < 20 || !ParseYmd(std::string_view(t).substr(0, 10), &ymd) ||
      (t[10] != 'T' && t[10] != 't' && t[10] != ' '))
    return bad();
  int hh, mm, ss;
  if (sscanf(t.c_str() + 11, "%2d:%2d:%2d", &hh, &mm, &ss) != 3 || t[13] != ':' || t[16] != ':' ||
      hh > 23 || mm > 59 || ss > 60)
    return bad();
  size_t p = 19;
  if (p < t.size() && t[p] == '.') {  // fractional seconds are dropped
    ++p;
    while (p < t.size() && t[p] >= '0' && t[p] <= '9') ++p;
  }
  long offset = 0;
  std::string zone = t.substr(p);
  if (zone == "Z" || zone == "z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh, om;
    if (sscanf(zone.c_str() + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59) return bad();
    offset = (oh * 3600L + om * 60L) * (zone[0] == '+' ? 1 : -1);
  } else {
    return bad();
  }
  long secs = sys_days(ymd).time_since_epoch().count() * 86400L + hh * 3600L + mm * 60L + ss -
              offset;
  return FormatTime(static_cast<std::time_t>(secs), "%Y-%m-%dT%H:%M:%SZ");
}

std::string ValidityEnd(const std::string& from, int years) {
  year_month_day ymd;
  ParseYmd(from, &ymd);
  year_month_day later = ymd + std::chrono::years{years};
  if (!later.ok()) later = later.year() / later.month() / std::chrono::last;  // 29 Feb
  return Format(year_month_day{sys_days(later) - days{1}});
}

std::string AddDays(const std::string& date, long n) {
  year_month_day ymd;
  ParseYmd(date, &ymd);
  return Format(year_month_day{sys_days(ymd) + days{n}});
}

long DaysBetween(const std::string& a, const std::string& b) {
  year_month_day x, y;
  ParseYmd(a, &x);
  ParseYmd(b, &y);
  return (sys_days(y) - sys_days(x)).count();
}

namespace {

// The digits at t[at, at+n) as a number, or -1 when one is not a digit.
int Digits(std::string_view t, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (t[i] < '0' || t[i] > '9') return -1;
    v = v * 10 + (t[i] - '0');
  }
  return v;
}

void Put(std::string& out, int v, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  out.append(buf, static_cast<size_t>(width));
}

}  // namespace

std::string ShanghaiTime(const std::string& utc) {
  // The form every stored time has (NowUtc): YYYY-MM-DDTHH:MM:SSZ. Pages show one per scan, so
  // it is converted with integer arithmetic; any other RFC 3339 form takes the general path.
  if (utc.size() == 20 && utc[4] == '-' && utc[7] == '-' && utc[10] == 'T' && utc[13] == ':' &&
      utc[16] == ':' && utc[19] == 'Z') {
    int y = Digits(utc, 0, 4), mo = Digits(utc, 5, 2), d = Digits(utc, 8, 2);
    int hh = Digits(utc, 11, 2), mm = Digits(utc, 14, 2);
    year_month_day ymd{std::chrono::year{y}, std::chrono::month(static_cast<unsigned>(mo)),
                       std::chrono::day(static_cast<unsigned>(d))};
    if (y >= 0 && mo >= 0 && d >= 0 && hh >= 0 && hh < 24 && mm >= 0 && mm < 60 && ymd.ok()) {
      hh += 8;
      if (hh >= 24) {
        hh -= 24;
        ymd = year_month_day{sys_days(ymd) + days(1)};
      }
      std::string out;
      out.reserve(16);
      Put(out, int(ymd.year()), 4);
      out.push_back('-');
      Put(out, static_cast<int>(unsigned(ymd.month())), 2);
      out.push_back('-');
      Put(out, static_cast<int>(unsigned(ymd.day())), 2);
      out.push_back(' ');
      Put(out, hh, 2);
      out.push_back(':');
      Put(out, mm, 2);
      return out;
    }
  }
  auto parsed = ParseTimestamp(utc);
  if (!parsed.ok()) return utc;
  year_month_day ymd;
  ParseYmd(parsed->substr(0, 10), &ymd);
  int hh = std::stoi(parsed->substr(11, 2)), mm = std::stoi(parsed->substr(14, 2));
  long secs = sys_days(ymd).time_since_epoch().count() * 86400L + hh * 3600L + mm * 60L + 8 * 3600;
  return FormatTime(static_cast<std::time_t>(secs), "%Y-%m-%d %H:%M");
}

}  // namespace agritrace
