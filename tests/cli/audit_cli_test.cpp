// Tokens, the transparency log and audit reports through the CLI.
#include <catch2/catch.hpp>

#include "registry/dates.h"
#include "tests/support/cli_runner.h"

using agritrace::testing::Cli;
using agritrace::testing::ReadFileText;
using agritrace::testing::RunProcess;
using nlohmann::json;

namespace {
json IssueLot(Cli& cli) {
  std::string packed = agritrace::AddDays(agritrace::TodayShanghai(), -1);
  auto r = cli.Run({"--json", "lot", "issue", "--product", "1", "--origin", "469025100201", "--harvested", packed,
                    "--packed", packed, "--units", "40", "--cert", "LB-18-2304460123A",
                    "--household", "H-1:30:poor", "--household", "H-2:10"});
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}
}  // namespace

TEST_CASE("tokens are shown once, stored hashed, and can be revoked", "[cli][tokens]") {
  Cli cli;
  cli.Seed();
  json t = cli.Json({"token", "create", "--role", "cooperative", "--org", "1", "--name", "南溪合作社电脑"}, "token.schema.json");
  std::string secret = t["token"];
  CHECK(secret.rfind("agt_", 0) == 0);
  CHECK(secret.size() == 4 + 43);  // 256 bits in base64url
  auto stored = RunProcess({"/usr/bin/sqlite3", cli.db, "SELECT hex(hash) FROM tokens"});
  CHECK(stored.out.find(secret) == std::string::npos);
  CHECK(stored.out.size() == 65);  // 32-byte SHA-256 as hex + newline
  CHECK(ReadFileText(cli.db).find(secret) == std::string::npos);
  CHECK(cli.Run({"token", "create", "--role", "cooperative", "--name", "x"}).exit_code == 3);
  CHECK(cli.Run({"token", "create", "--role", "bureau", "--org", "1", "--name", "x"}).exit_code == 3);
  CHECK(cli.Run({"token", "create", "--role", "admin", "--name", "x"}).exit_code == 3);
  CHECK(cli.Run({"token", "create", "--role", "cooperative", "--org", "9", "--name", "x"}).exit_code == 4);
  json list = cli.Json({"token", "list"}, "token-list.schema.json");
  REQUIRE(list.size() == 1);
  CHECK_FALSE(list[0].contains("token"));
  cli.Json({"token", "revoke", "1"}, "token-revoke.schema.json");
  CHECK(cli.Run({"token", "revoke", "1"}).exit_code == 4);
}

TEST_CASE("log checkpoint, proofs and verify, and tampering is caught", "[cli][log]") {
  Cli cli;
  cli.Seed();
  json lot = IssueLot(cli);
  json cp = cli.Json({"log", "checkpoint"}, "log-checkpoint.schema.json");
  CHECK(cp["note"].get<std::string>().rfind("trace.baisha.gov.cn\n", 0) == 0);
  CHECK(cp["note"].get<std::string>().find("\n\xE2\x80\x94 trace.baisha.gov.cn ") != std::string::npos);
  int64_t size = cp["size"];
  json proof = cli.Json({"log", "prove", "--event", std::to_string(lot["event_index"].get<int64_t>())}, "log-inclusion.schema.json");
  CHECK(proof["root"] == cp["root"]);
  CHECK(json::parse(proof["leaf"].get<std::string>())["kind"] == "lot.issued");
  IssueLot(cli);
  json cp2 = cli.Json({"log", "checkpoint"}, "log-checkpoint.schema.json");
  json cons = cli.Json({"log", "consistency", "--from", std::to_string(size), "--to", std::to_string(cp2["size"].get<int64_t>())},
                       "log-consistency.schema.json");
  CHECK(cons["root_from"] == cp["root"]);
  CHECK(cons["root_to"] == cp2["root"]);
  CHECK(cli.Run({"log", "prove", "--event", "9999"}).exit_code == 3);
  json ok = cli.Json({"log", "verify"}, "log-verify.schema.json");
  CHECK(ok["size"] == cp2["size"]);
  CHECK(ok["checkpoints"] == 2);

  // Someone edits an event row behind the registry's back (the trigger dropped first).
  auto edit = RunProcess({"/usr/bin/sqlite3", cli.db,
                          "DROP TRIGGER events_no_update; UPDATE events SET leaf = replace(leaf, '\"units\":40', '\"units\":90') "
                          "WHERE idx = " + std::to_string(lot["event_index"].get<int64_t>())});
  REQUIRE(edit.exit_code == 0);
  auto caught = cli.Run({"log", "verify"});
  CHECK(caught.exit_code == 1);
  CHECK(caught.err.find(std::to_string(lot["event_index"].get<int64_t>())) != std::string::npos);
}

TEST_CASE("audit reports print as text, JSON and CSV", "[cli][audit]") {
  Cli cli;
  cli.Seed();
  IssueLot(cli);
  CHECK(cli.Run({"lot", "issue", "--product", "1", "--origin", "469025100201", "--harvested", "2020-01-01",
                 "--packed", "2020-01-02", "--units", "1", "--cert", "LB-18-2304460123A"}).exit_code == 3);
  json certs = cli.Json({"audit", "certs"}, "report.schema.json");
  CHECK(certs["rows"][0]["issued_kg"] == "10.000");
  json refusals = cli.Json({"audit", "refusals"}, "report.schema.json");
  REQUIRE(refusals["rows"].size() == 1);
  CHECK(refusals["rows"][0]["reason"] == "cert-not-valid-on-packing-date");
  json poverty = cli.Json({"audit", "poverty"}, "report.schema.json");
  CHECK(poverty["rows"][0]["poor_share_percent"] == "75.0");
  json scans = cli.Json({"audit", "scans"}, "report-list.schema.json");
  CHECK(scans.size() == 2);
  std::string month = agritrace::AddDays(agritrace::TodayShanghai(), -1).substr(0, 7);
  auto csv = cli.Run({"audit", "monthly", "--month", month, "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("\xEF\xBB\xBFregion,", 0) == 0);
  CHECK(csv.out.find("南溪村,1,40,10.000,1,0") != std::string::npos);
  CHECK(cli.Run({"audit", "monthly", "--month", month, "--csv", "--out", cli.dir / "m.csv"}).exit_code == 0);
  CHECK(ReadFileText(cli.dir / "m.csv") == csv.out);
  CHECK(cli.Run({"audit", "monthly", "--month", "2026-13"}).exit_code == 3);
  auto text = cli.Run({"audit", "certs"});
  CHECK(text.out.find("证书产量核对") != std::string::npos);
}
