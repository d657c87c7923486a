#include "registry/sqlite_connection.h"

#include <sqlite3.h>

#include <limits>

namespace agritrace::sql {

void ThrowSqlite(sqlite3* db, int rc) {
  Error::Kind kind = Error::Kind::kOther;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: kind = Error::Kind::kBusy; break;
    case SQLITE_CONSTRAINT:
      kind = db && sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE ? Error::Kind::kUnique
                                                                          : Error::Kind::kConstraint;
      break;
    case SQLITE_CANTOPEN: kind = Error::Kind::kCantOpen; break;
    default: break;
  }
  // sqlite3_errmsg describes the connection's last error, which is `rc` unless rc came from a
  // call that does not set it (none of ours).
  throw Error(kind, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

namespace {

int Length(std::string_view v) {
  if (v.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    throw Error(Error::Kind::kOther, "value too large to bind");
  return static_cast<int>(v.size());
}

class SqliteStatement : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
  ~SqliteStatement() override { sqlite3_finalize(st_); }

  void BindNull(int i) override { Check(sqlite3_bind_null(st_, i)); }
  void BindInt64(int i, int64_t v) override { Check(sqlite3_bind_int64(st_, i, v)); }
  void BindDouble(int i, double v) override { Check(sqlite3_bind_double(st_, i, v)); }
  void BindText(int i, std::string_view v, bool copy) override {
    Check(sqlite3_bind_text(st_, i, v.data(), Length(v), copy ? SQLITE_TRANSIENT : SQLITE_STATIC));
  }
  void BindBlob(int i, std::string_view v, bool copy) override {
    Check(sqlite3_bind_blob(st_, i, v.data(), Length(v), copy ? SQLITE_TRANSIENT : SQLITE_STATIC));
  }
  bool Step() override {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(st_);  // leaves the statement reusable; the error stays in rc
    ThrowSqlite(db_, rc);
  }
  int64_t Changes() override { return sqlite3_changes64(db_); }
  void Reset() override {
    // The error of a failed step was thrown by Step already.
    sqlite3_reset(st_);
  }
  void ClearBindings() override { sqlite3_clear_bindings(st_); }
  int ParameterCount() override { return sqlite3_bind_parameter_count(st_); }
  int ColumnCount() override { return sqlite3_column_count(st_); }
  std::string ColumnName(int i) override {
    const char* name = sqlite3_column_name(st_, i);
    return name ? name : "";
  }
  bool IsNull(int i) override { return sqlite3_column_type(st_, i) == SQLITE_NULL; }
  bool IsInteger(int i) override { return sqlite3_column_type(st_, i) == SQLITE_INTEGER; }
  int64_t Int64(int i) override { return sqlite3_column_int64(st_, i); }
  double Double(int i) override { return sqlite3_column_double(st_, i); }
  std::string Bytes(int i) override {
    // Blob first, then bytes: the order SQLite documents for a stable pointer.
    const void* p = sqlite3_column_blob(st_, i);
    const int n = sqlite3_column_bytes(st_, i);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) ThrowSqlite(db_, rc);
  }
  sqlite3* db_;
  sqlite3_stmt* st_;
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& name, const SqliteOpenOptions& options) {
  int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  if (options.uri) flags |= SQLITE_OPEN_URI;
  if (options.one_thread) flags |= SQLITE_OPEN_NOMUTEX;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    throw Error((rc & 0xff) == SQLITE_CANTOPEN ? Error::Kind::kCantOpen : Error::Kind::kOther,
                why);
  }
  if (options.busy_timeout_ms > 0) sqlite3_busy_timeout(db, options.busy_timeout_ms);
  db_ = db;
}

SqliteConnection::~SqliteConnection() { sqlite3_close_v2(db_); }

void SqliteConnection::Exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) ThrowSqlite(db_, rc);
}

std::unique_ptr<StatementImpl> SqliteConnection::Prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), Length(sql), &st, nullptr);
  if (rc != SQLITE_OK) ThrowSqlite(db_, rc);
  if (!st) throw Error(Error::Kind::kOther, "empty statement");
  return std::make_unique<SqliteStatement>(db_, st);
}

int64_t SqliteConnection::LastInsertId() { return sqlite3_last_insert_rowid(db_); }

bool SqliteConnection::InTransaction() { return sqlite3_get_autocommit(db_) == 0; }

bool SqliteConnection::TableExists(std::string_view name) {
  auto st = Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  st->BindText(1, name, false);
  return st->Step();
}

void SqliteConnection::Begin(TxKind kind) {
  Exec(kind == TxKind::kRead ? "BEGIN" : "BEGIN IMMEDIATE");
}

int CopySqliteDatabase(SqliteConnection& from, SqliteConnection& to) {
  sqlite3_backup* backup = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
  if (!backup) ThrowSqlite(to.handle(), sqlite3_errcode(to.handle()));
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    rc = sqlite3_backup_step(backup, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
  }
  const int pages = sqlite3_backup_pagecount(backup);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) ThrowSqlite(to.handle(), rc);
  return pages;
}

}  // namespace agritrace::sql
