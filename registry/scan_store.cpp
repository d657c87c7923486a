#include "registry/scan_store.h"

#include <openssl/rand.h>

#include "registry/encoding.h"

namespace agritrace {

Status InsertScans(SQLite::Database& db, const std::vector<ScanRow>& rows) {
  if (rows.empty()) return Status::Ok();
  try {
    SQLite::Transaction tx(db);
    SQLite::Statement ins(db, "INSERT INTO scans(code, kind, at, net) VALUES (?, ?, ?, ?)");
    for (const auto& r : rows) {
      ins.reset();
      ins.bind(1, r.code);
      ins.bind(2, r.kind);
      ins.bind(3, r.at);
      ins.bind(4, r.net);
      ins.exec();
    }
    tx.commit();
  } catch (const SQLite::Exception& e) {
    return Status::Io(std::string("保存扫码记录失败：") + e.what(),
                      std::string("storing scans failed: ") + e.what())
        .with_reason("scan-store-failed");
  }
  return Status::Ok();
}

ScanSummaryQuery::ScanSummaryQuery(SQLite::Database& db)
    : count_(db, "SELECT COUNT(*), MIN(at) FROM scans WHERE code = ?"),
      nets_(db, "SELECT DISTINCT net FROM scans WHERE code = ? LIMIT ?") {}

ScanSummary ScanSummaryQuery::Run(const std::string& code, size_t max_nets) {
  ScanSummary s;
  // Reset before use too: a statement left mid-step by an exception holds a read snapshot.
  count_.reset();
  count_.bind(1, code);
  if (count_.executeStep()) {
    s.count = count_.getColumn(0).getInt64();
    if (!count_.getColumn(1).isNull()) s.first_at = count_.getColumn(1).getString();
  }
  count_.reset();
  if (s.count > 0 && max_nets > 0) {
    nets_.reset();
    nets_.bind(1, code);
    nets_.bind(2, static_cast<int64_t>(max_nets));
    while (nets_.executeStep()) s.nets.push_back(nets_.getColumn(0).getString());
    nets_.reset();
  }
  return s;
}

ScanSummary SummarizeScans(SQLite::Database& db, const std::string& code, size_t max_nets) {
  return ScanSummaryQuery(db).Run(code, max_nets);
}

std::vector<LotScan> ScansOfLot(SQLite::Database& db, const std::string& lot_code, int64_t after_id,
                                int64_t limit) {
  // Units by (lot_id, serial), then scans by code: both indexed, whatever the table's size.
  SQLite::Statement q(db,
                      "SELECT s.id, s.code, s.kind, s.at, s.net, u.serial FROM lots l "
                      "JOIN units u ON u.lot_id = l.id JOIN scans s ON s.code = u.code "
                      "WHERE l.code = ?1 AND s.id > ?2 "
                      "UNION ALL SELECT s.id, s.code, s.kind, s.at, s.net, 0 FROM scans s "
                      "WHERE s.code = ?1 AND s.id > ?2 ORDER BY 1 LIMIT ?3");
  q.bind(1, lot_code);
  q.bind(2, after_id);
  q.bind(3, limit);
  std::vector<LotScan> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(),
                   {q.getColumn(1).getString(), q.getColumn(2).getString(),
                    q.getColumn(3).getString(), q.getColumn(4).getString()},
                   q.getColumn(5).getInt64()});
  return out;
}

int64_t CountAllScans(SQLite::Database& db) {
  return db.execAndGet("SELECT COUNT(*) FROM scans").getInt64();
}

Result<std::string> ScanSalt(SQLite::Database& db) {
  try {
    SQLite::Statement q(db, "SELECT value FROM registry_meta WHERE key = 'scan_salt'");
    if (q.executeStep()) return q.getColumn(0).getString();
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
      return Status::Io("系统随机数不可用", "the OS random number generator is unavailable");
    // INSERT OR IGNORE then read back: two processes starting together keep one salt.
    SQLite::Statement ins(
        db, "INSERT OR IGNORE INTO registry_meta(key, value) VALUES ('scan_salt', ?)");
    ins.bind(1, HexEncode(std::string(reinterpret_cast<const char*>(bytes), sizeof bytes)));
    ins.exec();
    q.reset();
    if (q.executeStep()) return q.getColumn(0).getString();
  } catch (const SQLite::Exception& e) {
    return Status::Io(std::string("读取扫码盐值失败：") + e.what(),
                      std::string("reading the scan salt failed: ") + e.what());
  }
  return Status::Io("扫码盐值丢失", "the scan salt went missing");
}

}  // namespace agritrace
