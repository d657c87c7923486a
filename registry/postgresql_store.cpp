// Store::Open for a postgresql:// URL: the same registry in a PostgreSQL database, its schema
// from schemas/postgresql (the same numbered migrations as schemas/sql), its version in
// agritrace_schema rather than SQLite's PRAGMA user_version.

#include "agritrace/registry/store.h"
#include "registry/migration.h"
#include "registry/postgresql_connection.h"

namespace agritrace {
namespace {

constexpr Migration kPostgresqlMigrations[] = {
#include "postgresql_migrations.inc"
};

Status NotARegistry(const std::string& url, const std::string& why_zh, const std::string& why_en) {
  return Status::Io("数据库 " + sql::RedactedUrl(url) + " 不是 agritrace 登记库（" + why_zh +
                        "），未做任何改动；新建登记库请对空数据库运行 agritrace init",
                    "database " + sql::RedactedUrl(url) + " is not an agritrace registry (" + why_en +
                        "); nothing was changed. Run agritrace init on an empty database")
      .with_reason("not-a-registry");
}

}  // namespace

Result<std::unique_ptr<Store>> Store::OpenPostgresql(const std::string& url, OpenMode mode) {
  static_assert(std::size(kPostgresqlMigrations) > 0);
  if (std::end(kPostgresqlMigrations)[-1].version != LatestSchemaVersion())
    return Status::Corruption("PostgreSQL 迁移与 SQLite 迁移编号不一致",
                            "schemas/postgresql and schemas/sql disagree on the latest version");
  std::unique_ptr<sql::Connection> db;
  try {
    db = std::make_unique<sql::PostgresqlConnection>(url);
  } catch (const sql::Error& e) {
    return Status::Io("无法连接登记库 " + sql::RedactedUrl(url) + "：" + e.what(),
                      "cannot connect to the registry " + sql::RedactedUrl(url) + ": " + e.what());
  }
  try {
    // Two nodes starting together must not both migrate: the writer lock covers the check.
    db->Begin(sql::TxKind::kLogged);
    int version = 0;
    if (db->TableExists("agritrace_schema")) {
      version = db->QueryValue("SELECT version FROM agritrace_schema").Int();
    } else {
      const int64_t tables = db->QueryValue(
                                   "SELECT COUNT(*) FROM information_schema.tables WHERE "
                                   "table_schema = current_schema()")
                                 .Int64();
      db->Exec("ROLLBACK");
      if (tables > 0) return NotARegistry(url, "是别的程序的数据库", "another program's database");
      if (mode != OpenMode::kCreate) return NotARegistry(url, "数据库是空的", "the database is empty");
      db->Begin(sql::TxKind::kLogged);
      db->Exec("CREATE TABLE agritrace_schema (version BIGINT NOT NULL); "
               "INSERT INTO agritrace_schema VALUES (0)");
    }
    if (version > LatestSchemaVersion()) {
      db->Exec("ROLLBACK");
      return Status::Conflict("登记库的版本（" + std::to_string(version) + "）比本程序支持的（" +
                                  std::to_string(LatestSchemaVersion()) +
                                  "）新，请升级 agritrace 后再使用",
                              "the registry database is schema version " +
                                  std::to_string(version) + ", newer than this agritrace supports (" +
                                  std::to_string(LatestSchemaVersion()) + "); upgrade agritrace")
          .with_reason("schema-too-new");
    }
    // All pending migrations in the one transaction: PostgreSQL's DDL is transactional.
    for (const auto& m : kPostgresqlMigrations) {
      if (m.version <= version) continue;
      db->Exec(m.sql);
      db->Exec("UPDATE agritrace_schema SET version = " + std::to_string(m.version));
    }
    db->Exec("COMMIT");
    if (mode == OpenMode::kReadOnly) db->Exec("SET default_transaction_read_only = on");
  } catch (const sql::Error& e) {
    return Status::Io(std::string("打开或升级登记库失败：") + e.what(),
                      std::string("opening or migrating the registry failed: ") + e.what());
  }
  return std::unique_ptr<Store>(new Store(url, std::move(db)));
}

}  // namespace agritrace
