// Migrations, the append-only event log, region import.
#include "agritrace/registry/store.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "agritrace/registry/regions.h"
#include "agritrace/registry/scan_store.h"
#include "registry/sqlite_connection.h"
#include "tests/support/process.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::ReadFileText;
using agritrace::testing::Snapshot;
using agritrace::testing::TempDir;
using agritrace::testing::WriteFileText;

TEST_CASE("a new database gets every migration", "[store][migrations][sqlite]") {
  TempDir dir;
  auto s = Store::Open(dir / "r.db", OpenMode::kCreate);
  REQUIRE(s.ok());
  CHECK((*s)->db().QueryValue("PRAGMA user_version").Int() == LatestSchemaVersion());
  CHECK((*s)->db().QueryValue("PRAGMA journal_mode").String() == "wal");
  CHECK((*s)->db().QueryValue("PRAGMA foreign_keys").Int() == 1);
  CHECK((*s)->db().TableExists("units"));
  CHECK((*s)->db().QueryValue("PRAGMA application_id").Int() == kRegistryApplicationId);
}

TEST_CASE("an older database is upgraded in place, keeping its rows", "[store][migrations][sqlite]") {
  TempDir dir;
  std::string path = dir / "old.db";
  {
    // A version-1 registry as an earlier agritrace left it.
    sql::SqliteConnection db(path, {.create = true});
    db.Exec(ReadFileText(AGRITRACE_SOURCE_DIR "/schemas/sql/001_registry.sql"));
    db.Exec("PRAGMA user_version=1");
    db.Exec("INSERT INTO regions(code, name) VALUES ('469025', '白沙黎族自治县')");
  }
  auto s = Store::Open(path, OpenMode::kExisting);
  REQUIRE(s.ok());
  CHECK((*s)->db().QueryValue("PRAGMA user_version").Int() == LatestSchemaVersion());
  CHECK((*s)->db().TableExists("scans"));
  CHECK((*s)->db().QueryValue("SELECT name FROM regions").String() == "白沙黎族自治县");
  // Migration 006 names the file as a registry.
  CHECK((*s)->db().QueryValue("PRAGMA application_id").Int() == kRegistryApplicationId);
}

TEST_CASE("a version-2 registry keeps its scans, and they fold into tallies", "[store][migrations][sqlite]") {
  TempDir dir;
  std::string path = dir / "v2.db";
  {
    sql::SqliteConnection db(path, {.create = true});
    db.Exec(ReadFileText(AGRITRACE_SOURCE_DIR "/schemas/sql/001_registry.sql"));
    db.Exec(ReadFileText(AGRITRACE_SOURCE_DIR "/schemas/sql/002_labels_scans.sql"));
    db.Exec("PRAGMA user_version=2");
    db.Exec("INSERT INTO scans(code, kind, at, net) VALUES "
            "('AAAA', 'unit', '2026-01-02T00:00:00Z', 'n1'), "
            "('AAAA', 'unit', '2026-01-01T00:00:00Z', 'n2'), "
            "('BBBB', 'unknown', '2026-01-03T00:00:00Z', 'n1')");
  }
  auto s = Store::Open(path, OpenMode::kExisting);
  REQUIRE(s.ok());
  auto& db = (*s)->db();
  // The unit scans stay rows; the unknown one is now a count (005_scan_misses.sql).
  CHECK(CountAllScans(db) == 2);
  CHECK(CountScanMisses(db, "unknown") == 1);
  CHECK(db.QueryValue("SELECT day || ' ' || net_hash FROM scan_misses").String() ==
        "2026-01-03 n1");
  CHECK(db.QueryValue("SELECT COUNT(*) FROM sqlite_master WHERE name = 'scans_code'").Int() == 0);
  CHECK(SummarizeScans(db, "AAAA", 4).count == 2);  // tally empty, tail complete
  REQUIRE(MergeScanTallies(db).ok());
  ScanSummary a = ScanSummaryQuery(db).RunFolded("AAAA", 4);
  CHECK(a.count == 2);
  CHECK(a.first_at == "2026-01-01T00:00:00Z");
  // The rebuilt table still refuses a kind outside the list.
  CHECK_THROWS(db.Exec("INSERT INTO scans(code, kind, at, net) VALUES ('C', 'bogus', 'x', 'n')"));
}

