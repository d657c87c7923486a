// The bureau's reports over HTTP (DESIGN.md §1, §9), bureau token only (Authorization: Bearer;
// the same reports under /audit/csv/NAME, the /audit page's downloads, also take its cookie):
//   GET /api/v1/audit/certs?year=YYYY                      default: this year (Asia/Shanghai)
//   GET /api/v1/audit/refusals
//   GET /api/v1/audit/scans?lot=&threshold=&networks=      codes that look copied
//   GET /api/v1/audit/unknown-scans                        scans of codes never issued
//   GET /api/v1/audit/poverty
//   GET /api/v1/audit/monthly?month=YYYY-MM                (required)
// The parameters are those of `agritrace audit …`; threshold and networks default to the
// server's --scan-threshold and --network-threshold. JSON (schemas/report.schema.json) unless
// ?format=csv: RFC 4180 CSV with a UTF-8 BOM, as an attachment; or ?format=xlsx: an Excel
// workbook (registry/report_xlsx.h), the default under /audit/xlsx/NAME, which takes the
// /audit page's cookie as /audit/csv/NAME does.
#pragma once

#include <string>

#include "agritrace/registry/audit_reports.h"
#include "http/api_context.h"
#include "http/verify_service.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace agritrace::http {

// Where the /audit page downloads a report's CSV: "/audit/csv/monthly?month=2026-04&format=csv";
// the console's under base "/console/audit".
std::string ReportCsvPath(const std::string& report, const std::string& query = "",
                          const std::string& base = "/audit");

// Where the /audit page downloads a report as Excel: "/audit/xlsx/monthly?month=2026-04".
std::string ReportXlsxPath(const std::string& report, const std::string& query = "",
                           const std::string& base = "/audit");

// Answers a GET of report `name` for a caller already allowed to read it (a bureau token, or a
// console session of a bureau role): JSON, or CSV / Excel by ?format= or an /xlsx/ path; a
// problem for bad parameters or an unknown name.
void AnswerAuditReport(ApiContext& api, ScanThresholds defaults, const std::string& name,
                       const httplib::Request& req, httplib::Response& res);

// `api` must outlive `svr`'s serving.
void RegisterAuditApi(httplib::Server& svr, ApiContext& api, ScanThresholds defaults);

}  // namespace agritrace::http
