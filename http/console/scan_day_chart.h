// A lot's scans per day as an inline SVG bar chart (server-rendered, no scripts): one bar per
// Shanghai day of the window, empty days included, each with a <title> a pointer or a screen
// reader shows; the tallest bar's count is written beside the axis.
#pragma once

#include <string>
#include <vector>

#include "agritrace/http/language.h"
#include "agritrace/registry/scan_store.h"

namespace agritrace::http {

// `counts` (ScansPerDayOfLot) over the `days` days from `first_day` (YYYY-MM-DD) on; counts
// outside the window are left out.
std::string ScanDayChartSvg(const std::vector<DayCount>& counts, const std::string& first_day,
                            int days, Lang lang);

}  // namespace agritrace::http
