#include "agritrace/registry/sql_connection.h"

namespace agritrace::sql {

Value Connection::QueryValue(std::string_view sql) {
  std::shared_ptr<StatementImpl> stmt = Prepare(sql);
  if (!stmt->Step()) throw Error(Error::Kind::kOther, "query returned no row: " + std::string(sql));
  return Value(stmt.get(), 0, stmt);
}

int64_t Statement::Exec() {
  if (impl_->Step())
    throw Error(Error::Kind::kOther, "a statement run with Exec() returned rows; use Step()");
  return impl_->Changes();
}

Transaction::Transaction(Connection& db, TxKind kind) : db_(db) { db_.Begin(kind); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.Exec("ROLLBACK");
  } catch (const Error&) {
    // Already rolled back by the database (SQLite after a disk-full error, a lost connection).
  }
}

void Transaction::Commit() {
  db_.Exec("COMMIT");
  done_ = true;
}

}  // namespace agritrace::sql
