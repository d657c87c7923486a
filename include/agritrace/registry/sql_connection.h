// One connection to the registry's database, whichever store holds it (DESIGN.md §8): the
// embedded SQLite file or PostgreSQL. Registry code prepares statements, binds values, steps
// through rows and reads columns through these classes only, so no SQLite or libpq type leaves
// the two backends (sqlite_connection.cpp, postgresql_connection.cpp).
//
// Statements use `?` placeholders in both; the PostgreSQL backend numbers them ($1, $2, …).
// Failures throw sql::Error, as SQLiteCpp did before it, so a service keeps one try around a
// transaction rather than a check after every call.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace agritrace::sql {

// A failed database call, in the database's own words, with the kind of failure callers act on.
class Error : public std::runtime_error {
 public:
  enum class Kind {
    kOther,
    kBusy,        // another connection holds the write lock (SQLITE_BUSY, lock_not_available)
    kConstraint,  // a PRIMARY KEY, CHECK, NOT NULL or foreign key refused the row (SQLSTATE 23…)
    kUnique,      // a UNIQUE constraint other than the primary key refused it
    kCantOpen,    // the database could not be opened at all
  };
  Error(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }
  bool constraint() const { return kind_ == Kind::kConstraint || kind_ == Kind::kUnique; }

 private:
  Kind kind_;
};

// One backend's prepared statement. Columns and parameters count from 0 and 1, as in SQL.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void BindNull(int i) = 0;
  virtual void BindInt64(int i, int64_t v) = 0;
  virtual void BindDouble(int i, double v) = 0;
  // `copy` false: the bytes stay valid until the statement is stepped and reset (hot loops).
  virtual void BindText(int i, std::string_view v, bool copy) = 0;
  virtual void BindBlob(int i, std::string_view v, bool copy) = 0;
  virtual bool Step() = 0;  // true with a row to read, false when done
  virtual int64_t Changes() = 0;  // rows the last run inserted, updated or deleted
  virtual void Reset() = 0;
  virtual void ClearBindings() = 0;
  virtual int ParameterCount() = 0;  // the highest parameter number the statement uses
  virtual int ColumnCount() = 0;
  virtual std::string ColumnName(int i) = 0;
  virtual bool IsNull(int i) = 0;
  virtual bool IsInteger(int i) = 0;  // stored as an integer (a report keeps it a number)
  virtual int64_t Int64(int i) = 0;
  virtual double Double(int i) = 0;
  virtual std::string Bytes(int i) = 0;  // text as UTF-8, blobs as their bytes
};

// A column of the current row. Valid until the statement steps again (or, from QueryValue, on
// its own).
class Value {
 public:
  bool IsNull() const { return stmt_->IsNull(index_); }
  bool IsInteger() const { return stmt_->IsInteger(index_); }
  int64_t Int64() const { return stmt_->Int64(index_); }
  int Int() const { return static_cast<int>(stmt_->Int64(index_)); }
  double Double() const { return stmt_->Double(index_); }
  std::string String() const { return stmt_->Bytes(index_); }
  std::string Blob() const { return stmt_->Bytes(index_); }
  // NULL as "", for optional text columns.
  std::string StringOrEmpty() const { return IsNull() ? std::string() : String(); }

 private:
  friend class Statement;
  friend class Connection;
  Value(StatementImpl* stmt, int index, std::shared_ptr<StatementImpl> keep = nullptr)
      : stmt_(stmt), index_(index), keep_(std::move(keep)) {}
  StatementImpl* stmt_;
  int index_;
  std::shared_ptr<StatementImpl> keep_;  // owns the statement of a QueryValue
};

enum class Backend { kSqlite, kPostgresql };

enum class TxKind {
  kRead,    // one snapshot for every read (SQLite: BEGIN; PostgreSQL: REPEATABLE READ READ ONLY)
  kWrite,   // writes rows that no log event records (SQLite: BEGIN IMMEDIATE)
  // Scans and their tallies, which every verify node writes: on PostgreSQL a lock of its own held
  // to commit, so scan ids are taken in commit order (a fold reading `id > last folded` never
  // skips a row committed late) and two folds never add the same scans twice.
  kScans,
  // A state change with its log event: also holds the registry's one writer lock from the start
  // (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so two writers never fork the log.
  kLogged,
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  // Runs statements without parameters or rows (DDL, BEGIN, PRAGMA); several may be ;-separated.
  virtual void Exec(std::string_view sql) = 0;
  virtual std::unique_ptr<StatementImpl> Prepare(std::string_view sql) = 0;
  // The id the last INSERT on this connection gave its row.
  virtual int64_t LastInsertId() = 0;
  virtual bool InTransaction() = 0;
  virtual bool TableExists(std::string_view name) = 0;
  virtual void Begin(TxKind kind) = 0;
  // The first column of the first row; throws Error when there is no row.
  Value QueryValue(std::string_view sql);
};

class Statement {
 public:
  Statement(Connection& db, std::string_view sql) : impl_(db.Prepare(sql)) {}

  void Bind(int i) { impl_->BindNull(i); }
  void Bind(int i, int32_t v) { impl_->BindInt64(i, v); }
  void Bind(int i, uint32_t v) { impl_->BindInt64(i, v); }
  void Bind(int i, int64_t v) { impl_->BindInt64(i, v); }
  void Bind(int i, double v) { impl_->BindDouble(i, v); }
  void Bind(int i, const std::string& v) { impl_->BindText(i, v, true); }
  void Bind(int i, const char* v) { impl_->BindText(i, v, true); }
  // Text that outlives the next Step and Reset, bound without a copy.
  void BindView(int i, std::string_view v) { impl_->BindText(i, v, false); }
  void BindBlob(int i, std::string_view bytes) { impl_->BindBlob(i, bytes, true); }
  void BindBlob(int i, const void* data, size_t size) {
    impl_->BindBlob(i, std::string_view(static_cast<const char*>(data), size), true);
  }

  bool Step() { return impl_->Step(); }
  // Runs a statement that returns no rows; returns the rows it inserted, updated or deleted.
  int64_t Exec();
  Value Column(int i) { return Value(impl_.get(), i); }
  int ParameterCount() { return impl_->ParameterCount(); }
  int ColumnCount() { return impl_->ColumnCount(); }
  std::string ColumnName(int i) { return impl_->ColumnName(i); }
  // Ready to run again; bindings stay.
  void Reset() { impl_->Reset(); }
  void ClearBindings() { impl_->ClearBindings(); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

// A transaction rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& db, TxKind kind = TxKind::kWrite);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Connection& db_;
  bool done_ = false;
};

}  // namespace agritrace::sql
