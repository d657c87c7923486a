// The consumer page (DESIGN.md §7): server-rendered HTML, Chinese by default, under 30 KB,
// inline CSS, no scripts and no external requests, readable on a 360 px screen. One status
// banner first, then product, producer, village, certifications, brand, dates, inspections,
// trace timeline, registered-poverty share and the signature check. Every stored text value
// goes through HtmlEscape.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/http/language.h"
#include "http/verify_service.h"

namespace agritrace::http {

std::string RenderConsumerPage(const Verdict& v, Lang lang);

// The parts of a lot's page that are the same for every scan of it: `head` runs from the product
// section's first row to the lot code, `tail` from after the unit's own rows to the end. Rendered
// once per lot load into LotLookup::rendered (lot_cache.cpp); RenderConsumerPage uses them when
// set and renders them itself otherwise.
struct LotPageParts {
  std::string head, tail;
};
LotPageParts RenderLotPageParts(const LotLookup& lot, Lang lang);

// The HTTP status the page is sent with: 200 for a registered code, 404 unknown, 400 mistyped.
int ConsumerPageStatus(const Verdict& v);

// The page's opening up to <main>, with the consumer pages' inline style: the other public pages
// (the 合格证 page, http/hgz_page.h) look the same.
void ConsumerPageHead(std::string& out, Lang lang, const std::string& title);
// The closing links (language, manual entry) and </html>.
void ConsumerPageFooter(std::string& out, Lang lang);

// The home page: a manual-entry form (GET /lookup?code=…) for codes typed from the label.
std::string RenderHomePage(Lang lang);

// "1.25 kg" / "250 g" (English), "1.25 千克" / "250 克" (Chinese), integer arithmetic only.
std::string FormatGrams(int64_t grams, Lang lang);
// Share of `part` in `whole` as a percentage with one decimal, e.g. "60.0%"; "—" if whole <= 0.
std::string FormatPercent(int64_t part, int64_t whole);

}  // namespace agritrace::http
