// `log verify` holds the tables to the log (registry/log_audit.h): each tampering an intruder
// could do with raw SQL after dropping the triggers fails the verification, exit 1, and the
// output names the edited row by table and key; an untouched registry verifies.
#include <catch2/catch.hpp>

#include "agritrace/registry/dates.h"
#include "tests/support/cli_runner.h"

using agritrace::testing::Cli;
using agritrace::testing::RunProcess;
using nlohmann::json;

namespace {

struct Seeded {
  std::string lot, lot2;
  int64_t lot_id = 0, lot2_id = 0;
};

// A registry with two lots, minted units (spares too), a trace step, a suspended certificate,
// a token and two checkpoints.
Seeded Seed(Cli& cli) {
  cli.Seed();
  const std::string packed = agritrace::AddDays(agritrace::TodayShanghai(), -1);
  Seeded s;
  for (std::string* code : {&s.lot, &s.lot2}) {
    auto r = cli.Run({"--json", "lot", "issue", "--product", "1", "--origin", "469025100201",
                      "--harvested", packed, "--packed", packed, "--units", "20", "--cert",
                      "LB-18-2304460123A", "--household", "H-1:3:poor"});
    REQUIRE(r.exit_code == 0);
    *code = json::parse(r.out)["code"];
  }
  REQUIRE(cli.Run({"label", "mint", "--lot", s.lot, "--count", "8", "--spare", "2"}).exit_code ==
          0);
  REQUIRE(cli.Run({"label", "mint", "--lot", s.lot, "--count", "4"}).exit_code == 0);
  REQUIRE(cli.Run({"label", "mint", "--lot", s.lot2, "--count", "5"}).exit_code == 0);
  REQUIRE(cli.Run({"log", "checkpoint"}).exit_code == 0);
  REQUIRE(cli.Run({"lot", "event", "add", s.lot, "--step", "shipping", "--at",
                   packed + "T08:30:00+08:00", "--place", "469025"})
              .exit_code == 0);
  REQUIRE(cli.Run({"token", "create", "--role", "bureau", "--name", "县局"}).exit_code == 0);
  REQUIRE(cli.Run({"cert", "suspend", "LB-18-2304460123A", "--reason", "抽检"}).exit_code == 0);
  REQUIRE(cli.Run({"log", "checkpoint"}).exit_code == 0);
  auto id = [&](const std::string& code) {
    auto r =
        RunProcess({"/usr/bin/sqlite3", cli.db, "SELECT id FROM lots WHERE code = '" + code + "'"});
    return std::stoll(r.out);
  };
  s.lot_id = id(s.lot);
  s.lot2_id = id(s.lot2);
  return s;
}

void Sql(Cli& cli, const std::string& sql) {
  auto r = RunProcess({"/usr/bin/sqlite3", cli.db, sql});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("log verify passes an untouched registry and checks its rows", "[cli][log][log_audit]") {
  Cli cli;
  Seed(cli);
  json ok = cli.Json({"log", "verify"}, "log-verify.schema.json");
  CHECK(ok["ok"] == true);
  CHECK(ok["mismatch_count"] == 0);
  CHECK(ok["mismatches"].empty());
  CHECK(ok["checkpoints"] == 2);
  // 19 unit rows, 2 lots, the events and the other tables' rows.
  CHECK(ok["rows_checked"].get<int64_t>() > 19 + 2 + ok["size"].get<int64_t>());
  auto human = cli.Run({"log", "verify"});
  CHECK(human.exit_code == 0);
  CHECK(Has(human.out, "行登记数据与日志相符"));
}

TEST_CASE("log verify names each table row an intruder edited", "[cli][log][log_audit]") {
  Cli cli;
  Seeded s = Seed(cli);
  std::string table, key;

  SECTION("lots.record_json") {
    Sql(cli,
        "UPDATE lots SET record_json = replace(record_json, '\"units\":20', '\"units\":90') "
        "WHERE code = '" +
            s.lot + "'");
    table = "lots";
    key = "code=" + s.lot;
  }
  SECTION("lots.units") {
    Sql(cli, "UPDATE lots SET units = 900 WHERE code = '" + s.lot2 + "'");
    table = "lots";
    key = "code=" + s.lot2;
  }
  SECTION("a unit's lot_id") {
    auto code = RunProcess(
        {"/usr/bin/sqlite3", cli.db,
         "SELECT code FROM units WHERE lot_id = " + std::to_string(s.lot_id) + " AND serial = 3"});
    std::string c = code.out.substr(0, 16);
    Sql(cli, "UPDATE units SET lot_id = " + std::to_string(s.lot2_id) +
                 ", serial = 6 WHERE code = '" + c + "'");
    table = "units";
    key = "code=" + c;
  }
  SECTION("a trace event's step") {
    Sql(cli, "UPDATE trace_events SET step = 'retail'");
    table = "trace_events";
    key = "id=1";
  }
  SECTION("a deleted checkpoint") {
    auto newest = RunProcess({"/usr/bin/sqlite3", cli.db, "SELECT MAX(size) FROM checkpoints"});
    const std::string size = newest.out.substr(0, newest.out.find('\n'));
    Sql(cli, "DELETE FROM checkpoints WHERE size = " + size);
    table = "checkpoints";
    key = "size=" + size;
  }
  SECTION("an inserted unit row") {
    Sql(cli, "INSERT INTO units(code, lot_id, serial, spare) VALUES ('7KQ2M9XW40C1DJHN', " +
                 std::to_string(s.lot_id) + ", 15, 0)");
    table = "units";
    key = "code=7KQ2M9XW40C1DJHN";
  }
  SECTION("a certification's status flipped back") {
    Sql(cli, "UPDATE certifications SET status = 'active', status_reason = NULL");
    table = "certifications";
    key = "number=LB-18-2304460123A";
  }
  SECTION("a token's hash swapped") {
    Sql(cli, "UPDATE tokens SET hash = randomblob(32)");
    table = "tokens";
    key = "id=1";
  }
  SECTION("a token row inserted") {
    Sql(cli,
        "INSERT INTO tokens(hash, role, name, created_at) VALUES (randomblob(32), 'bureau', "
        "'x', '2026-01-01T00:00:00Z')");
    table = "tokens";
    key = "id=2";
  }
  SECTION("the base URL labels print") {
    Sql(cli, "UPDATE registry_meta SET value = 'https://v.evil.example' WHERE key = 'base_url'");
    table = "registry_meta";
    key = "key=base_url";
  }

  auto human = cli.Run({"log", "verify"});
  INFO(human.out << human.err);
  CHECK(human.exit_code == 1);
  CHECK(Has(human.out, "表 " + table + " 行 "));
  CHECK(Has(human.out, "table " + table + " row "));
  CHECK(Has(human.out, key));
  CHECK(Has(human.err, "登记表有"));
  CHECK(Has(human.err, "disagree with the log"));

  auto r = cli.Run({"--json", "log", "verify"});
  CHECK(r.exit_code == 1);
  CHECK(agritrace::testing::SchemaErrors("log-verify.schema.json", r.out) == "");
  json report = json::parse(r.out);
  CHECK(report["ok"] == false);
  bool named = false;
  for (const json& m : report["mismatches"])
    named = named || (m["table"] == table && Has(m["key"].get<std::string>(), key));
  CHECK(named);
}
