#include "registry/unit_store.h"

#include <sqlite3.h>

#include "registry/store.h"

namespace agritrace {

UnitWriter::UnitWriter(SQLite::Database& db, int64_t lot_id, int64_t next_serial)
    : insert_(db, "INSERT INTO units (code, lot_id, serial, spare) VALUES (?, ?, ?, ?)"),
      lot_id_(lot_id),
      next_serial_(next_serial) {}

Result<std::unique_ptr<UnitWriter>> UnitWriter::Open(SQLite::Database& db, int64_t lot_id) {
  try {
    SQLite::Statement max(db, "SELECT COALESCE(MAX(serial), 0) FROM units WHERE lot_id = ?");
    max.bind(1, lot_id);
    max.executeStep();
    const int64_t next = max.getColumn(0).getInt64() + 1;
    return std::unique_ptr<UnitWriter>(new UnitWriter(db, lot_id, next));
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Status UnitWriter::Add(std::string_view code, bool spare) {
  code_.assign(code);  // bound without a copy: must stay put until exec
  return Insert(spare);
}

Status UnitWriter::Insert(bool spare) {
  const std::string& code = code_;
  try {
    insert_.tryReset();  // reports the previous step's error, already handled
    insert_.bindNoCopy(1, code);
    insert_.bind(2, lot_id_);
    insert_.bind(3, next_serial_);
    insert_.bind(4, spare ? 1 : 0);
    insert_.exec();
  } catch (const SQLite::Exception& e) {
    insert_.tryReset();
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
      Status s = Status::Conflict(
          "批次 " + std::to_string(lot_id_) + " 的序号 " + std::to_string(next_serial_) +
              " 已被占用：同一批次不能同时由两处写入",
          "serial " + std::to_string(next_serial_) + " of lot " + std::to_string(lot_id_) +
              " is taken: one lot was written from two places at once");
      s.with_reason("unit-serial-taken");
      return s;
    }
    if (e.getErrorCode() == SQLITE_CONSTRAINT) {
      Status s = Status::Conflict(
          "编码 " + std::string(code) + " 已经存在（批次 " + std::to_string(lot_id_) + "，序号 " +
              std::to_string(next_serial_) + "）",
          "code " + std::string(code) + " is already stored (lot " + std::to_string(lot_id_) +
              ", serial " + std::to_string(next_serial_) + ")");
      s.with_reason("unit-code-exists");
      return s;
    }
    return DbError(e);
  } catch (const std::exception& e) {
    insert_.tryReset();
    return DbError(e);
  }
  ++next_serial_;
  return Status::Ok();
}

Status UnitWriter::Add(const std::vector<std::string>& codes, bool spare) {
  for (const std::string& code : codes) {
    code_ = code;
    Status s = Insert(spare);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<int64_t> InsertUnits(SQLite::Database& db, int64_t lot_id,
                            const std::vector<std::string>& codes, bool spare) {
  Result<std::unique_ptr<UnitWriter>> writer = UnitWriter::Open(db, lot_id);
  if (!writer.ok()) return writer.status();
  const int64_t first = (*writer)->next_serial();
  Status s = (*writer)->Add(codes, spare);
  if (!s.ok()) return s;
  return first;
}

Result<UnitCounts> CountUnits(SQLite::Database& db, int64_t lot_id) {
  try {
    // Serials run 1..N without gaps (UnitWriter), so N is the largest; spares through their
    // partial index (schemas/sql/011_console_tallies.sql): neither reads the lot's other codes.
    SQLite::Statement q(db,
                        "SELECT (SELECT COALESCE(MAX(serial), 0) FROM units WHERE lot_id = ?1), "
                        "(SELECT COUNT(*) FROM units WHERE lot_id = ?1 AND spare = 1)");
    q.bind(1, lot_id);
    q.executeStep();
    UnitCounts counts;
    counts.units = q.getColumn(0).getInt64();
    counts.spares = q.getColumn(1).getInt64();
    return counts;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Status ForEachUnit(SQLite::Database& db, int64_t lot_id, int64_t first_serial, int64_t last_serial,
                   const std::function<bool(const UnitRow&)>& fn) {
  try {
    SQLite::Statement q(db,
                        "SELECT code, serial, spare FROM units WHERE lot_id = ? AND serial >= ? "
                        "AND serial <= ? ORDER BY serial");
    q.bind(1, lot_id);
    q.bind(2, first_serial);
    q.bind(3, last_serial);
    UnitRow row;
    row.lot_id = lot_id;
    while (q.executeStep()) {
      row.code = q.getColumn(0).getString();
      row.serial = q.getColumn(1).getInt64();
      row.spare = q.getColumn(2).getInt() != 0;
      if (!fn(row)) break;
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

UnitCursor::UnitCursor(SQLite::Database& db, int64_t lot_id)
    : query_(db,
             "SELECT code, serial, spare FROM units WHERE lot_id = ? AND serial >= ? "
             "AND serial <= ? ORDER BY serial"),
      lot_id_(lot_id) {}

Result<std::unique_ptr<UnitCursor>> UnitCursor::Open(SQLite::Database& db, int64_t lot_id,
                                                     int64_t first_serial, int64_t last_serial) {
  try {
    std::unique_ptr<UnitCursor> c(new UnitCursor(db, lot_id));
    c->query_.bind(1, lot_id);
    c->query_.bind(2, first_serial);
    c->query_.bind(3, last_serial);
    return c;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<bool> UnitCursor::Next(UnitRow* row) {
  try {
    if (!query_.executeStep()) return false;
    row->lot_id = lot_id_;
    row->code = query_.getColumn(0).getString();
    row->serial = query_.getColumn(1).getInt64();
    row->spare = query_.getColumn(2).getInt() != 0;
    return true;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<UnitRow> LookupUnit(SQLite::Database& db, std::string_view code) {
  try {
    SQLite::Statement q(db, "SELECT lot_id, serial, spare FROM units WHERE code = ?");
    q.bind(1, std::string(code));
    if (!q.executeStep()) {
      Status s = Status::NotFound("没有这个编码：" + std::string(code),
                                  "no such code: " + std::string(code));
      s.with_reason("unit-not-found");
      return s;
    }
    UnitRow row;
    row.code = std::string(code);
    row.lot_id = q.getColumn(0).getInt64();
    row.serial = q.getColumn(1).getInt64();
    row.spare = q.getColumn(2).getInt() != 0;
    return row;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

}  // namespace agritrace
