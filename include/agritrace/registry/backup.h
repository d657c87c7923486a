// `agritrace backup` (DESIGN.md §8): a consistent copy of a live registry through SQLite's online
// backup API, together with its signing keys, so that one command saves everything a restore
// needs. Writers may keep working while the copy is taken: the backup restarts on their changes
// and the copy is one snapshot.
#pragma once

#include <cstdint>
#include <string>

#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/status.h"

namespace agritrace {

// A finished backup: {"out","keys","bytes","pages","events"} (`backup --json`).
struct RegistryBackup {
  std::string out;     // the backup file; its keys are in out.keys/
  int64_t keys = 0;    // private key files copied
  int64_t bytes = 0;   // size of the backup file
  int64_t pages = 0;   // SQLite pages copied
  int64_t events = 0;  // transparency-log events in the copy
};
void to_json(Json& j, const RegistryBackup& b);

// Copies the registry at `db_path` to `out_path` and its key folder to `out_path`.keys/ (mode 0700,
// keys 0600). Refuses (Status::Conflict) when `out_path` or its key folder exists, and writes
// nothing then. The copy is written under a temporary name, checked with PRAGMA integrity_check,
// and renamed into place last, so a failed or killed backup leaves no file that looks complete.
Result<RegistryBackup> BackupRegistry(const std::string& db_path, const std::string& out_path);

// Copies one private key file to `to`, which must not exist: mode 0600, flushed to disk before it
// counts as copied.
Status CopyKeyFile(const std::string& from, const std::string& to);

}  // namespace agritrace
