// The registry's SQLite file (DESIGN.md §8): WAL, foreign keys, synchronous=FULL, migrations
// from schemas/sql/ tracked by PRAGMA user_version, and the one way to change state: a
// transaction that appends its event to the transparency log.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/status.h"

namespace agritrace {

enum class OpenMode {
  kCreate,    // `init` only: a missing or empty file becomes a new registry
  kExisting,  // read-write: the file must already be a registry; pending migrations are applied
  // Reads only (SQLITE_OPEN_READONLY, query_only): works on a read-only file or mount. A registry
  // of an older schema is upgraded first, which needs it writable.
  kReadOnly,
};

// PRAGMA application_id of every registry ("AGTR"), set by migration 006.
inline constexpr int kRegistryApplicationId = 0x41475452;

// The highest schema version this binary knows.
int LatestSchemaVersion();

// The reason of a DbError when another connection held the database's write lock too long.
inline constexpr std::string_view kDbBusy = "db-busy";
// A failed database call as Status::Io, in SQLite's own words.
Status DbError(const std::exception& e);

class Store {
 public:
  // Opens (or with kCreate, creates) the database and upgrades its schema in place. `path` is
  // an SQLite file, or a postgresql:// URL of a PostgreSQL database, which `init` finds empty. A missing or
  // empty file (but for kCreate), one that is not SQLite, or a SQLite database that is not a
  // registry is refused with Status::Io (reason "not-a-registry") and left as it was; so is a
  // database written by a newer agritrace ("schema-too-new").
  static Result<std::unique_ptr<Store>> Open(const std::string& path, OpenMode mode);

  sql::Connection& db() { return *db_; }
  const std::string& path() const { return path_; }
  // What the store opened: the path, or with kReadOnly on a read-only mount its immutable=1
  // URI. OpenReadConnection(path(), open_name()) opens the same.
  const std::string& open_name() const { return name_; }

  // Runs `fn` inside one BEGIN IMMEDIATE transaction, committing when it returns ok and rolling
  // back otherwise (also on exceptions, which become Status::Io).
  Status Transact(const std::function<Status()>& fn);

  // Appends {"at","data","kind","seq"} as canonical JSON to `events` and to the Merkle log.
  // Must run inside Transact. Returns the event's 0-based index.
  Result<int64_t> AppendEvent(std::string_view kind, const Json& data);

  std::string Meta(const std::string& key);
  void SetMeta(const std::string& key, const std::string& value);

 private:
  Store(const std::string& path, const std::string& name, bool read_only, bool create);
  Store(std::string path, std::unique_ptr<sql::Connection> db);
  // `path` is a postgresql:// URL (postgresql_store.cpp).
  static Result<std::unique_ptr<Store>> OpenPostgresql(const std::string& url, OpenMode mode);
  Status Migrate();
  Status CheckRegistry();
  std::string path_;
  std::string name_;
  std::unique_ptr<sql::Connection> db_;
};

// True when `db` answers a read of the registry's tables (the server's health check); throws
// sql::Error when it cannot.
bool CanReadRegistry(sql::Connection& db);

// Connections the server keeps besides its Store's; both throw sql::Error.
// Whether `db` names a PostgreSQL registry (a postgresql:// URL) rather than a registry file.
bool IsPostgresqlRegistry(const std::string& db);

// A request thread's: reads only. With `read_only_name` (serve --read-only: a Store's
// open_name()) the file is opened read-only, as it may not be writable at all.
std::unique_ptr<sql::Connection> OpenReadConnection(const std::string& path,
                                                    const std::string& read_only_name);
// The scan writer's: commits without waiting for fsync (scans, never registry state).
std::unique_ptr<sql::Connection> OpenScanWriterConnection(const std::string& path);
// Before any connection of a many-threaded server: turns off SQLite's memory statistics, whose
// process-wide mutex on every allocation serialises the request threads.
void PrepareStoreForThreads();

}  // namespace agritrace
