#include "agritrace/registry/unit_store.h"

#include <catch2/catch.hpp>
#include <set>

#include "agritrace/registry/crockford.h"
#include "registry/postgresql_connection.h"
#include "registry/sqlite_connection.h"
#include "tests/support/registry_fixture.h"

namespace agritrace {
namespace {

// An empty database of the suite's store: in memory, or a fresh PostgreSQL database.
struct TestDb {
  std::unique_ptr<testing::PgDatabase> pg;
  std::unique_ptr<sql::Connection> conn;
  TestDb() {
    if (testing::TestsOnPostgresql()) {
      pg = std::make_unique<testing::PgDatabase>();
      conn = std::make_unique<sql::PostgresqlConnection>(pg->url());
    } else {
      conn = std::make_unique<sql::SqliteConnection>(":memory:",
                                                     sql::SqliteOpenOptions{.create = true});
    }
  }
  operator sql::Connection&() { return *conn; }
};

// Just the units table of schemas/sql/002_labels_scans.sql (lots is not needed here).
void CreateUnits(sql::Connection& db) {
  db.Exec(db.backend() == sql::Backend::kPostgresql
              ? "CREATE TABLE units (code TEXT PRIMARY KEY, lot_id BIGINT NOT NULL, "
                "serial BIGINT NOT NULL, spare BIGINT NOT NULL DEFAULT 0, UNIQUE (lot_id, serial))"
              : "CREATE TABLE units (code TEXT PRIMARY KEY, lot_id INTEGER NOT NULL, "
                "serial INTEGER NOT NULL, spare INTEGER NOT NULL DEFAULT 0, "
                "UNIQUE (lot_id, serial)) WITHOUT ROWID");
}

std::string Code() {
  std::string payload = crockford::Random(15);
  return payload + crockford::CheckChar(payload);
}

std::vector<std::string> Codes(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(Code());
  return out;
}

TEST_CASE("unit codes are stored with serials continuing per lot", "[unit_store]") {
  TestDb test_db;
  sql::Connection& db = test_db;
  CreateUnits(db);
  sql::Transaction tx(db);
  const std::vector<std::string> first = Codes(100), second = Codes(50), spares = Codes(5),
                                 other = Codes(7);
  Result<int64_t> s1 = InsertUnits(db, 1, first, false);
  REQUIRE(s1.ok());
  CHECK(*s1 == 1);
  Result<int64_t> s2 = InsertUnits(db, 1, second, false);
  REQUIRE(s2.ok());
  CHECK(*s2 == 101);
  CHECK(*InsertUnits(db, 1, spares, true) == 151);
  CHECK(*InsertUnits(db, 2, other, false) == 1);  // serials are per lot
  tx.Commit();

  Result<UnitCounts> c1 = CountUnits(db, 1);
  REQUIRE(c1.ok());
  CHECK(c1->units == 155);
  CHECK(c1->spares == 5);
  CHECK(CountUnits(db, 2)->units == 7);
  CHECK(CountUnits(db, 2)->spares == 0);
  CHECK(CountUnits(db, 99)->units == 0);

  Result<UnitRow> found = LookupUnit(db, second[9]);
  REQUIRE(found.ok());
  CHECK(found->lot_id == 1);
  CHECK(found->serial == 110);
  CHECK_FALSE(found->spare);
  CHECK(LookupUnit(db, spares[0])->spare);
  CHECK(LookupUnit(db, other[6])->serial == 7);
  Result<UnitRow> missing = LookupUnit(db, Code());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
}

TEST_CASE("units stream by serial range, in order, and can stop early", "[unit_store]") {
  TestDb test_db;
  sql::Connection& db = test_db;
  CreateUnits(db);
  const std::vector<std::string> codes = Codes(1000);
  REQUIRE(InsertUnits(db, 3, codes, false).ok());
  REQUIRE(InsertUnits(db, 4, Codes(10), false).ok());
  std::vector<UnitRow> rows;
  REQUIRE(ForEachUnit(db, 3, 101, 200, [&](const UnitRow& r) {
            rows.push_back(r);
            return true;
          }).ok());
  REQUIRE(rows.size() == 100);
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].serial == static_cast<int64_t>(101 + i));
    CHECK(rows[i].code == codes[100 + i]);
    CHECK(rows[i].lot_id == 3);
  }
  int seen = 0;
  REQUIRE(ForEachUnit(db, 3, 1, 1000, [&](const UnitRow&) { return ++seen < 10; }).ok());
  CHECK(seen == 10);
  int none = 0;
  REQUIRE(ForEachUnit(db, 3, 1001, 2000, [&](const UnitRow&) { return ++none > 0; }).ok());
  CHECK(none == 0);
}

