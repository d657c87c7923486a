// The PostgreSQL store's connection (issue 12): one libpq session. Statements are written with
// SQLite's `?` / `?N` placeholders and numbered here; each distinct statement is prepared once
// per session. Only store.cpp names this class.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "agritrace/registry/sql_connection.h"

struct pg_conn;

namespace agritrace::sql {

// True for a postgresql:// or postgres:// connection URL (anything else is an SQLite path).
bool IsPostgresqlUrl(const std::string& db);
// The URL as messages may show it: without a password (user:pw@ or ?password=).
std::string RedactedUrl(const std::string& url);

// `sql` with its `?` and `?N` placeholders as $N, outside quotes and comments; `params` gets the
// highest number used.
std::string NumberPlaceholders(std::string_view sql, int* params);

class PostgresqlConnection : public Connection {
 public:
  // Throws Error (kind kCantOpen) when the server cannot be reached or refuses the session.
  explicit PostgresqlConnection(const std::string& url);
  ~PostgresqlConnection() override;
  PostgresqlConnection(const PostgresqlConnection&) = delete;
  PostgresqlConnection& operator=(const PostgresqlConnection&) = delete;

  Backend backend() const override { return Backend::kPostgresql; }
  void Exec(std::string_view sql) override;
  std::unique_ptr<StatementImpl> Prepare(std::string_view sql) override;
  int64_t LastInsertId() override;
  bool InTransaction() override;
  bool TableExists(std::string_view name) override;
  void Begin(TxKind kind) override;

  // The name of the server-side prepared statement for `numbered` (prepared on first use), or
  // "" once the session keeps as many as it may (the statement then runs unprepared).
  std::string PreparedName(const std::string& numbered, const std::vector<unsigned>& types);  // Oids
  pg_conn* handle() { return conn_; }

 private:
  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;
};

// The advisory lock key every logged state change takes: "AGTR", as SQLite's application_id.
inline constexpr int64_t kWriterLockKey = 0x41475452;
// Scan inserts and folds (TxKind::kScans): "AGTS".
inline constexpr int64_t kScanLockKey = 0x41475453;

}  // namespace agritrace::sql
