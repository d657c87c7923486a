// Tokens, the transparency log and audit reports through the CLI.
#include <catch2/catch.hpp>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/table_import.h"
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
  // A code keeps 16 networks: a threshold it could never pass is refused, not silently empty.
  CHECK(cli.Run({"audit", "scans", "--networks", "15"}).exit_code == 0);
  auto never = cli.Run({"audit", "scans", "--networks", "16"});
  CHECK(never.exit_code == 3);
  CHECK(never.err.find("错误：--networks 应为 0 到 15") == 0);
  CHECK(never.err.find("Error: --networks must be 0 to 15") != std::string::npos);
  auto serve = cli.Run({"serve", "--network-threshold", "16"});
  CHECK(serve.exit_code == 3);
  CHECK(serve.err.find("--network-threshold 应为 0 到 15") != std::string::npos);
  std::string month = agritrace::AddDays(agritrace::TodayShanghai(), -1).substr(0, 7);
  auto csv = cli.Run({"audit", "monthly", "--month", month, "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("\xEF\xBB\xBFregion,", 0) == 0);
  CHECK(csv.out.find("南溪村,1,40,10.000,1,0") != std::string::npos);
  CHECK(cli.Run({"audit", "monthly", "--month", month, "--csv", "--out", cli.dir / "m.csv"}).exit_code == 0);
  CHECK(ReadFileText(cli.dir / "m.csv") == csv.out);

  // The same report as an Excel workbook, read back by the import reader: Chinese headings, the
  // counts and kilograms as number cells, the region code as text.
  CHECK(cli.Run({"audit", "monthly", "--month", month, "--out", cli.dir / "m.xlsx"}).exit_code == 0);
  std::vector<agritrace::TableRow> rows;
  REQUIRE(agritrace::ForEachTableRow(ReadFileText(cli.dir / "m.xlsx"), [&](const agritrace::TableRow& r) {
            rows.push_back(r);
            return agritrace::Status::Ok();
          }).ok());
  REQUIRE(rows.size() == 2);
  std::vector<std::string> head, cells;
  for (const auto& c : rows[0].cells) head.push_back(c.text);
  for (const auto& c : rows[1].cells) cells.push_back(c.text);
  CHECK(head == std::vector<std::string>{"区划代码", "地区", "批次数", "件数", "公斤", "产品数", "扫码次数"});
  CHECK(cells == std::vector<std::string>{"469025100201", "南溪村", "1", "40", "10", "1", "0"});
  CHECK_FALSE(rows[1].cells[0].number);
  for (size_t i = 2; i < rows[1].cells.size(); ++i) CHECK(rows[1].cells[i].number);
  // Two reports, two sheets; the file name decides the format, and contradictions are usage errors.
  CHECK(cli.Run({"audit", "scans", "--out", cli.dir / "s.xlsx"}).exit_code == 0);
  CHECK(ReadFileText(cli.dir / "s.xlsx").find("xl/worksheets/sheet2.xml") != std::string::npos);
  CHECK(cli.Run({"audit", "certs", "--csv", "--out", cli.dir / "c.xlsx"}).exit_code == 2);
  CHECK(cli.Run({"audit", "certs", "--out", cli.dir / "c.txt"}).exit_code == 2);
  CHECK(cli.Run({"audit", "certs", "--out", cli.dir / "c.csv"}).exit_code == 0);
  CHECK(ReadFileText(cli.dir / "c.csv").rfind("\xEF\xBB\xBFnumber,", 0) == 0);
  CHECK(cli.Run({"audit", "monthly", "--month", "2026-13"}).exit_code == 3);
  auto text = cli.Run({"audit", "certs"});
  CHECK(text.out.find("证书产量核对") != std::string::npos);
}

TEST_CASE("lot issue takes its households from a GBK CSV or an .xlsx table", "[cli][households]") {
  Cli cli;
  cli.Seed();
  const std::string packed = agritrace::AddDays(agritrace::TodayShanghai(), -1);
  auto issue = [&](const std::string& file) {
    return cli.Run({"--json", "lot", "issue", "--product", "1", "--origin", "469025100201", "--harvested",
                    packed, "--packed", packed, "--units", "40", "--cert", "LB-18-2304460123A",
                    "--households-file", file});
  };
  // "农户编号,公斤,脱贫户\nH-1,30,是\nH-2,10,否\n" as Excel on Chinese Windows saves it (GBK).
  agritrace::testing::WriteFileText(cli.dir / "h.csv",
                                    "\xC5\xA9\xBB\xA7\xB1\xE0\xBA\xC5,\xB9\xAB\xBD\xEF,"
                                    "\xCD\xD1\xC6\xB6\xBB\xA7\r\nH-1,30,\xCA\xC7\r\nH-2,10,\xB7\xF1\r\n");
  auto r = issue(cli.dir / "h.csv");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json record = json::parse(r.out)["record"];
  REQUIRE(record["households"].size() == 2);
  CHECK(record["households"][0] == json{{"id", "H-1"}, {"grams", 30000}, {"registered_poor", true}});
  CHECK(record["households"][1] == json{{"id", "H-2"}, {"grams", 10000}, {"registered_poor", false}});
  json poverty = cli.Json({"audit", "poverty"}, "report.schema.json");
  CHECK(poverty["rows"][0]["poor_share_percent"] == "75.0");

  // A bad line refuses the lot, naming the line; nothing is issued.
  agritrace::testing::WriteFileText(cli.dir / "bad.csv", "H-1,30,是\nH-2,十\n");
  auto before = RunProcess({"/usr/bin/sqlite3", cli.db, "SELECT COUNT(*) FROM lots"});
  auto bad = issue(cli.dir / "bad.csv");
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.find("第 2 行") != std::string::npos);
  CHECK(RunProcess({"/usr/bin/sqlite3", cli.db, "SELECT COUNT(*) FROM lots"}).out == before.out);
}
