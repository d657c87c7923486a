#include "registry/postgresql_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <vector>

namespace agritrace::sql {
namespace {

// Type OIDs of pg_type: of results read differently, and of parameters sent typed.
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
              kFloat8Oid = 701, kNumericOid = 1700;
// Server-side prepared statements a session keeps; past it, statements run unprepared (audit
// queries built per request would otherwise grow the session without end).
constexpr size_t kMaxPrepared = 512;

std::string Trim(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

[[noreturn]] void ThrowResult(PGresult* res, pg_conn* conn) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  std::string what = Trim(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  if (what.empty()) what = Trim(PQerrorMessage(conn));
  Error::Kind kind = Error::Kind::kOther;
  const std::string code = state ? state : "";
  if (code == "23505") {
    // A primary key is a constraint like any other; other unique indexes are told apart, as
    // SQLite's extended codes do.
    const std::string name = constraint ? constraint : "";
    kind = name.size() > 5 && name.compare(name.size() - 5, 5, "_pkey") == 0
               ? Error::Kind::kConstraint
               : Error::Kind::kUnique;
  } else if (code.rfind("23", 0) == 0) {
    kind = Error::Kind::kConstraint;
  } else if (code == "40001" || code == "40P01" || code == "55P03") {
    kind = Error::Kind::kBusy;
  } else if (code.rfind("08", 0) == 0 || PQstatus(conn) != CONNECTION_OK) {
    kind = Error::Kind::kCantOpen;
  }
  PQclear(res);
  throw Error(kind, what);
}

// Runs `res`'s check: a result that is neither rows nor a finished command is an error.
PGresult* Checked(PGresult* res, pg_conn* conn) {
  const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) ThrowResult(res, conn);
  return res;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class PostgresqlStatement : public StatementImpl {
 public:
  PostgresqlStatement(PostgresqlConnection& db, std::string_view sql)
      : db_(db), sql_(NumberPlaceholders(sql, &params_)) {
    values_.resize(static_cast<size_t>(params_));
    lengths_.resize(static_cast<size_t>(params_));
    formats_.resize(static_cast<size_t>(params_));
    types_.resize(static_cast<size_t>(params_));
    nulls_.assign(static_cast<size_t>(params_), true);
  }
  ~PostgresqlStatement() override { PQclear(res_); }

  void BindNull(int i) override {
    Slot(i) = true;
    types_[static_cast<size_t>(i - 1)] = 0;
  }
  void BindInt64(int i, int64_t v) override { Set(i, std::to_string(v), 0, kInt8Oid); }
  void BindDouble(int i, double v) override {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    Set(i, std::string(buf, r.ptr), 0, kFloat8Oid);
  }
  // Text goes untyped, so the server reads it as the column it meets (text, date); numbers and
  // blobs are typed, so `? = 0` or `? IS NULL` need no cast.
  void BindText(int i, std::string_view v, bool) override { Set(i, std::string(v), 0, 0); }
  void BindBlob(int i, std::string_view v, bool) override { Set(i, std::string(v), 1, kByteaOid); }

  bool Step() override {
    if (!res_) Run();
    ++row_;
    return row_ < PQntuples(res_);
  }
  int64_t Changes() override {
    if (!res_) return 0;
    const char* n = PQcmdTuples(res_);
    return n && *n ? std::strtoll(n, nullptr, 10) : 0;
  }
  void Reset() override {
    PQclear(res_);
    res_ = nullptr;
    row_ = -1;
  }
  void ClearBindings() override { nulls_.assign(nulls_.size(), true); }
  int ParameterCount() override { return params_; }
  int ColumnCount() override {
    if (!res_) Run();  // as SQLite, a prepared statement knows its columns before a step
    return PQnfields(res_);
  }
  std::string ColumnName(int i) override {
    if (!res_) Run();
    const char* n = PQfname(res_, i);
    return n ? n : "";
  }
  bool IsNull(int i) override { return PQgetisnull(res_, Row(), i) == 1; }
  bool IsInteger(int i) override {
    if (IsNull(i)) return false;
    const Oid t = PQftype(res_, i);
    if (t == kInt8Oid || t == kInt4Oid || t == kInt2Oid) return true;
    // SUM of BIGINT is numeric in PostgreSQL, an integer in SQLite.
    return t == kNumericOid && !std::strchr(PQgetvalue(res_, Row(), i), '.');
  }
  int64_t Int64(int i) override {
    if (IsNull(i)) return 0;
    const char* v = PQgetvalue(res_, Row(), i);
    if (PQftype(res_, i) == kBoolOid) return v[0] == 't' ? 1 : 0;
    return std::strtoll(v, nullptr, 10);
  }
  double Double(int i) override {
    if (IsNull(i)) return 0;
    return std::strtod(PQgetvalue(res_, Row(), i), nullptr);
  }
  std::string Bytes(int i) override {
    if (IsNull(i)) return {};
    const char* v = PQgetvalue(res_, Row(), i);
    const size_t n = static_cast<size_t>(PQgetlength(res_, Row(), i));
    if (PQftype(res_, i) != kByteaOid) return std::string(v, n);
    // bytea in text form: \x and two hex digits a byte.
    std::string out;
    if (n < 2 || v[0] != '\\' || v[1] != 'x') return out;
    out.reserve((n - 2) / 2);
    for (size_t k = 2; k + 1 < n; k += 2)
      out.push_back(static_cast<char>(HexValue(v[k]) * 16 + HexValue(v[k + 1])));
    return out;
  }

 private:
  int Row() const { return row_ < 0 ? 0 : row_; }
  std::vector<char>::reference Slot(int i) {
    if (i < 1 || i > params_)
      throw Error(Error::Kind::kOther, "parameter " + std::to_string(i) + " out of range");
    return nulls_[static_cast<size_t>(i - 1)];
  }
  void Set(int i, std::string v, int format, Oid type) {
    Slot(i) = false;
    values_[static_cast<size_t>(i - 1)] = std::move(v);
    formats_[static_cast<size_t>(i - 1)] = format;
    types_[static_cast<size_t>(i - 1)] = type;
  }
  void Run() {
    std::vector<const char*> values(values_.size());
    for (size_t k = 0; k < values_.size(); ++k) {
      values[k] = nulls_[k] ? nullptr : values_[k].data();
      lengths_[k] = static_cast<int>(values_[k].size());
    }
    // A statement the verify page reuses for every scan asks the connection for its prepared
    // name once, and again only when a parameter's type changes (a NULL where an integer was).
    if (prepared_name_.empty() || prepared_types_ != types_) {
      prepared_name_ = db_.PreparedName(sql_, types_);
      prepared_types_ = types_;
    }
    PGresult* res =
        prepared_name_.empty()
            ? PQexecParams(db_.handle(), sql_.c_str(), params_, types_.data(), values.data(),
                           lengths_.data(), formats_.data(), 0)
            : PQexecPrepared(db_.handle(), prepared_name_.c_str(), params_, values.data(),
                             lengths_.data(), formats_.data(), 0);
    res_ = Checked(res, db_.handle());
    row_ = -1;
  }

  PostgresqlConnection& db_;
  int params_ = 0;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<int> lengths_, formats_;
  std::vector<Oid> types_;  // 0 lets the server infer the type
  std::string prepared_name_;  // "" until prepared (or when the session may prepare no more)
  std::vector<Oid> prepared_types_;  // the types prepared_name_ was prepared with
  std::vector<char> nulls_;
  PGresult* res_ = nullptr;
  int row_ = -1;
};

void IgnoreNotice(void*, const char*) {}

}  // namespace

std::string RedactedUrl(const std::string& url) {
  const std::string shown = std::regex_replace(url, std::regex("(://[^:/@]*):[^@]*@"), "$1:***@");
  return std::regex_replace(shown, std::regex("([?&]password=)[^&]*"), "$1***");
}

bool IsPostgresqlUrl(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string NumberPlaceholders(std::string_view sql, int* params) {
  std::string out;
  out.reserve(sql.size() + 8);
  int highest = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or quoted name, '' or "" inside it
      size_t j = i + 1;
      while (j < sql.size() && !(sql[j] == c && (j + 1 >= sql.size() || sql[j + 1] != c)))
        j += sql[j] == c ? 2 : 1;
      out.append(sql.substr(i, j + 1 - i));
      i = j;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      const size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      size_t j = i + 1;
      int n = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9' && n < 100000)
        n = n * 10 + (sql[j++] - '0');
      if (j == i + 1) n = highest + 1;  // a bare ? is the next number, as in SQLite
      highest = std::max(highest, n);
      out += '$';
      out += std::to_string(n);
      i = j - 1;
    } else {
      out += c;
    }
  }
  if (params) *params = highest;
  return out;
}

PostgresqlConnection::PostgresqlConnection(const std::string& url) {
  conn_ = PQconnectdb(url.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = Trim(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error(Error::Kind::kCantOpen, why);
  }
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
  // Times are RFC 3339 UTC text in the registry; the session's zone only matters to the few
  // date conversions in migrations and reports, which must read them as SQLite does.
  Exec("SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'");
}

PostgresqlConnection::~PostgresqlConnection() { PQfinish(conn_); }

void PostgresqlConnection::Exec(std::string_view sql) {
  PQclear(Checked(PQexec(conn_, std::string(sql).c_str()), conn_));
}

std::unique_ptr<StatementImpl> PostgresqlConnection::Prepare(std::string_view sql) {
  return std::make_unique<PostgresqlStatement>(*this, sql);
}

std::string PostgresqlConnection::PreparedName(const std::string& numbered,
                                               const std::vector<Oid>& types) {
  // One prepared statement per text and parameter types: a NULL or an integer in the same slot
  // are different statements to the server.
  std::string key = numbered;
  for (Oid t : types) key += "," + std::to_string(t);
  if (auto it = prepared_.find(key); it != prepared_.end()) return it->second;
  // Inside a failed transaction PREPARE fails too; statements then run (and fail) unprepared.
  if (prepared_.size() >= kMaxPrepared || PQtransactionStatus(conn_) == PQTRANS_INERROR)
    return {};
  std::string name = "agritrace_" + std::to_string(prepared_.size() + 1);
  PQclear(Checked(PQprepare(conn_, name.c_str(), numbered.c_str(), static_cast<int>(types.size()),
                            types.data()),
                  conn_));
  prepared_.emplace(std::move(key), name);
  return name;
}

int64_t PostgresqlConnection::LastInsertId() {
  return QueryValue("SELECT lastval()").Int64();
}

bool PostgresqlConnection::InTransaction() {
  return PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

bool PostgresqlConnection::TableExists(std::string_view name) {
  Statement q(*this,
              "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
              "AND table_name = ?");
  q.Bind(1, std::string(name));
  return q.Step();
}

void PostgresqlConnection::Begin(TxKind kind) {
  switch (kind) {
    case TxKind::kRead: Exec("BEGIN ISOLATION LEVEL REPEATABLE READ"); break;
    case TxKind::kWrite: Exec("BEGIN"); break;
    case TxKind::kScans:
      Exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kScanLockKey) + ")");
      break;
    case TxKind::kLogged:
      // Log appends are serialised by one lock held to commit: two writers never fork the tree.
      Exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLockKey) + ")");
      break;
  }
}

}  // namespace agritrace::sql
