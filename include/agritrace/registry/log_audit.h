// The log audit (DESIGN.md §6, §9): the transparency log proves the events were only appended to,
// but the registry answers from its tables. An intruder who drops the append-only triggers can
// edit a lot's record, move a unit, rewrite a trace step or flip a certificate's status and the
// log alone would still verify. AuditTables reads every row that some log event stands for and
// compares it with that event; rows no event accounts for and events whose row is gone are
// mismatches too. What each event carries and is checked against: docs/formats/log.md §11.
//
// It trusts the events' leaves, so run it with VerifyLog (registry/log_store.h), which ties
// them to the signed checkpoints. Each table is read in one pass in key order (units by lot and
// serial), one read transaction for all, memory bounded by the number of events, not of units.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/status.h"

namespace agritrace {

// One row (or event) that does not agree with the log.
struct TableMismatch {
  std::string table;   // "lots", "units", "trace_events", "checkpoints", … or "events"
  std::string key;     // the row's key, e.g. "id=3 code=1ZX90ABCDN", "code=7KQ2M9XW40C1DJHN"
  int64_t event = -1;  // the log event it was checked against, -1 when none
  // Stable: row-differs, row-without-event, event-without-row, unit-outside-mint,
  // units-missing, units-hash-differs, checkpoint-missing, event-row-differs.
  std::string reason;
  std::string zh, en;  // what differs, for a person
};

struct LogAuditReport {
  std::vector<TableMismatch> mismatches;  // the first `max_mismatches` found
  uint64_t mismatch_count = 0;            // all found, kept or not
  uint64_t rows_checked = 0;
};

// Cross-checks every table row a log event stands for. Status::Io only when the database cannot
// be read; disagreements come back in the report. Keeps at most `max_mismatches` (a wholesale
// edit of a million units must not take a million strings of memory).
Result<LogAuditReport> AuditTables(sql::Connection& db, size_t max_mismatches = 1000);

}  // namespace agritrace
