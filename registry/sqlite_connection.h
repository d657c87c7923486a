// The embedded store's connection: one SQLite database file (DESIGN.md §8). Only the store,
// backup and their tests name this class; everything else holds an sql::Connection.
#pragma once

#include <memory>
#include <string>

#include "agritrace/registry/sql_connection.h"

struct sqlite3;

namespace agritrace::sql {

struct SqliteOpenOptions {
  bool create = false;     // make the file when missing
  bool read_only = false;  // SQLITE_OPEN_READONLY
  bool uri = false;        // `name` is a file: URI (e.g. ?immutable=1)
  bool one_thread = false;  // used by one thread at a time: no per-call mutex (NOMUTEX)
  int busy_timeout_ms = 5000;
};

class SqliteConnection : public Connection {
 public:
  // Both throw Error (kind kCantOpen when the file cannot be opened).
  explicit SqliteConnection(const std::string& name, const SqliteOpenOptions& options = {});
  static std::unique_ptr<SqliteConnection> Open(const std::string& name,
                                                const SqliteOpenOptions& options = {}) {
    return std::make_unique<SqliteConnection>(name, options);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() override;

  Backend backend() const override { return Backend::kSqlite; }
  void Exec(std::string_view sql) override;
  std::unique_ptr<StatementImpl> Prepare(std::string_view sql) override;
  int64_t LastInsertId() override;
  bool InTransaction() override;
  bool TableExists(std::string_view name) override;
  void Begin(TxKind kind) override;

  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// Copies every page of `from` over `to` with SQLite's online backup, in steps that let writers
// in between (a change restarts the copy, so the result is one snapshot). Returns the pages.
int CopySqliteDatabase(SqliteConnection& from, SqliteConnection& to);

// Throws the error SQLite reports for `db` after a call returned `rc`.
[[noreturn]] void ThrowSqlite(sqlite3* db, int rc);

}  // namespace agritrace::sql
