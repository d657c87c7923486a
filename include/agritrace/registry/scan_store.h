// The scans table (DESIGN.md §8–§9): every consumer scan of a code the registry issued. A scan
// keeps the salted hash of the client's network, never the client's address. Lookups of unknown
// or malformed codes are only counted, per network per day (scan_misses,
// schemas/sql/005_scan_misses.sql), so that made-up codes cannot flood the table.
//
// Scans are appended with no index on code (schemas/sql/003_scan_tallies.sql): appending costs
// the same whatever the table's size. A code's history is its row in scan_tallies, where
// MergeScanTallies folds in the scans appended since the last fold, plus that unfolded tail.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/status.h"

namespace agritrace {

struct ScanRow {
  std::string code;  // normalised code, or the sanitised raw input when malformed
  std::string kind;  // unit | lot | unknown | malformed
  std::string at;    // RFC 3339 UTC
  std::string net;   // hex SHA-256(salt ‖ client network)
};

// Distinct networks a tally keeps per code: enough to see "more than K" for any K below it.
inline constexpr size_t kTallyNets = 16;

// True for the kinds counted in scan_misses rather than stored as rows: unknown, malformed.
bool IsScanMiss(const std::string& kind);

// The registry_meta key holding how far a scan journal is committed: `scan_journal_through`
// for the one server of a registry file; on PostgreSQL each verify node keeps its own journal,
// named by host and path (`scan_journal_through:HOST:PATH`).
std::string ScanJournalKey(bool per_node, const std::string& journal_path);

// Stores every row in one transaction: all of them or none. A miss (IsScanMiss) adds one to its
// (day, network, kind) counter in scan_misses; the others are appended to scans. With
// `journal_through` >= 0, registry_meta's `journal_key` is set to it in the same transaction
// (the scan journal's sequence number of the last row, http/scan_journal.h).
Status InsertScans(sql::Connection& db, const std::vector<ScanRow>& rows,
                   int64_t journal_through = -1,
                   const std::string& journal_key = "scan_journal_through");

// The scan journal's sequence number whose scans are all committed (`journal_key`).
int64_t ScanJournalThrough(sql::Connection& db,
                           const std::string& journal_key = "scan_journal_through");

// Misses counted for `kind` (unknown or malformed) over all days and networks.
int64_t CountScanMisses(sql::Connection& db, const std::string& kind);

// Folds every scan appended since the last fold into scan_tallies, in one transaction, and
// returns the codes whose tallies changed. After it, SummarizeFolded is complete for every code.
Result<std::vector<std::string>> MergeScanTallies(sql::Connection& db);

// The last scans.id folded into scan_tallies: scans after it are the unfolded tail.
int64_t ScanTalliesThrough(sql::Connection& db);

// Whether a reader adds the unfolded tail to what the tallies say. kRead: exact, at the cost of
// reading the tail (up to the recorder's fold_rows scans). kSkip: as of the last fold, which the
// scan recorder makes at least every fold_interval (1 s) while it serves: what pages read, so
// that a burst of scans does not slow them.
enum class ScanTail { kRead, kSkip };

// Scans appended since the last fold.
int64_t UnfoldedScans(sql::Connection& db);

struct ScanSummary {
  int64_t count = 0;
  std::string first_at;           // empty when the code was never scanned
  std::string last_at;            // RFC 3339 UTC of the latest scan, empty likewise
  std::vector<std::string> nets;  // distinct networks, at most `max_nets` of them
};

// What the table knows about `code`: how often, since when, and from which networks (its tally
// and the unfolded tail, read in one snapshot).
ScanSummary SummarizeScans(sql::Connection& db, const std::string& code, size_t max_nets);

// A code with scans after the last fold: the lot its scans are of (a unit code's lot, or the lot
// whose code it is; 0 for neither), its tally as folded, the whole of it (the tally plus the
// unfolded scans) and its unfolded scans per Beijing day.
struct UnfoldedCode {
  std::string code;
  int64_t lot_id = 0;
  bool unit = false;  // a unit code; else a lot code (or neither, with lot_id 0)
  ScanSummary folded, whole;
  std::map<std::string, int64_t> days;
};
// Every code with unfolded scans, read in one pass over the tail: what the fold writes and what
// exact readers add to the tallies (callers wanting one view run it inside a read transaction).
// `last_id`: the last scans.id read.
std::vector<UnfoldedCode> UnfoldedCodes(sql::Connection& db, int64_t* last_id = nullptr);

// The same questions with their statements prepared once, for a connection that asks them on
// every first scan of a code. Not thread-safe (one per connection).
class ScanSummaryQuery {
 public:
  explicit ScanSummaryQuery(sql::Connection& db);
  // Complete: the tally and the unfolded tail (which it reads in full: O(tail)).
  ScanSummary Run(const std::string& code, size_t max_nets);
  // The tally alone: one primary-key read. Complete only for a code with no unfolded scans, which
  // the scan recorder guarantees for every code it does not hold in memory.
  ScanSummary RunFolded(const std::string& code, size_t max_nets);

 private:
  sql::Connection& db_;
  sql::Statement tally_;
  std::unique_ptr<sql::Statement> tail_;  // prepared on first use
};

// A stored scan of one lot's codes, for the bureau (never an address: `net` is the salted hash).
struct LotScan {
  int64_t id = 0;      // the scans row, increasing with time: a paging cursor
  ScanRow row;         // kind "unit" for a unit code of the lot, "lot" for the lot code itself
  int64_t serial = 0;  // the unit's serial within the lot, 0 for the lot code
};

// Scans of `lot_code` and of its unit codes with id > `after_id`, oldest first, at most `limit`.
std::vector<LotScan> ScansOfLot(sql::Connection& db, const std::string& lot_code, int64_t after_id,
                                int64_t limit);

struct DayCount {
  std::string day;  // YYYY-MM-DD in Asia/Shanghai
  int64_t count = 0;
};
// Scans of `lot_code` and of its unit codes on `first_day` (YYYY-MM-DD, Asia/Shanghai) and
// after, per Shanghai day, oldest first; days without scans are left out. Read from lot_scan_days
// (schemas/sql/011_console_tallies.sql) plus, with ScanTail::kRead, the unfolded tail; never the
// whole table.
std::vector<DayCount> ScansPerDayOfLot(sql::Connection& db, const std::string& lot_code,
                                       const std::string& first_day,
                                       ScanTail tail = ScanTail::kRead);

// Rows in the table (all codes).
int64_t CountAllScans(sql::Connection& db);

// The salt of network hashes, kept in registry_meta ("scan_salt"): 32 random bytes as hex,
// generated on first use. Concurrent first uses agree on one salt.
Result<std::string> ScanSalt(sql::Connection& db);

}  // namespace agritrace
