// The scans table: batches are all-or-nothing, summaries, a lot's scans, and the salt kept in
// registry_meta.
#include "agritrace/registry/scan_store.h"

#include <catch2/catch.hpp>

#include "agritrace/registry/unit_store.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::RegistryFixture;

TEST_CASE("scans are inserted in one transaction and summarised per code", "[scans]") {
  RegistryFixture f;
  auto& db = f.store->db();
  REQUIRE(InsertScans(db, {}).ok());
  REQUIRE(InsertScans(db, {{"AAAA", "unit", "2026-01-02T00:00:00Z", "n1"},
                           {"AAAA", "unit", "2026-01-01T00:00:00Z", "n2"},
                           {"AAAA", "unit", "2026-01-03T00:00:00Z", "n1"},
                           {"BBBB", "lot", "2026-01-04T00:00:00Z", "n3"}})
              .ok());
  ScanSummary a = SummarizeScans(db, "AAAA", 10);
  CHECK(a.count == 3);
  CHECK(a.first_at == "2026-01-01T00:00:00Z");
  CHECK(a.nets.size() == 2);
  CHECK(SummarizeScans(db, "AAAA", 1).nets.size() == 1);  // capped
  ScanSummary none = SummarizeScans(db, "ZZZZ", 10);
  CHECK(none.count == 0);
  CHECK(none.first_at.empty());
  CHECK(none.nets.empty());
  CHECK(CountAllScans(db) == 4);

  // A bad row (kind outside the CHECK) refuses the whole batch.
  Status bad = InsertScans(db, {{"CCCC", "unit", "2026-01-05T00:00:00Z", "n"},
                                {"CCCC", "bogus", "2026-01-05T00:00:00Z", "n"}});
  CHECK_FALSE(bad.ok());
  CHECK(bad.code() == StatusCode::kIo);
  CHECK(bad.reason() == "scan-store-failed");
  CHECK(CountAllScans(db) == 4);
}

TEST_CASE("scans of a lot: its unit codes and its lot code, oldest first, paged", "[scans]") {
  RegistryFixture f;
  auto& db = f.store->db();
  std::string lot = IssueLot(*f.store, f.TeaLot())->code;
  std::string other = IssueLot(*f.store, f.TeaLot())->code;
  int64_t lot_id = db.QueryValue("SELECT id FROM lots WHERE code = '" + lot + "'").Int64();
  int64_t other_id = db.QueryValue("SELECT id FROM lots WHERE code = '" + other + "'").Int64();
  REQUIRE(InsertUnits(db, lot_id, {"UNITAAAAAAAAAAA1", "UNITAAAAAAAAAAA2"}, false).ok());
  REQUIRE(InsertUnits(db, other_id, {"UNITBBBBBBBBBBB1"}, false).ok());
  REQUIRE(InsertScans(db, {{"UNITAAAAAAAAAAA2", "unit", "2026-01-01T00:00:00Z", "n1"},
                           {"UNITBBBBBBBBBBB1", "unit", "2026-01-01T00:00:01Z", "n1"},
                           {lot, "lot", "2026-01-01T00:00:02Z", "n2"},
                           {"UNITAAAAAAAAAAA1", "unit", "2026-01-01T00:00:03Z", "n3"},
                           {other, "lot", "2026-01-01T00:00:04Z", "n3"}})
              .ok());
  auto all = ScansOfLot(db, lot, 0, 100);
  REQUIRE(all.size() == 3);
  CHECK(all[0].row.code == "UNITAAAAAAAAAAA2");
  CHECK(all[0].serial == 2);
  CHECK(all[1].row.kind == "lot");
  CHECK(all[1].serial == 0);
  CHECK(all[2].serial == 1);
  CHECK(all[2].row.net == "n3");
  CHECK(all[0].id < all[1].id);
  auto page = ScansOfLot(db, lot, all[0].id, 1);
  REQUIRE(page.size() == 1);
  CHECK(page[0].id == all[1].id);
  CHECK(ScansOfLot(db, "NOSUCHLOT0", 0, 100).empty());
}

TEST_CASE("the scan salt is made once and kept", "[scans]") {
  RegistryFixture f;
  auto s1 = ScanSalt(f.store->db());
  REQUIRE(s1.ok());
  CHECK(s1->size() == 64);
  CHECK(*ScanSalt(f.store->db()) == *s1);
  CHECK(f.store->Meta("scan_salt") == *s1);
  RegistryFixture other;
  CHECK(*ScanSalt(other.store->db()) != *s1);
}

TEST_CASE("folding scans into tallies: complete after a fold, tail counted before it", "[scans]") {
  RegistryFixture f;
  auto& db = f.store->db();
  REQUIRE(InsertScans(db, {{"AAAA", "unit", "2026-01-02T00:00:00Z", "n1"},
                           {"AAAA", "unit", "2026-01-01T00:00:00Z", "n2"},
                           {"BBBB", "lot", "2026-01-04T00:00:00Z", "n3"}})
              .ok());
  ScanSummaryQuery q(db);
  // Before any fold the tally is empty, and the complete summary reads the tail.
  CHECK(q.RunFolded("AAAA", 10).count == 0);
  CHECK(q.Run("AAAA", 10).count == 2);
  CHECK(UnfoldedScans(db) == 3);

  auto changed = MergeScanTallies(db);
  REQUIRE(changed.ok());
  CHECK(*changed == std::vector<std::string>{"AAAA", "BBBB"});
  CHECK(UnfoldedScans(db) == 0);
  ScanSummary a = q.RunFolded("AAAA", 10);
  CHECK(a.count == 2);
  CHECK(a.first_at == "2026-01-01T00:00:00Z");
  CHECK(a.nets == std::vector<std::string>{"n1", "n2"});
  CHECK(q.Run("AAAA", 10).count == 2);  // not counted twice
  CHECK(MergeScanTallies(db)->empty());  // nothing new

  // A second fold adds to the tally: count, an earlier first scan, a new network.
  REQUIRE(InsertScans(db, {{"AAAA", "unit", "2025-12-31T00:00:00Z", "n9"},
                           {"AAAA", "unit", "2026-01-05T00:00:00Z", "n1"}})
              .ok());
  CHECK(q.Run("AAAA", 10).count == 4);
  CHECK(q.RunFolded("AAAA", 10).count == 2);
  REQUIRE(MergeScanTallies(db).ok());
  a = q.RunFolded("AAAA", 10);
  CHECK(a.count == 4);
  CHECK(a.first_at == "2025-12-31T00:00:00Z");
  CHECK(a.nets.size() == 3);
  CHECK(q.RunFolded("AAAA", 1).nets.size() == 1);
  CHECK(CountAllScans(db) == 5);  // scans itself is untouched: the tallies are derived
}

TEST_CASE("a tally keeps at most 16 networks, enough to tell any K below it", "[scans]") {
  RegistryFixture f;
  std::vector<ScanRow> rows;
  for (int i = 0; i < 40; ++i)
    rows.push_back({"CCCC", "unit", "2026-01-01T00:00:00Z", "net" + std::to_string(i)});
  REQUIRE(InsertScans(f.store->db(), rows).ok());
  REQUIRE(MergeScanTallies(f.store->db()).ok());
  ScanSummary c = ScanSummaryQuery(f.store->db()).RunFolded("CCCC", 100);
  CHECK(c.count == 40);
  CHECK(c.nets.size() == kTallyNets);
}
