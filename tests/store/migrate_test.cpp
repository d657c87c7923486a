// agritrace migrate (issue 12, registry/store_migration.h): a populated SQLite registry copied
// whole into PostgreSQL, checked row by row and by its log; and every refusal and failure seen to
// leave the target without a row.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "agritrace/http/scan_journal.h"
#include "agritrace/http/scan_recorder.h"
#include "agritrace/labeler/label_job.h"
#include "agritrace/registry/checkpoint_signer.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/log_audit.h"
#include "agritrace/registry/log_store.h"
#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/store_migration.h"
#include "registry/postgresql_connection.h"
#include "tests/support/pg_database.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::PgDatabase;
using agritrace::testing::RegistryFixture;
using agritrace::testing::TempDir;

namespace {

// The SQLite fixture with what a county's registry holds after a season: lots, minted codes, a
// recall, a 合格证, scans (some folded into tallies) and a signed checkpoint.
struct SeasonRegistry : RegistryFixture {
  std::string lot, recalled;
  SeasonRegistry() {
    auto a = IssueLot(*store, TeaLot(100), "cli");  // 25 kg
    REQUIRE(a.ok());
    lot = a->code;
    auto b = IssueLot(*store, TeaLot(10), "cli");
    REQUIRE(b.ok());
    recalled = b->code;
    REQUIRE(labeler::MintUnitCodes(*store, {lot, 40, 4, "cli"}).ok());
    REQUIRE(labeler::MintUnitCodes(*store, {recalled, 10, 0, "cli"}).ok());
    REQUIRE(RecallLot(*store, recalled, "抽检不合格", "cli").ok());
    REQUIRE(AddTraceEvent(*store, lot, "shipping", NowUtc(), "469025", "顺丰", "发往海口").ok());
    auto hgz = IssueHgz(*store, testing::SampleHgz(lot));
    INFO(hgz.status().en());
    REQUIRE(hgz.ok());
    REQUIRE(SignRegistryCheckpoint(*store).ok());
    std::vector<ScanRow> scans;
    sql::Statement units(store->db(), "SELECT code FROM units ORDER BY lot_id, serial LIMIT 30");
    while (units.Step())
      scans.push_back({units.Column(0).String(), "unit", NowUtc(), std::string(64, 'a')});
    scans.push_back({"NOTACODE", "malformed", NowUtc(), std::string(64, 'b')});
    REQUIRE(InsertScans(store->db(), scans, 3).ok());
    REQUIRE(MergeScanTallies(store->db()).ok());
    REQUIRE(InsertScans(store->db(), {{scans[0].code, "unit", NowUtc(), std::string(64, 'c')}}, 4)
                .ok());
    REQUIRE(IssueLot(*store, TeaLot(5), "cli").ok());  // events after the checkpoint, too
  }
};

std::vector<std::string> SqliteTables(sql::Connection& db) {
  sql::Statement q(db,
                   "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                   "'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  std::vector<std::string> out;
  while (q.Step()) out.push_back(q.Column(0).String());
  return out;
}

// Every row of `table` as text, the source's columns only, sorted: equal on both sides when the
// copy holds the same values (PostgreSQL's extra rowid column left out).
std::vector<std::string> Rows(sql::Connection& db, const std::string& table,
                              const std::string& columns) {
  sql::Statement q(db, "SELECT " + columns + " FROM " + table);
  std::vector<std::string> out;
  while (q.Step()) {
    std::string line;
    for (int c = 0; c < q.ColumnCount(); ++c)
      line += (q.Column(c).IsNull() ? std::string("NULL") : q.Column(c).Blob()) + "|";
    out.push_back(std::move(line));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Columns(sql::Connection& sqlite, const std::string& table) {
  sql::Statement q(sqlite, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
  q.Bind(1, table);
  std::string out;
  while (q.Step()) out += (out.empty() ? "\"" : ", \"") + q.Column(0).String() + "\"";
  return out;
}

int64_t TableCount(const std::string& url) {
  sql::PostgresqlConnection db(url);
  return db
      .QueryValue(
          "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
          "current_schema()")
      .Int64();
}

// Rows in every table of the registry at `url` but the schema's own: 0 for an empty target.
int64_t RegistryRows(const std::string& url) {
  sql::PostgresqlConnection db(url);
  sql::Statement q(db,
                   "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                   "current_schema() AND table_name NOT IN ('agritrace_schema', 'registry_meta')");
  std::vector<std::string> tables;
  while (q.Step()) tables.push_back(q.Column(0).String());
  int64_t rows = 0;
  for (const auto& t : tables) rows += db.QueryValue("SELECT COUNT(*) FROM " + t).Int64();
  return rows;
}

}  // namespace

TEST_CASE("a populated SQLite registry migrates whole to PostgreSQL and keeps its log and keys",
          "[store][migrate]") {
  SeasonRegistry f;
  PgDatabase pg;
  TempDir keys;
  setenv("AGRITRACE_KEY_DIR", (keys / "pg-keys").c_str(), 1);
  const std::string source_kid = CurrentSigningKey(*f.store)->kid;
  const uint64_t source_size = Size(f.store->db());
  const std::string source_root = *Root(f.store->db(), source_size);

  std::map<std::string, int64_t> progress;
  MigrateOptions options;
  options.scan_journal_last = 4;  // all committed: scan_journal_through is 4
  options.progress = [&](const std::string& table, int64_t copied, int64_t total) {
    CHECK(copied <= total);
    progress[table] = copied;
  };
  auto r = MigrateRegistry(f.db, pg.url(), options);
  INFO(r.status().en());
  REQUIRE(r.ok());
  CHECK(Json(r->source) == Json(r->target));
  CHECK(r->target.size == source_size);
  CHECK(r->target.root == source_root);
  CHECK(r->keys == 1);
  CHECK(r->table_mismatches == 0);
  CHECK(progress["units"] == 54);
  // `migrate --json` (schemas/migrate.schema.json): every field, the roots in base64, the
  // password hidden, the tables in copy order.
  Json tables = Json::array();
  int64_t rows = 0;
  for (const MigratedTable& t : r->tables) {
    tables.push_back({{"table", t.table}, {"rows", t.rows}});
    rows += t.rows;
  }
  CHECK(r->rows == rows);
  CHECK(r->schema_version == f.store->db().QueryValue("PRAGMA user_version").Int64());
  const Json log = {{"size", source_size},
                    {"root", Base64Encode(source_root)},
                    {"checkpoints", 1}};
  CHECK(Json(*r) == Json{{"from", f.db},
                         {"to", sql::RedactedUrl(pg.url())},
                         {"key_dir", keys / "pg-keys"},
                         {"schema_version", r->schema_version},
                         {"tables", tables},
                         {"rows", rows},
                         {"keys", 1},
                         {"table_mismatches", 0},
                         {"source", log},
                         {"target", log}});

  auto copy = Store::Open(pg.url(), OpenMode::kExisting);
  REQUIRE(copy.ok());
  Store& dst = **copy;
  // Every table, every row, every value, under the same ids.
  for (const std::string& table : SqliteTables(f.store->db())) {
    INFO(table);
    const std::string cols = Columns(f.store->db(), table);
    const auto want = Rows(f.store->db(), table, cols);
    CHECK(Rows(dst.db(), table, cols) == want);
    int64_t reported = -1;
    for (const MigratedTable& t : r->tables)
      if (t.table == table) reported = t.rows;
    CHECK(reported == static_cast<int64_t>(want.size()));
  }
  // Insertion order kept where the registry reads it from SQLite's rowid.
  CHECK(Rows(dst.db(), "lot_households", "lot_id, household, rowid") ==
        Rows(f.store->db(), "lot_households", "lot_id, household, rowid"));

  // The copy's log is the original's: size, root, checkpoints, and rows against events.
  CHECK(Size(dst.db()) == source_size);
  CHECK(*Root(dst.db(), source_size) == source_root);
  const Status verified = VerifyLog(dst.db(), NoteVerifiers(dst));
  INFO(verified.en());
  CHECK(verified.ok());
  auto audit = AuditTables(dst.db());
  REQUIRE(audit.ok());
  CHECK(audit->mismatch_count == 0);

  // The keys came along (0600) and still sign; new ids follow the copied ones.
  struct stat st;
  REQUIRE(stat((keys / "pg-keys/" + source_kid + ".pem").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(CurrentSigningKey(dst)->kid == source_kid);
  const int64_t max_lot = dst.db().QueryValue("SELECT MAX(id) FROM lots").Int64();
  auto next = IssueLot(dst, f.TeaLot(3), "cli");
  INFO(next.status().en());
  REQUIRE(next.ok());
  CHECK(*LotId(dst, next->code) == max_lot + 1);
  CHECK(static_cast<uint64_t>(next->event_index) == source_size);
  REQUIRE(labeler::MintUnitCodes(dst, {next->code, 3, 0, "cli"}).ok());
  REQUIRE(InsertScans(dst.db(), {{next->code, "lot", NowUtc(), std::string(64, 'd')}}).ok());
  auto cp = SignRegistryCheckpoint(dst);
  INFO(cp.status().en());
  REQUIRE(cp.ok());
  CHECK(cp->size == source_size + 3);  // the lot, the mint, the checkpoint's own event
  const Status after = VerifyLog(dst.db(), NoteVerifiers(dst));  // old and new checkpoints
  INFO(after.en());
  CHECK(after.ok());
  CHECK(dst.db().QueryValue("SELECT COUNT(*) FROM checkpoints").Int64() == 2);
}

TEST_CASE("migrate refuses a target that is not empty and leaves it as it was",
          "[store][migrate]") {
  SeasonRegistry f;
  TempDir keys;
  setenv("AGRITRACE_KEY_DIR", (keys / "k").c_str(), 1);
  PgDatabase pg;
  REQUIRE(MigrateRegistry(f.db, pg.url()).ok());
  const int64_t rows = RegistryRows(pg.url());
  auto again = MigrateRegistry(f.db, pg.url());
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().reason() == "migrate-target-not-empty");
  CHECK(RegistryRows(pg.url()) == rows);

  PgDatabase other;
  {
    sql::PostgresqlConnection db(other.url());
    db.Exec("CREATE TABLE customers (id BIGINT)");
  }
  auto foreign = MigrateRegistry(f.db, other.url());
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.status().reason() == "migrate-target-not-empty");
  CHECK(TableCount(other.url()) == 1);
}

TEST_CASE("migrate refuses, writing nothing, without a key folder, a source or its keys",
          "[store][migrate]") {
  SeasonRegistry f;
  PgDatabase pg;
  TempDir keys;

  unsetenv("AGRITRACE_KEY_DIR");
  auto unset = MigrateRegistry(f.db, pg.url());
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.status().reason() == "key-dir-unset");

  setenv("AGRITRACE_KEY_DIR", (keys / "k").c_str(), 1);
  auto missing = MigrateRegistry(f.dir / "nowhere.db", pg.url());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().reason() == "not-a-registry");

  auto not_pg = MigrateRegistry(f.db, f.dir / "copy.db");
  REQUIRE_FALSE(not_pg.ok());
  CHECK(not_pg.status().reason() == "migrate-target-not-postgresql");

  // A key folder holding another registry's key.
  mkdir((keys / "k").c_str(), 0700);
  testing::WriteFileText(keys / "k/0123456789abcdef.pem", "another registry's key\n");
  auto shared = MigrateRegistry(f.db, pg.url());
  REQUIRE_FALSE(shared.ok());
  CHECK(shared.status().reason() == "key-dir-holds-other-keys");
  unlink((keys / "k/0123456789abcdef.pem").c_str());

  // Scans a killed server answered but never stored.
  MigrateOptions pending;
  pending.scan_journal_last = 9;
  auto scans = MigrateRegistry(f.db, pg.url(), pending);
  REQUIRE_FALSE(scans.ok());
  CHECK(scans.status().reason() == "scans-not-committed");

  // The source's private keys gone.
  REQUIRE(rename(KeyDirFor(f.db).c_str(), (f.dir / "hidden.keys").c_str()) == 0);
  auto keyless = MigrateRegistry(f.db, pg.url());
  REQUIRE_FALSE(keyless.ok());
  CHECK(keyless.status().reason() == "keys-missing");

  CHECK(TableCount(pg.url()) == 0);
  CHECK(testing::RunProcess({"/bin/sh", "-c", "ls -A " + keys / "k" + " | grep -q ."}).exit_code !=
        0);
}

TEST_CASE("a failure while copying rolls the target back, and a new run then succeeds",
          "[store][migrate]") {
  SeasonRegistry f;
  PgDatabase pg;
  TempDir keys;
  setenv("AGRITRACE_KEY_DIR", (keys / "k").c_str(), 1);
  // SQLite keeps 1.5 in an INTEGER column; PostgreSQL's BIGINT refuses it, mid-copy.
  f.store->db().Exec(
      "INSERT INTO refusals(at, org_id, product_id, reason, message) "
      "VALUES ('2026-04-01T00:00:00Z', 1.5, NULL, 'test', 'x')");
  auto failed = MigrateRegistry(f.db, pg.url());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().reason() == "migrate-failed");
  CHECK(RegistryRows(pg.url()) == 0);  // the registry's empty tables, not a row in them
  struct stat st;
  CHECK(stat((keys / "k/" + CurrentSigningKey(*f.store)->kid + ".pem").c_str(), &st) != 0);

  f.store->db().Exec("UPDATE refusals SET org_id = 1 WHERE reason = 'test'");
  auto r = MigrateRegistry(f.db, pg.url());
  INFO(r.status().en());
  REQUIRE(r.ok());
  CHECK(Json(r->source) == Json(r->target));
}

TEST_CASE("agritrace migrate and log verify end to end: the copy prints the same size and root",
          "[store][migrate]") {
  SeasonRegistry f;
  PgDatabase pg;
  TempDir keys;
  setenv("AGRITRACE_KEY_DIR", (keys / "k").c_str(), 1);
  f.store.reset();
  auto run = [](std::vector<std::string> args) {
    args.insert(args.begin(), AGRITRACE_BIN);
    return testing::RunProcess(args);
  };
  // A server's journal holding a scan it never stored refuses the migration.
  const std::string journal_path = http::ScanJournalPath(f.db);
  {
    auto journal = http::ScanJournal::Open(journal_path);
    REQUIRE(journal.ok());
    REQUIRE(
        (*journal)->Append({{5, {"NOTACODE", "malformed", NowUtc(), std::string(64, 'e')}}}).ok());
  }
  auto refused = run({"migrate", "--from", f.db, "--to", pg.url()});
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("agritrace serve") != std::string::npos);
  CHECK(TableCount(pg.url()) == 0);
  {
    auto journal = http::ScanJournal::Open(journal_path);
    REQUIRE(journal.ok());
    REQUIRE((*journal)->Rewrite({}).ok());  // what serve does once it stored them
  }

  auto migrated = run({"--json", "migrate", "--from", f.db, "--to", pg.url()});
  INFO(migrated.err);
  REQUIRE(migrated.exit_code == 0);
  CHECK(testing::SchemaErrors("migrate.schema.json", migrated.out) == "");
  auto out = nlohmann::json::parse(migrated.out);
  CHECK(out["source"] == out["target"]);

  auto original = run({"--db", f.db, "--json", "log", "verify"});
  auto copied = run({"--db", pg.url(), "--json", "log", "verify"});
  INFO(original.err << copied.err);
  REQUIRE(original.exit_code == 0);
  REQUIRE(copied.exit_code == 0);
  CHECK(testing::SchemaErrors("log-verify.schema.json", copied.out) == "");
  auto a = nlohmann::json::parse(original.out), b = nlohmann::json::parse(copied.out);
  CHECK(a["size"] == b["size"]);
  CHECK(a["root"] == b["root"]);
  CHECK(b["root"] == out["target"]["root"]);
  CHECK(a["rows_checked"] == b["rows_checked"]);

  // A second run is refused: the copy is a registry now.
  auto twice = run({"migrate", "--from", f.db, "--to", pg.url()});
  CHECK(twice.exit_code == 3);
  CHECK(twice.err.find("不是空的") != std::string::npos);
}
