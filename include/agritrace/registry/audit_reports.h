// The agriculture bureau's reports (audit certs|refusals|scans|poverty|monthly|hgz). Each report is
// a table: named columns and rows of JSON values, printable as JSON, CSV or text.
#pragma once

#include <string>
#include <vector>

#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/store.h"

namespace agritrace {

struct Report {
  std::string title_zh, title_en;
  std::vector<std::string> columns;
  Json rows = Json::array();  // objects keyed by column
  int64_t total_rows = -1;     // rows in all when `rows` holds only the first ones, else -1
};

// Per certificate: this calendar year's lots and kilograms issued and labelled (unit codes
// minted) against the certified annual output; status; days to expiry, flagged within 60 days.
// `holder_org_id` > 0: only that organisation's certificates (a console home's alerts).
Report CertificateReport(Store& store, const std::string& year, int64_t holder_org_id = 0);
// Lot issues refused by the rules, newest first.
Report RefusalReport(Store& store);
// Unit codes scanned more than `threshold` times or from more than `networks` networks, the
// most scanned first (registry/copied_codes.h). `org_id` > 0: only that organisation's lots.
// `limit` > 0 keeps that many rows and sets total_rows.
Report CopiedCodeReport(Store& store, const std::string& lot_code, int threshold, int networks,
                        int64_t org_id = 0, size_t limit = 0, ScanTail tail = ScanTail::kRead);
// Lookups of codes the registry never issued or that are no codes (forgery attempts), by UTC
// day: counted per network per day, so `networks` is how many networks tried that day.
Report UnknownScanReport(Store& store);
// Per origin region and brand: household kilograms and the share from registered-poor households.
Report PovertyReport(Store& store);
// The service stations' monthly report per origin region: lots, units, kilograms, products, and
// scans of the region's lot and unit codes in the month (Beijing time).
Report MonthlyReport(Store& store, const std::string& month, ScanTail tail = ScanTail::kRead);

// 承诺达标合格证 per organisation per month (registry/hgz.h): certificates, the weight they
// cover against the weight of the lots packed that month, the share covered.
Report HgzReport(Store& store);
// Lots (not recalled) that no 承诺达标合格证 covers yet, newest first.
Report LotsWithoutHgzReport(Store& store);

// The parameters of the reports, checked alike by `agritrace audit` and the bureau API: a year
// is YYYY, a month YYYY-MM (Status::Invalid otherwise, reason "report-year" / "report-month").
Status CheckReportYear(const std::string& year);
Status CheckReportMonth(const std::string& month);

// The Chinese heading of a report column ("issued_kg" → "发放量（公斤）"), the key itself when
// it has none.
std::string ColumnTitleZh(const std::string& key);
// Columns whose values are decimal strings ("12.500" kilograms, "33.3" per cent): kept exact as
// strings in JSON and CSV, written as numbers to spreadsheets.
bool IsQuantityColumn(const std::string& key);

// {"title_zh", "title_en", "columns", "rows"} (schemas/report.schema.json).
Json ReportJson(const Report& report);
// RFC 4180 CSV with a UTF-8 byte order mark so that spreadsheet programs read Chinese correctly.
std::string ReportCsv(const Report& report);
std::string ReportText(const Report& report);

}  // namespace agritrace