TEST_CASE("a version-10 registry's folded scans reach the console's tallies", "[store][migrations][sqlite]") {
  TempDir dir;
  std::string path = dir / "v10.db";
  {
    sql::SqliteConnection db(path, {.create = true});
    for (const char* f : {"001_registry", "002_labels_scans", "003_scan_tallies", "004_organic_codes",
                          "005_scan_misses", "006_registry_identity_denial_counts", "007_users",
                          "008_hgz", "009_print_runs", "010_code_exports"})
      db.Exec(ReadFileText(std::string(AGRITRACE_SOURCE_DIR "/schemas/sql/") + f + ".sql"));
    db.Exec("PRAGMA user_version=10");
    // Foreign keys are off on this raw connection: a lot and its codes without the rest.
    db.Exec("INSERT INTO lots(id, code, product_id, org_id, origin, harvested, packed, units, "
            "net_content_g, record_json, signature, kid, event_index, issued_at) VALUES "
            "(7, 'LOTCODE000', 1, 1, '469025100201', '2026-01-01', '2026-01-01', 2, 250, '{}', "
            "'s', 'k', 0, '2026-01-01T00:00:00Z')");
    db.Exec("INSERT INTO units(code, lot_id, serial, spare) VALUES ('AAAA', 7, 1, 0), ('BBBB', 7, 2, 1)");
    // Three scans folded (the 2nd at 16:30 UTC, the 2nd of January in Beijing), one not.
    db.Exec("INSERT INTO scans(code, kind, at, net) VALUES "
            "('AAAA', 'unit', '2026-01-01T01:00:00Z', 'n1'), "
            "('AAAA', 'unit', '2026-01-01T16:30:00Z', 'n2'), "
            "('LOTCODE000', 'lot', '2026-01-01T02:00:00Z', 'n1'), "
            "('AAAA', 'unit', '2026-01-03T00:00:00Z', 'n3')");
    db.Exec("INSERT INTO scan_tallies(code, count, first_at, nets) VALUES "
            "('AAAA', 2, '2026-01-01T01:00:00Z', 'n1' || char(10) || 'n2'), "
            "('LOTCODE000', 1, '2026-01-01T02:00:00Z', 'n1')");
    db.Exec("UPDATE registry_meta SET value = '3' WHERE key = 'scan_tallies_through'");
  }
  auto s = Store::Open(path, OpenMode::kExisting);
  REQUIRE(s.ok());
  auto& db = (*s)->db();
  CHECK(db.QueryValue("SELECT lot_id || ' ' || net_count || ' ' || last_at FROM scan_tallies "
                      "WHERE code = 'AAAA'")
            .String() == "7 2 2026-01-01T16:30:00Z");  // the unfolded scan is not in yet
  CHECK(db.QueryValue("SELECT lot_id IS NULL FROM scan_tallies WHERE code = 'LOTCODE000'").Int() == 1);
  CHECK(db.QueryValue("SELECT group_concat(day || '=' || count, ' ') FROM "
                      "(SELECT day, count FROM lot_scan_days WHERE lot_id = 7 ORDER BY day)")
            .String() == "2026-01-01=2 2026-01-02=1");
  CHECK(db.QueryValue("SELECT COUNT(*) FROM units INDEXED BY units_spare WHERE lot_id = 7 AND spare = 1")
            .Int() == 1);
  // The next fold adds the tail on top, once.
  REQUIRE(MergeScanTallies(db).ok());
  CHECK(db.QueryValue("SELECT count || ' ' || net_count || ' ' || last_at FROM scan_tallies "
                      "WHERE code = 'AAAA'")
            .String() == "3 3 2026-01-03T00:00:00Z");
  auto days = ScansPerDayOfLot(db, "LOTCODE000", "2026-01-01");
  REQUIRE(days.size() == 3);
  CHECK(days[2].day == "2026-01-03");
  CHECK(days[2].count == 1);
}

TEST_CASE("a newer database is refused and left untouched", "[store][migrations][sqlite]") {
  TempDir dir;
  std::string path = dir / "new.db";
  {
    sql::SqliteConnection db(path, {.create = true});
    db.Exec("CREATE TABLE future(x); PRAGMA user_version=99");
  }
  std::string before = ReadFileText(path);
  auto s = Store::Open(path, OpenMode::kExisting);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().zh().find("升级 agritrace") != std::string::npos);
  CHECK(s.status().reason() == "schema-too-new");
  sql::SqliteConnection db(path);
  CHECK(db.QueryValue("PRAGMA user_version").Int() == 99);
  CHECK_FALSE(db.TableExists("regions"));
}

TEST_CASE("a missing database is not created by ordinary commands", "[store][sqlite]") {
  TempDir dir;
  for (OpenMode mode : {OpenMode::kExisting, OpenMode::kReadOnly}) {
    auto s = Store::Open(dir / "none.db", mode);
    CHECK(s.status().code() == StatusCode::kIo);
    CHECK(s.status().reason() == "not-a-registry");
    CHECK(s.status().zh().find("agritrace init") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "none.db"));
  }
}

TEST_CASE("events are append-only and written with their change", "[store]") {
  agritrace::testing::RegistryFixture f;
  int64_t events = f.store->db().QueryValue("SELECT COUNT(*) FROM events").Int64();
  CHECK(events > 0);
  CHECK_THROWS(f.store->db().Exec("UPDATE events SET leaf = 'x' WHERE idx = 0"));
  CHECK_THROWS(f.store->db().Exec("DELETE FROM events"));
  // A failing change rolls back its event too.
  Status s = f.store->Transact([&]() -> Status {
    auto ev = f.store->AppendEvent("test.event", {{"x", 1}});
    REQUIRE(ev.ok());
    return Status::Invalid("no", "no");
  });
  CHECK_FALSE(s.ok());
  CHECK(f.store->db().QueryValue("SELECT COUNT(*) FROM events").Int64() == events);
  // Leaves are canonical JSON with consecutive seq numbers.
  sql::Statement q(f.store->db(), "SELECT idx, leaf FROM events ORDER BY idx");
  int64_t expect = 0;
  while (q.Step()) {
    Json leaf = Json::parse(q.Column(1).String());
    CHECK(leaf["seq"] == expect++);
    CHECK(*CanonicalJson(leaf) == q.Column(1).String());
  }
}

