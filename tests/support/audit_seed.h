// Rows the bureau's reports read, written straight into a test registry: unit codes of a lot (what
// `label mint` leaves) and scans (what the scan recorder leaves). Shared by the report tests of
// registry/ and http/ so both check the same known answers.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/store.h"

namespace agritrace::testing {

// `count` unit codes "<prefix><100000 + i>" with serials 1..count, in one transaction.
inline void AddUnitCodes(Store& s, const std::string& lot_code, int count,
                         const std::string& prefix) {
  sql::Statement lot(s.db(), "SELECT id FROM lots WHERE code = ?");
  lot.Bind(1, lot_code);
  REQUIRE(lot.Step());
  int64_t id = lot.Column(0).Int64();
  sql::Transaction tx(s.db());
  sql::Statement ins(s.db(),
                     "INSERT INTO units(code, lot_id, serial, spare) VALUES (?, ?, ?, 0)");
  for (int i = 1; i <= count; ++i) {
    ins.Reset();
    ins.Bind(1, prefix + std::to_string(100000 + i));
    ins.Bind(2, id);
    ins.Bind(3, i);
    ins.Exec();
  }
  tx.Commit();
}

inline void AddScan(Store& s, const std::string& code, const std::string& kind,
                    const std::string& at, const std::string& net) {
  // As the scan recorder stores it: misses are counted per network per day.
  REQUIRE(InsertScans(s.db(), {ScanRow{code, kind, at, net}}).ok());
}

}  // namespace agritrace::testing
