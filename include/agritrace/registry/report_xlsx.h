// The bureau's reports (registry/audit_reports.h) as an Excel workbook, through libxlsxwriter:
// one sheet a report, named by its Chinese title; the first row holds the Chinese column
// headings (ColumnTitleZh), frozen; counts and kilograms are number cells (decimal quantity
// strings become numbers shown with their decimals), flags are boolean cells, codes stay text.
#pragma once

#include <string>
#include <vector>

#include "agritrace/registry/audit_reports.h"

namespace agritrace {

// Writes the workbook to `path` (replacing it). Status::Io when it cannot be written.
Status WriteReportsXlsx(const std::vector<Report>& reports, const std::string& path);

// The workbook's bytes, written through a temporary file under $TMPDIR (libxlsxwriter writes
// files only).
Result<std::string> ReportsXlsx(const std::vector<Report>& reports);

}  // namespace agritrace
