#include "agritrace/registry/store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/log_store.h"
#include "registry/migration.h"
#include "registry/postgresql_connection.h"
#include "registry/sqlite_connection.h"

namespace agritrace {
namespace {
constexpr Migration kMigrations[] = {
#include "migrations.inc"
};
}  // namespace

int LatestSchemaVersion() { return std::end(kMigrations)[-1].version; }

Store::Store(const std::string& path, const std::string& name, bool read_only, bool create)
    : path_(path),
      name_(name),
      db_(sql::SqliteConnection::Open(
          name, {.create = create, .read_only = read_only, .uri = name != path})) {}

namespace {

Status NotARegistry(const std::string& path, const std::string& why_zh, const std::string& why_en) {
  return Status::Io(
             "文件 " + path + " 不是 agritrace 登记库（" + why_zh +
                 "），未做任何改动；新建登记库请运行 agritrace init，已有的请用 --db 指定其路径",
             "file " + path + " is not an agritrace registry (" + why_en +
                 "); nothing was changed. Run agritrace init to create one, or pass the "
                 "existing registry with --db")
      .with_reason("not-a-registry");
}

// What can be told from the file alone, before SQLite opens it (and might create or write it).
Status CheckFile(const std::string& path, OpenMode mode) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT && mode == OpenMode::kCreate) return Status::Ok();
    if (errno == ENOENT) return NotARegistry(path, "文件不存在", "no such file");
    return Status::Io("无法访问登记库 " + path + "：" + strerror(errno),
                      "cannot reach registry " + path + ": " + strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return NotARegistry(path, "不是普通文件", "not a regular file");
  if (st.st_size == 0)
    return mode == OpenMode::kCreate ? Status::Ok()
                                     : NotARegistry(path, "空文件", "the file is empty");
  char head[16] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in.read(head, sizeof head) || std::memcmp(head, "SQLite format 3", 16) != 0)
    return NotARegistry(path, "不是 SQLite 数据库", "not a SQLite database");
  return Status::Ok();
}

// A URI naming `path` for SQLITE_OPEN_URI, every byte but unreserved ones percent-encoded.
std::string FileUri(const std::string& path, const char* query) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "file:";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + "?" + query;
}

// True when `path` exists with at least one byte.
bool HasBytes(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && st.st_size > 0;
}

}  // namespace

