// Unit codes of lots (一物一码) in the `units` table of schemas/sql/002_labels_scans.sql:
// code TEXT PRIMARY KEY, lot_id, serial (1-based within the lot), spare (0/1),
// UNIQUE (lot_id, serial). Functions over an open database; none begins a transaction: minting
// is part of a larger change (issuing a lot, printing spares) that the caller commits as one.
// Statements are prepared once and reused, so storing costs little more than SQLite's own
// insert (DESIGN.md §10: ≥ 0.7 × a raw insert loop).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/status.h"

namespace agritrace {

struct UnitRow {
  std::string code;  // 16 Crockford characters, no hyphens
  int64_t lot_id = 0;
  int64_t serial = 0;  // 1-based within the lot
  bool spare = false;  // printed as a replacement or reserve, not counted as output
};

struct UnitCounts {
  int64_t units = 0;  // every stored code of the lot, spares included
  int64_t spares = 0;
};

// Appends codes to one lot, serials continuing after the lot's highest. Holds one prepared
// INSERT for its whole life: make one per minting run and feed it batch after batch.
// `db` must outlive the writer; the caller owns the transaction.
class UnitWriter {
 public:
  // Reads the lot's highest serial once; Status::Io on a database failure.
  static Result<std::unique_ptr<UnitWriter>> Open(sql::Connection& db, int64_t lot_id);

  // Inserts `codes` with the next serials. Status::Conflict if a code is already stored (a
  // 2^-75 accident for fresh codes, or a code inserted twice): nothing of this call is kept
  // beyond the codes before it, and next_serial() tells where it stopped.
  Status Add(const std::vector<std::string>& codes, bool spare);
  Status Add(std::string_view code, bool spare);

  int64_t lot_id() const { return lot_id_; }
  // The serial the next code will get.
  int64_t next_serial() const { return next_serial_; }

 private:
  UnitWriter(sql::Connection& db, int64_t lot_id, int64_t next_serial);
  Status Insert(bool spare);  // inserts code_
  sql::Connection& db_;
  sql::Statement insert_;
  std::string code_;
  int64_t lot_id_;
  int64_t next_serial_;
};

// Inserts a batch for `lot_id` (a UnitWriter for one batch). Returns the first serial used.
Result<int64_t> InsertUnits(sql::Connection& db, int64_t lot_id,
                            const std::vector<std::string>& codes, bool spare);

// Number of units and of spares stored for the lot (0, 0 for a lot without units).
Result<UnitCounts> CountUnits(sql::Connection& db, int64_t lot_id);

// Calls `fn` for the lot's units with first_serial <= serial <= last_serial, in serial order,
// one row at a time (constant memory for a million labels). Stops early when `fn` returns false.
Status ForEachUnit(sql::Connection& db, int64_t lot_id, int64_t first_serial, int64_t last_serial,
                   const std::function<bool(const UnitRow&)>& fn);

// ForEachUnit's rows pulled one at a time, for a consumer that asks for more as it goes (a zip
// archive reading its entry). `db` must outlive the cursor.
class UnitCursor {
 public:
  static Result<std::unique_ptr<UnitCursor>> Open(sql::Connection& db, int64_t lot_id,
                                                  int64_t first_serial, int64_t last_serial);
  // The next unit in serial order; false at the end. Status::Io on a database failure.
  Result<bool> Next(UnitRow* row);

 private:
  UnitCursor(sql::Connection& db, int64_t lot_id);
  sql::Statement query_;
  int64_t lot_id_;
};

// The unit a normalised code belongs to; Status::NotFound when no lot has it.
Result<UnitRow> LookupUnit(sql::Connection& db, std::string_view code);

}  // namespace agritrace