TEST_CASE("region CSV import is all or nothing", "[store][regions]") {
  agritrace::testing::RegistryFixture f;
  TempDir dir;
  SECTION("good file with BOM, header, quotes and flags") {
    WriteFileText(dir / "r.csv",
                  "\xEF\xBB\xBF" "code,name,poverty_registered\r\n"
                  "469025102201,\"荣邦村\",是\r\n"
                  "469025102000,荣邦乡,0\r\n");
    auto r = ImportRegionsFile(*f.store, dir / "r.csv");
    REQUIRE(r.ok());
    CHECK(r->imported == 2);
    CHECK(RegionFullName(*f.store, "469025102201") == "白沙黎族自治县荣邦乡荣邦村");
  }
  SECTION("a village without its township refuses the file, naming the line") {
    WriteFileText(dir / "r.csv", "469025102000,荣邦乡\n469025103201,某村\n");
    std::string before = Snapshot(*f.store);
    auto r = ImportRegionsFile(*f.store, dir / "r.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().zh().find("第 2 行") != std::string::npos);
    CHECK(r.status().zh().find("469025103000") != std::string::npos);
    CHECK(Snapshot(*f.store) == before);
  }
  SECTION("a bad code refuses the file") {
    WriteFileText(dir / "r.csv", "469025102000,荣邦乡\n46902X,坏\n");
    std::string before = Snapshot(*f.store);
    auto r = ImportRegionsFile(*f.store, dir / "r.csv");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().en().find("line 2") != std::string::npos);
    CHECK(Snapshot(*f.store) == before);
  }
  SECTION("a file saved as GBK by Excel is read as GBK") {
    // "469025102000,荣邦乡" in GBK (found by tests/fuzz/csv_import_fuzz.cpp when GBK was refused).
    WriteFileText(dir / "r.csv", "469025102000,\xC8\xD9\xB0\xEE\xCF\xE7\n");
    auto r = ImportRegionsFile(*f.store, dir / "r.csv");
    REQUIRE(r.ok());
    CHECK(RegionFullName(*f.store, "469025102000") == "白沙黎族自治县荣邦乡");
    // A name typed as GBK bytes (not a file) is still refused.
    std::string before = Snapshot(*f.store);
    CHECK_FALSE(AddRegion(*f.store, {"469025103000", "\xC8\xD9\xB0\xEE\xCF\xE7"}).ok());
    CHECK(Snapshot(*f.store) == before);
  }
  CHECK(RegionContains("469025", "469025100201"));
  CHECK(RegionContains("469025100000", "469025100201"));
  CHECK_FALSE(RegionContains("469025100000", "469025101202"));
  CHECK(RegionContains("469025100201", "469025100201"));
}

TEST_CASE("only kCreate makes a registry, and only of a missing or empty file", "[store][sqlite]") {
  TempDir dir;
  const std::string foreign = dir / "foreign.db";
  {
    sql::SqliteConnection db(foreign, {.create = true});
    db.Exec("CREATE TABLE accounts(id INTEGER PRIMARY KEY)");
  }
  const std::string text = dir / "notes.txt";
  WriteFileText(text, "not a database at all, but long enough to have a header");
  const std::string empty = dir / "empty.db";
  WriteFileText(empty, "");
  for (const std::string& path : {foreign, text, empty}) {
    const std::string before = ReadFileText(path);
    for (OpenMode mode : {OpenMode::kExisting, OpenMode::kReadOnly, OpenMode::kCreate}) {
      if (path == empty && mode == OpenMode::kCreate) continue;
      INFO(path << " mode " << static_cast<int>(mode));
      auto s = Store::Open(path, mode);
      REQUIRE_FALSE(s.ok());
      CHECK(s.status().reason() == "not-a-registry");
      CHECK(s.status().en().find(path) != std::string::npos);
      CHECK(ReadFileText(path) == before);
    }
  }
  auto made = Store::Open(empty, OpenMode::kCreate);
  REQUIRE(made.ok());
  CHECK((*made)->db().TableExists("events"));
}

TEST_CASE("a read-only open reads and refuses writes", "[store]") {
  agritrace::testing::RegistryFixture f;
  auto ro = Store::Open(f.db, OpenMode::kReadOnly);
  REQUIRE(ro.ok());
  CHECK((*ro)->Meta("name") == "trace.test.example");
  CHECK_THROWS((*ro)->db().Exec("INSERT INTO regions(code, name) VALUES ('469027', 'x')"));
  Status s = (*ro)->Transact([&] {
    (*ro)->SetMeta("name", "changed");
    return Status::Ok();
  });
  CHECK_FALSE(s.ok());
  CHECK(f.store->Meta("name") == "trace.test.example");
}
