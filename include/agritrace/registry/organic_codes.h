// 有机码 (DESIGN.md §4): the code a certification body allocates for each label of an organic
// product, 17 digits (18 under the 2024 rules). A cooperative loads the list its certifier issued
// for a lot; each code goes to one minted unit of the lot without one, in serial order, and is
// printed on that unit's label (labeler/label_job.h). A code is used once in the whole registry.
// Stored in `organic_codes` (schemas/sql/004_organic_codes.sql).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/store.h"

namespace agritrace {

// Reads a certifier's list from a file's bytes: one 有机码 a line, as text or CSV (UTF-8 or GBK)
// or an Excel sheet with one code a row (registry/table_import.h). Blank lines, spaces, a UTF-8
// BOM and full-width digits (from a Chinese input method) are tolerated. Status::Invalid naming
// the line: reason "organic-code-format" (not 17 or 18 digits, several cells in a row, or an
// Excel number cell, which has lost digits), "organic-code-repeated" (twice in the list),
// "organic-codes-empty", or a reason of the table reader (the file itself is unreadable).
Result<std::vector<std::string>> ParseOrganicCodes(std::string_view file);

// A list loaded for a lot: {"lot","certification","loaded","first_serial","last_serial",
// "waiting","codes_sha256","event_index"} (`label organic-codes --json`).
struct LoadedOrganicCodes {
  std::string lot;            // the lot's code
  std::string certification;  // the number of its organic certificate
  int64_t loaded = 0;
  int64_t first_serial = 0, last_serial = 0;  // of the units that got a code
  int64_t waiting = 0;                        // minted units of the lot still without a 有机码
  std::string codes_sha256;  // hex SHA-256 of the codes in serial order, each with a line feed
  int64_t event_index = 0;   // of "organic_codes.loaded"
};
void to_json(Json& j, const LoadedOrganicCodes& l);

// Gives `codes` (from ParseOrganicCodes) to the lot's minted units that have no 有机码 yet, in
// serial order, in one transaction with an "organic_codes.loaded" event that commits to them by
// their SHA-256. Refused, with nothing written: an unknown lot (NotFound), a recalled lot, a lot
// without an organic certificate ("not-organic") or whose organic certificate is no longer active
// ("cert-inactive"), more codes than units waiting for one ("organic-codes-exceed-units"), a code
// already loaded for any lot ("organic-code-taken", Conflict).
Result<LoadedOrganicCodes> LoadOrganicCodes(Store& store, const std::string& lot_code,
                                            const std::vector<std::string>& codes);

// The number of the lot's organic certificate, "" when it has none: its unit labels must then
// carry 有机码.
Result<std::string> OrganicCertificate(sql::Connection& db, int64_t lot_id);

// Units of the lot with first_serial <= serial <= last_serial that have no 有机码.
Result<int64_t> CountUnitsWithoutOrganicCode(sql::Connection& db, int64_t lot_id,
                                             int64_t first_serial, int64_t last_serial);

// Walks the 有机码 of a lot's units in serial order, beside ForEachUnit (unit_store.h), so that a
// million labels are printed with constant memory. `db` must outlive the reader.
class OrganicCodeReader {
 public:
  static Result<std::unique_ptr<OrganicCodeReader>> Open(sql::Connection& db, int64_t lot_id,
                                                         int64_t first_serial, int64_t last_serial);
  // The 有机码 of unit `serial`, "" when it has none. Serials must be asked in increasing order.
  Result<std::string> For(int64_t serial);

 private:
  explicit OrganicCodeReader(sql::Connection& db);
  sql::Statement query_;
  bool has_row_ = false, done_ = false;
  int64_t serial_ = 0;
  std::string code_;
};

}  // namespace agritrace
