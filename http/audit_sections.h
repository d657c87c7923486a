// The bureau's reports as HTML sections, shared by the token-signed /audit page
// (audit_page.cpp) and the console's /console/audit (console_audit_page.cpp): tables of at most
// kAuditPageRows rows, the certified-output chart, the year and month selectors. Chinese with
// English beside it, every value HTML-escaped, no scripts.
#pragma once

#include <string>

#include "agritrace/registry/store.h"
#include "http/verify_service.h"

namespace httplib {
struct Request;
}

namespace agritrace::http {

// Rows shown per table on the page; the CSV download has them all.
inline constexpr size_t kAuditPageRows = 200;

// The rules of the tables and chart (rows over output or expiring soon are tinted), for a page's
// own style sheet.
extern const char* const kAuditSectionsCss;

// ?year= and ?month= of a report page, each checked as the API checks them.
struct AuditQuery {
  std::string year, month;         // defaults: this year and month in Asia/Shanghai
  std::string error_zh, error_en;  // a bad parameter, reported; its default is used
};
AuditQuery ReadAuditQuery(const httplib::Request& req);

// <nav> plus the sections #certs, #refusals, #scans, #poverty, #reprints, #reexports, #hgz,
// #monthly.
// The selectors' forms submit to `self_path`; each table links its CSV and Excel download under
// `download_base` ("/audit" for the token-signed page, "/console/audit" for the console's).
std::string AuditSections(Store& store, const AuditQuery& q, ScanThresholds thresholds,
                          const std::string& self_path, const std::string& download_base);

// One table of `columns` (report keys, headed in Chinese with the key beneath) and `rows`, with
// download links when `csv_href` is given; `total` >= 0 when `rows` are only the first of that
// many.
std::string AuditTable(const std::vector<std::string>& columns, const Json& rows,
                       const std::string& csv_href = "", const std::string& xlsx_href = "",
                       int64_t total = -1);

}  // namespace agritrace::http