Status Store::CheckRegistry() {
  const int app_id = db_->QueryValue("PRAGMA application_id").Int();
  const int version = db_->QueryValue("PRAGMA user_version").Int();
  if (app_id != 0 && app_id != kRegistryApplicationId)
    return NotARegistry(path_, "是别的程序的数据库", "another program's database");
  if (version > LatestSchemaVersion())
    return Status::Conflict("登记库的版本（" + std::to_string(version) + "）比本程序支持的（" +
                                std::to_string(LatestSchemaVersion()) +
                                "）新，请升级 agritrace 后再使用",
                            "the registry database is schema version " + std::to_string(version) +
                                ", newer than this agritrace supports (" +
                                std::to_string(LatestSchemaVersion()) + "); upgrade agritrace")
        .with_reason("schema-too-new");
  if (app_id == kRegistryApplicationId) return Status::Ok();
  // Registries from before migration 006 carry no application_id: know them by their tables.
  const int ours = db_->QueryValue(
                          "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                          "('registry_meta', 'events', 'regions')")
                       .Int();
  if (version >= 1 && ours == 3) return Status::Ok();
  return NotARegistry(path_, "没有登记库的表", "it lacks the registry's tables");
}

Store::Store(std::string path, std::unique_ptr<sql::Connection> db)
    : path_(std::move(path)), name_(path_), db_(std::move(db)) {}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, OpenMode mode) {
  if (sql::IsPostgresqlUrl(path)) return OpenPostgresql(path, mode);
  if (Status s = CheckFile(path, mode); !s.ok()) return s;
  std::unique_ptr<Store> store;
  // Only `init` makes a registry, and only of a missing or empty file.
  struct stat st;
  const bool fresh = mode == OpenMode::kCreate && (stat(path.c_str(), &st) != 0 || st.st_size == 0);
  try {
    if (mode == OpenMode::kReadOnly) {
      try {
        store.reset(new Store(path, path, true, false));
        if (Status s = store->CheckRegistry(); !s.ok()) return s;
      } catch (const sql::Error& e) {
        // A WAL registry on a read-only mount: SQLite cannot make the -shm index. With no -wal
        // content every commit is in the main file, which then cannot change under us.
        if (e.kind() != sql::Error::Kind::kCantOpen || HasBytes(path + "-wal")) throw;
        store.reset();
        store.reset(new Store(path, FileUri(path, "immutable=1"), true, false));
        if (Status s = store->CheckRegistry(); !s.ok()) return s;
      }
      if (store->db_->QueryValue("PRAGMA user_version").Int() < LatestSchemaVersion()) {
        // Upgrade once, read-write, then read as asked.
        store.reset();
        auto upgraded = Open(path, OpenMode::kExisting);
        if (!upgraded.ok()) return upgraded.status();
        upgraded->reset();
        return Open(path, OpenMode::kReadOnly);
      }
      store->db_->Exec("PRAGMA query_only=ON");
      store->db_->Exec("PRAGMA foreign_keys=ON");
      return store;
    }
    store.reset(new Store(path, path, false, fresh));
    if (!fresh)
      if (Status s = store->CheckRegistry(); !s.ok()) return s;
    sql::Connection& db = *store->db_;
    db.Exec("PRAGMA journal_mode=WAL");
    db.Exec("PRAGMA foreign_keys=ON");
    db.Exec("PRAGMA synchronous=FULL");
  } catch (const sql::Error& e) {
    return Status::Io("无法打开登记库 " + path + "：" + e.what(),
                      "cannot open registry database " + path + ": " + e.what());
  }
  Status s = store->Migrate();
  if (!s.ok()) return s;
  return store;
}

