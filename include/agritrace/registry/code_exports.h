// Code files for print shops (码包, issue 11; schemas/sql/010_code_exports.sql): each export of a
// lot's unit codes is recorded with who wrote which serials into which file (its SHA-256) and
// logged ("codes.exported") in one transaction. Serials go to a print shop once: exporting a
// range that overlaps an earlier export needs a reason (`--again --reason`), and the bureau's
// `audit reexports` lists every such export. labeler/code_export.h writes the files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agritrace/registry/audit_reports.h"
#include "agritrace/registry/store.h"

namespace agritrace {

struct CodeExport {
  int64_t id = 0;
  std::string lot_code;
  int64_t first_serial = 0, last_serial = 0;
  std::string format;  // csv | txt | zip
  std::string file;    // absolute path
  std::string sha256;  // hex
  int64_t bytes = 0;
  std::string actor;
  std::string again_reason;  // "" for a first export of its serials
  std::string exported_at;
};

// Earlier exports of the lot whose serials overlap first..last, oldest first.
std::vector<CodeExport> OverlappingExports(Store& store, const std::string& lot_code,
                                           int64_t first_serial, int64_t last_serial);

// Refuses (Conflict, reason "export-overlap") an export of serials exported before without a
// reason, naming the earlier exports; and (Invalid, "export-again-unneeded") a reason given when
// nothing overlaps. Ok otherwise.
Status CheckExportAgain(Store& store, const std::string& lot_code, int64_t first_serial,
                        int64_t last_serial, bool again, const std::string& reason);

// An export as recorded and logged ("codes.exported").
struct RecordedCodeExport {
  CodeExport code_export;         // with its id and exported_at
  std::vector<int64_t> overlaps;  // the earlier exports of its serials, oldest first
  int64_t event_index = 0;
};
// {"id", "lot", "first_serial", "last_serial", "format", "file", "sha256", "bytes", "actor",
// "exported_at", "reason"?, "overlaps"?, "event_index"}: the event plus its index; "reason" and
// "overlaps" only for an export again.
void to_json(Json& j, const RecordedCodeExport& e);

// Records an export (the check above repeated inside the transaction) with its event.
Result<RecordedCodeExport> RecordCodeExport(Store& store, const CodeExport& export_, bool again);

// Every export that repeated serials, with the earlier exports it overlapped.
Report ReexportReport(Store& store);

}  // namespace agritrace
