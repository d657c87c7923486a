// The registry's SQLite file (DESIGN.md §8): WAL, foreign keys, synchronous=FULL, migrations
// from schemas/sql/ tracked by PRAGMA user_version, and the one way to change state: a
// transaction that appends its event to the transparency log.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "registry/canonical_json.h"
#include "registry/status.h"

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
  // Opens (or with kCreate, creates) the database and upgrades its schema in place. A missing or
  // empty file (but for kCreate), one that is not SQLite, or a SQLite database that is not a
  // registry is refused with Status::Io (reason "not-a-registry") and left as it was; so is a
  // database written by a newer agritrace ("schema-too-new").
  static Result<std::unique_ptr<Store>> Open(const std::string& path, OpenMode mode);

  SQLite::Database& db() { return db_; }
  const std::string& path() const { return path_; }

  // Runs `fn` inside one BEGIN IMMEDIATE transaction, committing when it returns ok and rolling
  // back otherwise (also on exceptions, which become Status::Io).
  Status Transact(const std::function<Status()>& fn);

  // Appends {"at","data","kind","seq"} as canonical JSON to `events` and to the Merkle log.
  // Must run inside Transact. Returns the event's 0-based index.
  Result<int64_t> AppendEvent(std::string_view kind, const Json& data);

  std::string Meta(const std::string& key);
  void SetMeta(const std::string& key, const std::string& value);

 private:
  Store(const std::string& path, const std::string& name, int flags);
  Status Migrate();
  Status CheckRegistry();
  std::string path_;
  SQLite::Database db_;
};

}  // namespace agritrace
