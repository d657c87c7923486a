// A small registry on disk for tests: 白沙 regions, a tea cooperative with a green-food
// certificate, and a GI with its protected area.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "agritrace/registry/certifications.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/hgz.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/products.h"
#include "agritrace/registry/regions.h"
#include "tests/support/pg_database.h"
#include "tests/support/process.h"

namespace agritrace::testing {

// Every row of every table except `refusals` (and `except`), as text: equal snapshots mean
// nothing changed. The scan tallies (scan_tallies, lot_scan_days) are left out: the scan writer
// folds them in its own time from rows in `scans`, which the snapshot does hold.
inline std::string Snapshot(Store& store, const std::string& except = "") {
  std::string out;
  const bool pg = store.db().backend() == sql::Backend::kPostgresql;
  sql::Statement tables(store.db(),
                        pg ? "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                             "current_schema() AND table_name NOT IN ('refusals', 'scan_tallies', "
                             "'lot_scan_days') ORDER BY 1"
                           : "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                             "name NOT IN ('refusals', 'scan_tallies', 'lot_scan_days') ORDER BY name");
  std::vector<std::string> names;
  while (tables.Step()) names.push_back(tables.Column(0).String());
  for (const std::string& t : names) {
    if (t == except) continue;
    sql::Statement rows(store.db(), "SELECT * FROM " + t +
                                        (t == "registry_meta" ? " WHERE key <> 'scan_tallies_through'" : ""));
    // Sorted here, not by SQL: rows without a key come back in either store's own order.
    std::vector<std::string> lines;
    while (rows.Step()) {
      std::string line;
      for (int c = 0; c < rows.ColumnCount(); ++c) {
        auto col = rows.Column(c);
        line += col.IsNull() ? "NULL" : col.Blob();
        line += "|";
      }
      lines.push_back(std::move(line));
    }
    std::sort(lines.begin(), lines.end());
    out += "#" + t + "\n";
    for (const auto& line : lines) out += line + "\n";
  }
  return out;
}

// Tampering as an intruder with the database's own client would, in either store's dialect.
inline bool OnPostgresql(Store& store) { return store.db().backend() == sql::Backend::kPostgresql; }
inline std::string RandomBlobSql(Store& store) {
  return OnPostgresql(store) ? "decode(md5(random()::text) || md5(random()::text), 'hex')"
                             : "randomblob(32)";
}
inline void ForeignKeysOff(Store& store) {
  store.db().Exec(OnPostgresql(store) ? "SET session_replication_role = replica"
                                      : "PRAGMA foreign_keys = OFF");
}
inline void DropTrigger(Store& store, const std::string& trigger, const std::string& table) {
  store.db().Exec("DROP TRIGGER " + trigger + (OnPostgresql(store) ? " ON " + table : ""));
}

// A 承诺达标合格证 for 12.5 kg of `lot`, on a commissioned test with its report.
inline HgzInput SampleHgz(const std::string& lot) {
  HgzInput in;
  in.lot = lot;
  in.weight_g = 12500;
  in.basis = "commissioned-test";
  in.report = "HN2026-0412";
  in.contact = "13800138000";
  return in;
}

inline std::string DaysAgo(int n) { return AddDays(TodayShanghai(), -n); }

// ctest runs the registry, labeler and http suites twice: on SQLite files, and with
// AGRITRACE_TEST_STORE=postgresql on the throwaway cluster of fixture `postgresql`.
inline bool TestsOnPostgresql() {
  const char* s = std::getenv("AGRITRACE_TEST_STORE");
  return s != nullptr && std::string(s) == "postgresql";
}

struct RegistryFixture {
  TempDir dir;
  std::unique_ptr<PgDatabase> pg;  // the fresh database when the suite runs on PostgreSQL
  std::string db;                  // where the store is: a file in `dir`, or pg's URL
  std::unique_ptr<Store> store;
  int64_t org = 0, other_org = 0, tea = 0, coffee = 0, other_product = 0;
  std::string green = "LB-18-2304460123A", gi = "AGI01234";

  RegistryFixture() : RegistryFixture(std::string()) {}
  // On the store at `at` (an empty PostgreSQL database's URL); when empty, on the suite's store.
  explicit RegistryFixture(const std::string& at) {
    if (!at.empty()) {
      db = at;
    } else if (TestsOnPostgresql()) {
      pg = std::make_unique<PgDatabase>();
      db = pg->url();
    } else {
      db = dir / "registry.db";
    }
    // A PostgreSQL registry keeps its signing keys in AGRITRACE_KEY_DIR: one per fixture.
    if (sql::IsPostgresqlUrl(db)) setenv("AGRITRACE_KEY_DIR", (dir / "keys").c_str(), 1);
    auto s = Store::Open(db, OpenMode::kCreate);
    REQUIRE(s.ok());
    store = std::move(s).value();
    const Status keyed = store->Transact([&]() -> Status {
      store->SetMeta("name", "trace.test.example");
      store->SetMeta("base_url", "https://v.test.example");
      auto k = CreateSigningKey(*store);
      return k.ok() ? Status::Ok() : k.status();
    });
    INFO(keyed.en());
    REQUIRE(keyed.ok());
    for (auto r : std::vector<RegionInput>{{"469025", "白沙黎族自治县", false},
                                           {"469025100000", "牙叉镇", false},
                                           {"469025100201", "南溪村", true},
                                           {"469025101000", "细水乡", false},
                                           {"469025101202", "元门村", false},
                                           {"469026", "昌江黎族自治县", false},
                                           {"469026100000", "石碌镇", false},
                                           {"469026100201", "水头村", false}})
      REQUIRE(AddRegion(*store, r).ok());
    org = AddOrganisation(*store, {"白沙县牙叉镇茶叶专业合作社", "91350100M000100Y43", "cooperative", "469025"}, "cli")->id;
    other_org = AddOrganisation(*store, {"昌江某企业", "91620105L015101280", "enterprise", "469026"}, "cli")->id;
    tea = AddProduct(*store, {org, "白沙绿茶", "茶叶", 250, "6901234567892"})->product.id;
    coffee = AddProduct(*store, {org, "白沙咖啡", "咖啡", 500, ""})->product.id;
    other_product = AddProduct(*store, {other_org, "昌江芒果", "水果", 1000, ""})->product.id;
    CertificationInput gf{"green-food", green, "中国绿色食品发展中心", org, {tea}, DaysAgo(400), "", 5000, {}};
    auto added = AddCertification(*store, gf, "cli");
    INFO(added.status().en());
    REQUIRE(added.ok());
    CertificationInput agi{"geographic-indication", gi, "农业农村部", org, {tea}, "2019-01-01", "", -1, {"469025100000"}};
    REQUIRE(AddCertification(*store, agi, "cli").ok());
  }

  // Where a test's scan recorder keeps its journal: beside the file, as serve does by default; a
  // PostgreSQL registry's node names it (serve --scan-journal).
  std::string ScanJournal() const { return dir / "registry.db-scans"; }

  LotInput TeaLot(int64_t units = 100) const {
    LotInput l;
    l.product_id = tea;
    l.origin = "469025100201";
    l.harvested = DaysAgo(10);
    l.packed = DaysAgo(5);
    l.units = units;
    l.certs = {green};
    l.households = {{"H-0001", 12000, true}, {"H-0002", 8000, false}};
    l.inspections = {{"海南省检测中心", "HN2026-0412", "pass"}};
    return l;
  }
};

}  // namespace agritrace::testing
