// Rows the bureau's reports read, written straight into a test registry: unit codes of a lot (what
// `label mint` leaves) and scans (what the scan recorder leaves). Shared by the report tests of
// registry/ and http/ so both check the same known answers.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "registry/scan_store.h"
#include "registry/store.h"

namespace agritrace::testing {

// `count` unit codes "<prefix><100000 + i>" with serials 1..count, in one transaction.
inline void AddUnitCodes(Store& s, const std::string& lot_code, int count,
                         const std::string& prefix) {
  SQLite::Statement lot(s.db(), "SELECT id FROM lots WHERE code = ?");
  lot.bind(1, lot_code);
  REQUIRE(lot.executeStep());
  int64_t id = lot.getColumn(0).getInt64();
  SQLite::Transaction tx(s.db());
  SQLite::Statement ins(s.db(),
                        "INSERT INTO units(code, lot_id, serial, spare) VALUES (?, ?, ?, 0)");
  for (int i = 1; i <= count; ++i) {
    ins.reset();
    ins.bind(1, prefix + std::to_string(100000 + i));
    ins.bind(2, id);
    ins.bind(3, i);
    ins.exec();
  }
  tx.commit();
}

inline void AddScan(Store& s, const std::string& code, const std::string& kind,
                    const std::string& at, const std::string& net) {
  // As the scan recorder stores it: misses are counted per network per day.
  REQUIRE(InsertScans(s.db(), {ScanRow{code, kind, at, net}}).ok());
}

}  // namespace agritrace::testing
