// The scans table (DESIGN.md §8–§9): every consumer scan of a code, known or not. A scan keeps
// the salted hash of the client's network, never the client's address.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "registry/status.h"

namespace agritrace {

struct ScanRow {
  std::string code;  // normalised code, or the sanitised raw input when malformed
  std::string kind;  // unit | lot | unknown | malformed
  std::string at;    // RFC 3339 UTC
  std::string net;   // hex SHA-256(salt ‖ client network)
};

// Inserts every row in one transaction: all of them are stored or none.
Status InsertScans(SQLite::Database& db, const std::vector<ScanRow>& rows);

struct ScanSummary {
  int64_t count = 0;
  std::string first_at;           // empty when the code was never scanned
  std::vector<std::string> nets;  // distinct networks, at most `max_nets` of them
};

// What the table knows about `code`: how often, since when, and from which networks.
ScanSummary SummarizeScans(SQLite::Database& db, const std::string& code, size_t max_nets);

// The same question with its statements prepared once, for a connection that asks it on every
// first scan of a code. Not thread-safe (one per connection).
class ScanSummaryQuery {
 public:
  explicit ScanSummaryQuery(SQLite::Database& db);
  ScanSummary Run(const std::string& code, size_t max_nets);

 private:
  SQLite::Statement count_, nets_;
};

// A stored scan of one lot's codes, for the bureau (never an address: `net` is the salted hash).
struct LotScan {
  int64_t id = 0;      // the scans row, increasing with time: a paging cursor
  ScanRow row;         // kind "unit" for a unit code of the lot, "lot" for the lot code itself
  int64_t serial = 0;  // the unit's serial within the lot, 0 for the lot code
};

// Scans of `lot_code` and of its unit codes with id > `after_id`, oldest first, at most `limit`.
std::vector<LotScan> ScansOfLot(SQLite::Database& db, const std::string& lot_code, int64_t after_id,
                                int64_t limit);

// Rows in the table (all codes).
int64_t CountAllScans(SQLite::Database& db);

// The salt of network hashes, kept in registry_meta ("scan_salt"): 32 random bytes as hex,
// generated on first use. Concurrent first uses agree on one salt.
Result<std::string> ScanSalt(SQLite::Database& db);

}  // namespace agritrace
