// Pieces the console's list pages share: table cells labelled for the phone layout, the ?page=
// parameter and the pager beneath a list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "agritrace/http/language.h"
#include "agritrace/registry/users.h"

namespace agritrace::http {

inline constexpr int64_t kMaxConsolePage = 1'000'000;

// ?page=N, 1-based: digits only, 1..kMaxConsolePage ("" is page 1). nullopt for anything else.
std::optional<int64_t> ParsePageNumber(const std::string& text);
// The ErrorBox of a page number ParsePageNumber refused.
std::string BadPageBox(Lang lang);
// A table cell labelled for the phone layout (console_look.cpp: table.cards); `html` is trusted.
std::string CardCell(const std::string& heading, const std::string& html, bool number = false);
// "← newer · page n / m · older →" for `path` (which may hold a query already escaped for HTML,
// e.g. "/console/orgs?q=%E8%8C%B6"); nothing when everything fits one page. `pages` >= 1.
std::string Pager(Lang lang, const std::string& path, int64_t page, int64_t pages,
                  std::string_view newer_zh = "← 上一页", std::string_view newer_en = "← Previous",
                  std::string_view older_zh = "下一页 →", std::string_view older_en = "Next →");
// How many pages `total` rows fill at `per_page` a page (at least 1).
int64_t PageCount(int64_t total, int64_t per_page);
// The offset of page `page` (1-based), 0 when it would overflow.
int64_t PageOffset(int64_t page, int64_t per_page);

// A refused registry call on a form page: its message as an ErrorBox, and the HTTP status
// (422 for bad input and anything a form names that is not there, 409 for a conflict).
std::string StatusBox(Lang lang, const Status& st);
int RefusalHttp(const Status& st);

}  // namespace agritrace::http
