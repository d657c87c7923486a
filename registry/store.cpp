#include "registry/store.h"

#include <sys/stat.h>

#include "registry/dates.h"
#include "registry/log_store.h"

namespace agritrace {
namespace {
struct Migration {
  int version;
  const char* name;
  const char* sql;
};
constexpr Migration kMigrations[] = {
#include "migrations.inc"
};
}  // namespace

int LatestSchemaVersion() { return std::end(kMigrations)[-1].version; }

Store::Store(const std::string& path, int flags) : path_(path), db_(path, flags, 5000) {}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, OpenMode mode) {
  struct stat st;
  if (mode == OpenMode::kExisting && stat(path.c_str(), &st) != 0)
    return Status::NotFound("找不到登记库 " + path + "；请先运行 agritrace init，或用 --db 指定路径",
                            "registry database " + path +
                                " not found; run agritrace init first or pass --db");
  std::unique_ptr<Store> store;
  try {
    int flags = SQLite::OPEN_READWRITE | (mode == OpenMode::kCreate ? SQLite::OPEN_CREATE : 0);
    store.reset(new Store(path, flags));
    auto& db = store->db_;
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA foreign_keys=ON");
    db.exec("PRAGMA synchronous=FULL");
  } catch (const SQLite::Exception& e) {
    return Status::Io("无法打开登记库 " + path + "：" + e.what(),
                      "cannot open registry database " + path + ": " + e.what());
  }
  Status s = store->Migrate();
  if (!s.ok()) return s;
  return store;
}

Status Store::Migrate() {
  try {
    int current = db_.execAndGet("PRAGMA user_version").getInt();
    if (current > LatestSchemaVersion())
      return Status::Conflict(
          "登记库的版本（" + std::to_string(current) + "）比本程序支持的（" +
              std::to_string(LatestSchemaVersion()) + "）新，请升级 agritrace 后再使用",
          "the registry database is schema version " + std::to_string(current) +
              ", newer than this agritrace supports (" + std::to_string(LatestSchemaVersion()) +
              "); upgrade agritrace")
          .with_reason("schema-too-new");
    for (const auto& m : kMigrations) {
      if (m.version <= current) continue;
      SQLite::Transaction tx(db_);
      db_.exec(m.sql);
      db_.exec("PRAGMA user_version=" + std::to_string(m.version));
      tx.commit();
    }
  } catch (const SQLite::Exception& e) {
    return Status::Io(std::string("升级登记库结构失败：") + e.what(),
                      std::string("schema migration failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::Transact(const std::function<Status()>& fn) {
  try {
    db_.exec("BEGIN IMMEDIATE");
  } catch (const SQLite::Exception& e) {
    return Status::Io(std::string("登记库忙或不可写：") + e.what(),
                      std::string("the registry is busy or read-only: ") + e.what());
  }
  Status s;
  try {
    s = fn();
    if (s.ok()) db_.exec("COMMIT");
  } catch (const std::exception& e) {
    s = Status::Io(std::string("写入登记库失败：") + e.what(),
                   std::string("writing the registry failed: ") + e.what());
  }
  if (!s.ok()) {
    try {
      db_.exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
      // Already rolled back by SQLite (e.g. after a disk-full error).
    }
  }
  return s;
}

Result<int64_t> Store::AppendEvent(std::string_view kind, const Json& data) {
  int64_t seq = db_.execAndGet("SELECT COALESCE(MAX(idx) + 1, 0) FROM events").getInt64();
  std::string at = NowUtc();
  Json event = {{"seq", seq}, {"kind", kind}, {"at", at}, {"data", data}};
  auto leaf = CanonicalJson(event);
  if (!leaf.ok()) return leaf.status();
  SQLite::Statement ins(db_, "INSERT INTO events(idx, kind, at, leaf) VALUES (?, ?, ?, ?)");
  ins.bind(1, seq);
  ins.bind(2, std::string(kind));
  ins.bind(3, at);
  ins.bind(4, *leaf);
  ins.exec();
  Status s = AppendLeaf(db_, static_cast<uint64_t>(seq), *leaf);
  if (!s.ok()) return s;
  return seq;
}

std::string Store::Meta(const std::string& key) {
  SQLite::Statement q(db_, "SELECT value FROM registry_meta WHERE key = ?");
  q.bind(1, key);
  return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

void Store::SetMeta(const std::string& key, const std::string& value) {
  SQLite::Statement q(db_,
                      "INSERT INTO registry_meta(key, value) VALUES (?, ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  q.bind(1, key);
  q.bind(2, value);
  q.exec();
}

Status DbError(const std::exception& e) {
  return Status::Io(std::string("数据库错误：") + e.what(),
                    std::string("database error: ") + e.what());
}

}  // namespace agritrace