Status Store::Migrate() {
  try {
    int current = db_->QueryValue("PRAGMA user_version").Int();
    for (const auto& m : kMigrations) {
      if (m.version <= current) continue;
      sql::Transaction tx(*db_);
      db_->Exec(m.sql);
      db_->Exec("PRAGMA user_version=" + std::to_string(m.version));
      tx.Commit();
    }
  } catch (const sql::Error& e) {
    return Status::Io(std::string("升级登记库结构失败：") + e.what(),
                      std::string("schema migration failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::Transact(const std::function<Status()>& fn) {
  try {
    db_->Begin(sql::TxKind::kLogged);
  } catch (const sql::Error& e) {
    return Status::Io(std::string("登记库忙或不可写：") + e.what(),
                      std::string("the registry is busy or read-only: ") + e.what());
  }
  Status s;
  try {
    s = fn();
    if (s.ok()) db_->Exec("COMMIT");
  } catch (const std::exception& e) {
    s = Status::Io(std::string("写入登记库失败：") + e.what(),
                   std::string("writing the registry failed: ") + e.what());
  }
  if (!s.ok()) {
    try {
      db_->Exec("ROLLBACK");
    } catch (const sql::Error&) {
      // Already rolled back by SQLite (e.g. after a disk-full error).
    }
  }
  return s;
}

Result<int64_t> Store::AppendEvent(std::string_view kind, const Json& data) {
  int64_t seq = db_->QueryValue("SELECT COALESCE(MAX(idx) + 1, 0) FROM events").Int64();
  std::string at = NowUtc();
  Json event = {{"seq", seq}, {"kind", kind}, {"at", at}, {"data", data}};
  auto leaf = CanonicalJson(event);
  if (!leaf.ok()) return leaf.status();
  sql::Statement ins(*db_, "INSERT INTO events(idx, kind, at, leaf) VALUES (?, ?, ?, ?)");
  ins.Bind(1, seq);
  ins.Bind(2, std::string(kind));
  ins.Bind(3, at);
  ins.Bind(4, *leaf);
  ins.Exec();
  Status s = AppendLeaf(*db_, static_cast<uint64_t>(seq), *leaf);
  if (!s.ok()) return s;
  return seq;
}

std::string Store::Meta(const std::string& key) {
  sql::Statement q(*db_, "SELECT value FROM registry_meta WHERE key = ?");
  q.Bind(1, key);
  return q.Step() ? q.Column(0).String() : std::string();
}

void Store::SetMeta(const std::string& key, const std::string& value) {
  sql::Statement q(*db_,
                   "INSERT INTO registry_meta(key, value) VALUES (?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  q.Bind(1, key);
  q.Bind(2, value);
  q.Exec();
}

Status DbError(const std::exception& e) {
  Status s = Status::Io(std::string("数据库错误：") + e.what(),
                        std::string("database error: ") + e.what());
  // Another connection holds the write lock: worth waiting for, unlike other failures.
  if (auto* db = dynamic_cast<const sql::Error*>(&e); db && db->kind() == sql::Error::Kind::kBusy)
    s.with_reason(std::string(kDbBusy));
  return s;
}

bool IsPostgresqlRegistry(const std::string& db) { return sql::IsPostgresqlUrl(db); }

bool CanReadRegistry(sql::Connection& db) {
  return db.QueryValue("SELECT COUNT(*) FROM signing_keys").Int64() >= 0;
}

std::unique_ptr<sql::Connection> OpenReadConnection(const std::string& path,
                                                    const std::string& read_only_name) {
  if (sql::IsPostgresqlUrl(path)) {
    // The primary or a streaming replica (serve --read-db): reads only, either way.
    auto pg = std::make_unique<sql::PostgresqlConnection>(path);
    pg->Exec("SET default_transaction_read_only = on");
    return pg;
  }
  std::unique_ptr<sql::SqliteConnection> db;
  // A pooled connection serves one thread at a time. Read-write open with query_only: a read-only open can fail on a WAL database whose -shm file
  // does not exist yet.
  if (read_only_name.empty())
    db = sql::SqliteConnection::Open(path, {.one_thread = true});
  else
    db = sql::SqliteConnection::Open(
        read_only_name, {.read_only = true, .uri = read_only_name != path, .one_thread = true});
  db->Exec("PRAGMA query_only=ON");
  // Every scan commit by the writer resets a reader's page cache; mapped pages come back from
  // the OS cache without a read() each.
  db->Exec("PRAGMA mmap_size=268435456");
  return db;
}

std::unique_ptr<sql::Connection> OpenScanWriterConnection(const std::string& path) {
  if (sql::IsPostgresqlUrl(path)) {
    auto pg = std::make_unique<sql::PostgresqlConnection>(path);
    // As synchronous=NORMAL below: a scan batch's commit does not wait for the server's WAL
    // flush. A crash of this node loses nothing (its scan journal replays); a crash of the
    // database server loses at most its last moments of scans, never registry state.
    pg->Exec("SET synchronous_commit = off");
    return pg;
  }
  auto db = sql::SqliteConnection::Open(path, {.one_thread = true});  // the writer thread's only
  db->Exec("PRAGMA journal_mode=WAL");
  // A commit writes the WAL without waiting for fsync: it survives a crash of this process, and
  // a power cut loses at most the last moments of scans (never registry state, which the Store
  // commits with synchronous=FULL). An fsync stall on a busy disk would otherwise stop the
  // writer for seconds while the queue fills.
  db->Exec("PRAGMA synchronous=NORMAL");
  // Checkpoints stay on this connection, right after its commits: from any other thread they
  // could never catch up with the writer, and the WAL would grow without end. Keep the file
  // from staying huge after a burst.
  db->Exec("PRAGMA journal_size_limit=67108864");
  // Scans index random codes: keep the index pages a batch touches in memory.
  db->Exec("PRAGMA cache_size=-32768");
  return db;
}

void PrepareStoreForThreads() {
  // Possible only before SQLite initialises (a no-op after).
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

}  // namespace agritrace
