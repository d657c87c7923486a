#include "agritrace/registry/unit_store.h"

#include <algorithm>

#include "agritrace/registry/store.h"

namespace agritrace {

UnitWriter::UnitWriter(sql::Connection& db, int64_t lot_id, int64_t next_serial)
    : db_(db),
      insert_(db, "INSERT INTO units (code, lot_id, serial, spare) VALUES (?, ?, ?, ?)"),
      lot_id_(lot_id),
      next_serial_(next_serial) {}

Result<std::unique_ptr<UnitWriter>> UnitWriter::Open(sql::Connection& db, int64_t lot_id) {
  try {
    sql::Statement max(db, "SELECT COALESCE(MAX(serial), 0) FROM units WHERE lot_id = ?");
    max.Bind(1, lot_id);
    max.Step();
    const int64_t next = max.Column(0).Int64() + 1;
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
    insert_.Reset();  // reports the previous step's error, already handled
    insert_.BindView(1, code);
    insert_.Bind(2, lot_id_);
    insert_.Bind(3, next_serial_);
    insert_.Bind(4, spare ? 1 : 0);
    insert_.Exec();
  } catch (const sql::Error& e) {
    insert_.Reset();
    if (e.kind() == sql::Error::Kind::kUnique) {
      Status s = Status::Conflict(
          "批次 " + std::to_string(lot_id_) + " 的序号 " + std::to_string(next_serial_) +
              " 已被占用：同一批次不能同时由两处写入",
          "serial " + std::to_string(next_serial_) + " of lot " + std::to_string(lot_id_) +
              " is taken: one lot was written from two places at once");
      s.with_reason("unit-serial-taken");
      return s;
    }
    if (e.kind() == sql::Error::Kind::kConstraint) {
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
    insert_.Reset();
    return DbError(e);
  }
  ++next_serial_;
  return Status::Ok();
}

Status UnitWriter::Add(const std::vector<std::string>& codes, bool spare) {
  size_t done = 0;
  // PostgreSQL: a round trip per row would make a million codes take minutes, so rows go 500 to
  // a statement. A chunk that fails is undone (a savepoint inside the caller's transaction) and
  // retried row by row below, which names the code at fault and keeps the rows before it.
  constexpr size_t kChunk = 500;
  if (db_.backend() == sql::Backend::kPostgresql) {
    while (codes.size() - done >= 2) {
      const size_t n = std::min(kChunk, codes.size() - done);
      std::string sql = "INSERT INTO units (code, lot_id, serial, spare) VALUES ";
      for (size_t i = 0; i < n; ++i) sql += i ? ",(?,?,?,?)" : "(?,?,?,?)";
      const bool savepoint = db_.InTransaction();
      try {
        if (savepoint) db_.Exec("SAVEPOINT agritrace_units");
        sql::Statement chunk(db_, sql);
        for (size_t i = 0; i < n; ++i) {
          const int p = static_cast<int>(i) * 4;
          chunk.Bind(p + 1, codes[done + i]);
          chunk.Bind(p + 2, lot_id_);
          chunk.Bind(p + 3, next_serial_ + static_cast<int64_t>(i));
          chunk.Bind(p + 4, spare ? 1 : 0);
        }
        chunk.Exec();
        if (savepoint) db_.Exec("RELEASE SAVEPOINT agritrace_units");
      } catch (const sql::Error&) {
        if (savepoint) {
          try {
            db_.Exec("ROLLBACK TO SAVEPOINT agritrace_units; RELEASE SAVEPOINT agritrace_units");
          } catch (const sql::Error& e) {
            return DbError(e);
          }
        }
        break;  // row by row from `done`: the refusal names its code
      }
      next_serial_ += static_cast<int64_t>(n);
      done += n;
    }
  }
  for (; done < codes.size(); ++done) {
    code_ = codes[done];
    Status s = Insert(spare);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<int64_t> InsertUnits(sql::Connection& db, int64_t lot_id,
                            const std::vector<std::string>& codes, bool spare) {
  Result<std::unique_ptr<UnitWriter>> writer = UnitWriter::Open(db, lot_id);
  if (!writer.ok()) return writer.status();
  const int64_t first = (*writer)->next_serial();
  Status s = (*writer)->Add(codes, spare);
  if (!s.ok()) return s;
  return first;
}

Result<UnitCounts> CountUnits(sql::Connection& db, int64_t lot_id) {
  try {
    // Serials run 1..N without gaps (UnitWriter), so N is the largest; spares through their
    // partial index (schemas/sql/011_console_tallies.sql): neither reads the lot's other codes.
    sql::Statement q(db,
                     "SELECT (SELECT COALESCE(MAX(serial), 0) FROM units WHERE lot_id = ?1), "
                     "(SELECT COUNT(*) FROM units WHERE lot_id = ?1 AND spare = 1)");
    q.Bind(1, lot_id);
    q.Step();
    UnitCounts counts;
    counts.units = q.Column(0).Int64();
    counts.spares = q.Column(1).Int64();
    return counts;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Status ForEachUnit(sql::Connection& db, int64_t lot_id, int64_t first_serial, int64_t last_serial,
                   const std::function<bool(const UnitRow&)>& fn) {
  try {
    sql::Statement q(db,
                     "SELECT code, serial, spare FROM units WHERE lot_id = ? AND serial >= ? "
                     "AND serial <= ? ORDER BY serial");
    q.Bind(1, lot_id);
    q.Bind(2, first_serial);
    q.Bind(3, last_serial);
    UnitRow row;
    row.lot_id = lot_id;
    while (q.Step()) {
      row.code = q.Column(0).String();
      row.serial = q.Column(1).Int64();
      row.spare = q.Column(2).Int() != 0;
      if (!fn(row)) break;
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

UnitCursor::UnitCursor(sql::Connection& db, int64_t lot_id)
    : query_(db,
             "SELECT code, serial, spare FROM units WHERE lot_id = ? AND serial >= ? "
             "AND serial <= ? ORDER BY serial"),
      lot_id_(lot_id) {}

Result<std::unique_ptr<UnitCursor>> UnitCursor::Open(sql::Connection& db, int64_t lot_id,
                                                     int64_t first_serial, int64_t last_serial) {
  try {
    std::unique_ptr<UnitCursor> c(new UnitCursor(db, lot_id));
    c->query_.Bind(1, lot_id);
    c->query_.Bind(2, first_serial);
    c->query_.Bind(3, last_serial);
    return c;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<bool> UnitCursor::Next(UnitRow* row) {
  try {
    if (!query_.Step()) return false;
    row->lot_id = lot_id_;
    row->code = query_.Column(0).String();
    row->serial = query_.Column(1).Int64();
    row->spare = query_.Column(2).Int() != 0;
    return true;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<UnitRow> LookupUnit(sql::Connection& db, std::string_view code) {
  try {
    sql::Statement q(db, "SELECT lot_id, serial, spare FROM units WHERE code = ?");
    q.Bind(1, std::string(code));
    if (!q.Step()) {
      Status s = Status::NotFound("没有这个编码：" + std::string(code),
                                  "no such code: " + std::string(code));
      s.with_reason("unit-not-found");
      return s;
    }
    UnitRow row;
    row.code = std::string(code);
    row.lot_id = q.Column(0).Int64();
    row.serial = q.Column(1).Int64();
    row.spare = q.Column(2).Int() != 0;
    return row;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

}  // namespace agritrace
