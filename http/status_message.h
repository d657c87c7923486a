// What the status banner says (DESIGN.md §7), in the words Chinese consumers know from scan
// labels: "正品 · 首次查询", "已被查询 n 次，首次查询时间 …（北京时间），如非本人查询请谨防假冒",
// "未查询到此码，谨防假冒" … The page and the JSON API say the same thing. Plain text: the
// caller escapes it for HTML.
#pragma once

#include <string>

#include "agritrace/http/language.h"
#include "http/verify_service.h"

namespace agritrace::http {

struct StatusMessage {
  std::string headline;
  std::string detail;
};

StatusMessage MessageFor(const Verdict& v, Lang lang);

// "此码已被查询 n 次，首次查询时间 …（北京时间）": the scan history as a side note, for pages
// whose banner speaks of something else (a recall, a certificate). Empty when not relevant.
std::string ScanNote(const Verdict& v, Lang lang);
// serve --read-only: says that this scan was not recorded and the counts are the stored ones
// (empty for a recorded scan).
std::string ReadOnlyNote(const Verdict& v, Lang lang);

}  // namespace agritrace::http
