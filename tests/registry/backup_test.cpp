// agritrace backup: a copy taken while the registry changes is one consistent snapshot with
// its keys; an existing target is refused and nothing is written; no half backup is left.
#include "agritrace/registry/backup.h"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "agritrace/registry/log_store.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {
bool Exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}
int Mode(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}
}  // namespace

TEST_CASE("a backup is a consistent copy with its keys, and the copy can sign", "[backup][sqlite]") {
  RegistryFixture f;
  REQUIRE(IssueLot(*f.store, f.TeaLot()).ok());
  std::string out = f.dir / "backup.db";

  // A writer keeps issuing lots while the backup runs: the copy must still verify end to end.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto s = Store::Open(f.dir / "registry.db", OpenMode::kExisting);
    if (!s.ok()) return;  // Catch assertions are not thread-safe; the copy check below suffices
    for (int i = 0; i < 20 && !stop; ++i) (void)IssueLot(**s, f.TeaLot(1));
  });
  auto r = BackupRegistry(f.dir / "registry.db", out);
  stop = true;
  writer.join();
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->out == out);
  CHECK(r->keys == 1);
  CHECK(r->events > 0);
  CHECK(r->pages > 0);
  CHECK(r->bytes == static_cast<int64_t>(std::filesystem::file_size(out)));
  CHECK(Mode(out + ".keys") == 0700);
  CHECK_FALSE(Exists(out + ".partial"));

  auto copy = Store::Open(out, OpenMode::kExisting);
  REQUIRE(copy.ok());
  CHECK(VerifyLog((*copy)->db(), NoteVerifiers(**copy)).ok());
  CHECK((*copy)->db().QueryValue("SELECT COUNT(*) FROM events").Int64() == r->events);
  auto key = CurrentSigningKey(**copy);
  REQUIRE(key.ok());
  CHECK(Mode(out + ".keys/" + key->kid + ".pem") == 0600);
  // The restored registry issues and signs lots with the copied key.
  auto issued = IssueLot(**copy, f.TeaLot(1));
  INFO(issued.status().message());
  CHECK(issued.ok());
}

TEST_CASE("a backup onto an existing file is refused and writes nothing", "[backup][sqlite]") {
  RegistryFixture f;
  std::string out = f.dir / "backup.db";
  WriteFileText(out, "an older backup");
  auto r = BackupRegistry(f.dir / "registry.db", out);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kConflict);
  CHECK(r.status().zh().find("已存在") != std::string::npos);
  CHECK(ReadFileText(out) == "an older backup");
  CHECK_FALSE(Exists(out + ".keys"));
  CHECK_FALSE(Exists(out + ".partial"));

  auto missing = BackupRegistry(f.dir / "nowhere.db", f.dir / "b2.db");
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK_FALSE(Exists(f.dir / "b2.db"));
}

TEST_CASE("a backup into a folder that cannot be written leaves nothing behind", "[backup][sqlite]") {
  RegistryFixture f;
  std::string ro = f.dir / "ro";
  REQUIRE(mkdir(ro.c_str(), 0500) == 0);
  if (geteuid() == 0) {
    // root writes anywhere: use a path under a regular file instead, which fails for everyone.
    WriteFileText(f.dir / "file", "x");
    ro = f.dir / "file";
  }
  auto r = BackupRegistry(f.dir / "registry.db", ro + "/backup.db");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kIo);
  CHECK_FALSE(Exists(ro + "/backup.db"));
  CHECK_FALSE(Exists(ro + "/backup.db.keys"));
}
