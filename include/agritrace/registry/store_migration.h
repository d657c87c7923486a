// `agritrace migrate` (issue 12, DESIGN.md §11): a county's SQLite registry copied whole into an
// empty PostgreSQL database, with its signing keys, so that the copy is the same registry: the
// same rows under the same ids, the same transparency log (tree size and root), keys that still
// sign.
//
// What is copied comes from the source itself: every table of the SQLite file and its columns
// (sqlite_master, PRAGMA table_info), each matched to the table and column of the same name that
// the PostgreSQL migrations made; a table or column on one side only is an error, never dropped.
// Two exceptions: the target's own `agritrace_schema`, and a target column named `rowid` (tables
// whose order SQLite keeps in its hidden rowid) which receives that rowid. Tables go parents
// first (the target's foreign keys), rows in rowid or primary-key order, all in one target
// transaction that also holds the registry's writer lock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/status.h"

namespace agritrace {

struct MigrateOptions {
  // The highest sequence number in the source's scan journal (http/scan_journal.h), 0 when it is
  // empty or missing. Scans past the registry's scan_journal_through were answered by a server
  // that stopped before committing them: a copy taken now would lack them, so it is refused.
  uint64_t scan_journal_last = 0;
  // Called after every batch of rows with the table, rows copied so far and the table's total.
  std::function<void(const std::string& table, int64_t copied, int64_t total)> progress;
};

// A transparency log as `log verify` sees it: {"size","root" (base64),"checkpoints"}.
struct MigratedLog {
  uint64_t size = 0;
  std::string root;  // raw 32 bytes
  int64_t checkpoints = 0;
};
void to_json(Json& j, const MigratedLog& l);

// {"table","rows"}
struct MigratedTable {
  std::string table;
  int64_t rows = 0;
};
void to_json(Json& j, const MigratedTable& t);

// What a migration copied (schemas/migrate.schema.json).
struct RegistryMigration {
  std::string from;
  std::string to;  // the URL with its password hidden
  std::string key_dir;
  int64_t schema_version = 0;
  std::vector<MigratedTable> tables;  // in copy order
  int64_t rows = 0;
  int64_t keys = 0;  // key files copied (those already there, identical, are not counted)
  uint64_t table_mismatches = 0;
  MigratedLog source, target;  // equal
};
void to_json(Json& j, const RegistryMigration& m);

// Copies the registry at `from_path` (an SQLite file, upgraded to this binary's schema first) into
// the PostgreSQL database `to_url`, and the private keys of `from_path`.keys/ into
// $AGRITRACE_KEY_DIR (mode 0600). Before anything is written it refuses, with a reason:
//   not-a-registry / schema-too-new     the source is not a registry this binary can read
//   migrate-source-not-sqlite           `from_path` is not an SQLite file path
//   migrate-target-not-postgresql       `to_url` is not a postgresql:// URL
//   key-dir-unset                       AGRITRACE_KEY_DIR is not set
//   key-dir-holds-other-keys            it holds a key file that is not one of the source's
//   keys-missing                        the source's key folder or its current key is missing
//   migrate-target-not-empty            the target has tables of its own or a registry with rows
//   migrate-schema-differs              a table or column on one side only (or an FK cycle)
//   scans-not-committed                 see MigrateOptions::scan_journal_last
//   log-corrupt (Status::Corruption)    the source's log does not verify (`log verify`)
// A failure while copying (migrate-failed) or a copy whose log differs from the source's
// (migrate-log-differs) rolls the target back: it then holds the registry's empty tables, which a
// new run accepts; so does a failure of the server. The source is only read (after its upgrade).
Result<RegistryMigration> MigrateRegistry(const std::string& from_path, const std::string& to_url,
                             const MigrateOptions& options = {});

}  // namespace agritrace