TEST_CASE("a code stored twice is a conflict and keeps what came before", "[unit_store]") {
  TestDb test_db;
  sql::Connection& db = test_db;
  CreateUnits(db);
  const std::string taken = Code();
  REQUIRE(InsertUnits(db, 1, {taken}, false).ok());
  Result<std::unique_ptr<UnitWriter>> w = UnitWriter::Open(db, 2);
  REQUIRE(w.ok());
  const std::vector<std::string> batch = {Code(), Code(), taken, Code()};
  Status s = (*w)->Add(batch, false);
  CHECK(s.code() == StatusCode::kConflict);
  CHECK(s.reason() == "unit-code-exists");
  CHECK(s.en().find(taken) != std::string::npos);
  CHECK((*w)->next_serial() == 3);  // two stored, the third refused
  CHECK(CountUnits(db, 2)->units == 2);
  CHECK(LookupUnit(db, taken)->lot_id == 1);
  // The writer goes on after a refusal.
  REQUIRE((*w)->Add(Code(), false).ok());
  CHECK((*w)->next_serial() == 4);
}

TEST_CASE("a big batch with a taken code inside a transaction names that code", "[unit_store]") {
  // PostgreSQL writes 500 rows a statement: the refused chunk is undone and retried row by row.
  TestDb test_db;
  sql::Connection& db = test_db;
  CreateUnits(db);
  const std::string taken = Code();
  REQUIRE(InsertUnits(db, 1, {taken}, false).ok());
  std::vector<std::string> batch = Codes(1200);
  batch[700] = taken;
  {
    sql::Transaction tx(db);
    Result<std::unique_ptr<UnitWriter>> w = UnitWriter::Open(db, 2);
    REQUIRE(w.ok());
    Status s = (*w)->Add(batch, false);
    CHECK(s.code() == StatusCode::kConflict);
    CHECK(s.reason() == "unit-code-exists");
    CHECK(s.en().find(taken) != std::string::npos);
    CHECK((*w)->next_serial() == 701);
  }  // the caller gives up: rolled back
  CHECK(CountUnits(db, 2)->units == 0);
  // Without a conflict the same writer stores all of them, serials 1..1200.
  batch[700] = Code();
  REQUIRE(InsertUnits(db, 2, batch, false).ok());
  CHECK(CountUnits(db, 2)->units == 1200);
  CHECK(LookupUnit(db, batch[1199])->serial == 1200);
}

TEST_CASE("two writers on one lot collide on the serial, not silently", "[unit_store]") {
  TestDb test_db;
  sql::Connection& db = test_db;
  CreateUnits(db);
  Result<std::unique_ptr<UnitWriter>> a = UnitWriter::Open(db, 5), b = UnitWriter::Open(db, 5);
  REQUIRE((*a)->Add(Code(), false).ok());
  Status s = (*b)->Add(Code(), false);
  CHECK(s.code() == StatusCode::kConflict);
  CHECK(s.reason() == "unit-serial-taken");
}

TEST_CASE("the caller's transaction decides: rolled back, nothing is stored", "[unit_store]") {
  TestDb test_db;
  sql::Connection& db = test_db;
  CreateUnits(db);
  {
    sql::Transaction tx(db);
    REQUIRE(InsertUnits(db, 1, Codes(20), false).ok());
    CHECK(CountUnits(db, 1)->units == 20);
  }  // no commit: rolled back
  CHECK(CountUnits(db, 1)->units == 0);
}

TEST_CASE("a database failure is a Status, not an exception", "[unit_store]") {
  TestDb test_db;  // no table
  sql::Connection& db = test_db;
  CHECK(UnitWriter::Open(db, 1).status().code() == StatusCode::kIo);
  CHECK(CountUnits(db, 1).status().code() == StatusCode::kIo);
  CHECK(LookupUnit(db, Code()).status().code() == StatusCode::kIo);
  CHECK(ForEachUnit(db, 1, 1, 2, [](const UnitRow&) { return true; }).code() == StatusCode::kIo);
}

}  // namespace
}  // namespace agritrace
