// Every registry command run as a process: exit codes, JSON checked against schemas/, refusals
// that write nothing, offline verification with our CLI and with openssl, and a kill -9 in the
// middle of `lot issue`.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "agritrace/registry/dates.h"
#include "tests/support/cli_runner.h"

using agritrace::testing::Cli;
using agritrace::testing::ReadFileText;
using agritrace::testing::RunProcess;
using agritrace::testing::SchemaErrors;
using agritrace::testing::WriteFileText;
using nlohmann::json;

namespace {
std::string Yesterday() { return agritrace::AddDays(agritrace::TodayShanghai(), -1); }
std::string WeekAgo() { return agritrace::AddDays(agritrace::TodayShanghai(), -7); }

std::vector<std::string> IssueArgs(const std::string& units = "100") {
  return {"lot", "issue", "--product", "1", "--origin", "469025100201", "--harvested", WeekAgo(),
          "--packed", Yesterday(), "--units", units, "--cert", "LB-18-2304460123A",
          "--household", "H-0001:120.5:poor", "--household", "H-0002:80",
          "--inspection", "海南省农产品质量安全检测中心:HN2026-0412:pass"};
}

std::string TableCounts(Cli& cli) {
  auto r = RunProcess({"/usr/bin/sqlite3", cli.db,
                       "SELECT (SELECT COUNT(*) FROM lots), (SELECT COUNT(*) FROM events), "
                       "(SELECT COUNT(*) FROM lot_certs), (SELECT COUNT(*) FROM lot_households), "
                       "(SELECT COUNT(*) FROM log_nodes)"});
  return r.out;
}
}  // namespace

TEST_CASE("init, keys and every add command print schema-valid JSON", "[cli]") {
  Cli cli;
  json init = cli.Json({"init", "--base-url", "https://v.baisha.gov.cn", "--name", "trace.baisha.gov.cn"}, "init.schema.json");
  struct stat st;
  REQUIRE(stat(init["key_file"].get<std::string>().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = cli.Run({"init", "--base-url", "https://v.baisha.gov.cn", "--name", "x"});
  CHECK(again.exit_code == 3);
  CHECK(again.err.find("已经初始化") != std::string::npos);

  cli.Json({"region", "add", "--code", "469025", "--name", "白沙黎族自治县"}, "region.schema.json");
  json village_refused = json::parse(cli.Run({"--json", "region", "add", "--code", "469025100201", "--name", "南溪村"}).err);
  CHECK(SchemaErrors("error.schema.json", village_refused.dump()) == "");
  CHECK(village_refused["error"]["code"] == 3);
  cli.Json({"region", "add", "--code", "469025100000", "--name", "牙叉镇"}, "region.schema.json");
  json v = cli.Json({"region", "add", "--code", "469025100201", "--name", "南溪村", "--poverty-registered"}, "region.schema.json");
  CHECK(v["poverty_registered"] == true);
  CHECK(v["parent"] == "469025100000");
  WriteFileText(cli.dir / "more.csv", "469025101000,细水乡\n469025101202,元门村,1\n");
  CHECK(cli.Json({"region", "import", cli.dir / "more.csv"}, "region-import.schema.json")["imported"] == 2);

  json org = cli.Json({"org", "add", "--name", "白沙县牙叉镇茶叶专业合作社", "--credit-code", "91350100M000100Y43",
                       "--kind", "cooperative", "--region", "469025"}, "organisation.schema.json");
  CHECK(org["id"] == 1);
  json product = cli.Json({"product", "add", "--org", "1", "--name", "白沙绿茶", "--category", "茶叶",
                           "--net-content-g", "250", "--gtin", "6901234567892"}, "product.schema.json");
  CHECK(product["gtin"] == "06901234567892");
  json brand = cli.Json({"brand", "add", "--name", "白沙绿茶", "--scheme", "regional-public", "--region", "469025",
                         "--level", "provincial", "--year", "2019", "--product", "1"}, "brand.schema.json");
  CHECK(brand["products"] == json::array({1}));
  json cert = cli.Json({"cert", "add", "--type", "green-food", "--number", "LB-18-2304460123A", "--issuer",
                        "中国绿色食品发展中心", "--holder", "1", "--product", "1", "--valid-from", "2025-05-01",
                        "--annual-output-kg", "5000"}, "certification.schema.json");
  CHECK(cert["valid_to"] == "2028-04-30");
  json gi = cli.Json({"cert", "add", "--type", "geographic-indication", "--number", "AGI01234", "--issuer", "农业农村部",
                      "--holder", "1", "--product", "1", "--valid-from", "2019-01-01", "--area", "469025100000"},
                     "certification.schema.json");
  CHECK_FALSE(gi.contains("valid_to"));
  CHECK(cli.Json({"cert", "list"}, "certification-list.schema.json").size() == 2);

  json key = cli.Json({"key", "rotate"}, "key.schema.json");
  json keys = cli.Json({"key", "list"}, "key-list.schema.json");
  REQUIRE(keys.size() == 2);
  CHECK(keys[1]["kid"] == key["kid"]);
  json exported = cli.Json({"key", "export"}, "key-export.schema.json");
  CHECK(exported["kid"] == key["kid"]);
}

TEST_CASE("refused input exits 3, unknown records exit 4, usage errors exit 2, nothing written", "[cli]") {
  Cli cli;
  cli.Seed();
  std::string before = TableCounts(cli);
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string zh;
  };
  std::vector<Case> cases = {
      {{"org", "add", "--name", "X", "--credit-code", "91350100M000100Y4Z", "--kind", "cooperative", "--region", "469025"}, 3, "校验位"},
      {{"org", "add", "--name", "X", "--credit-code", "91620105L015101280", "--kind", "farm", "--region", "469025"}, 3, "主体类型"},
      {{"org", "add", "--name", "X", "--credit-code", "91620105L015101280", "--kind", "cooperative", "--region", "469099"}, 4, "未登记"},
      {{"product", "add", "--org", "1", "--name", "X", "--category", "茶叶", "--net-content-g", "250", "--gtin", "6901234567893"}, 3, "校验位"},
      {{"product", "add", "--org", "9", "--name", "X", "--category", "茶叶", "--net-content-g", "250"}, 4, "找不到"},
      {{"cert", "add", "--type", "geographic-indication", "--number", "AGI1234", "--issuer", "农业农村部", "--holder", "1", "--product", "1", "--valid-from", "2019-01-01", "--area", "469025"}, 3, "AGI"},
      {{"cert", "add", "--type", "organic", "--number", "124OP2300123", "--issuer", "某机构", "--holder", "1", "--product", "1", "--valid-from", "2026-05-01", "--valid-to", "2026-04-01"}, 3, "必须晚于"},
      {{"cert", "show", "LB-00-0000000000A"}, 4, "找不到证书"},
      {{"lot", "show", "00000-00000"}, 4, "找不到批次"},
      {{"lot", "issue", "--product", "1", "--origin", "469025100201", "--harvested", Yesterday(), "--packed", WeekAgo(), "--units", "10"}, 3, "晚于包装日期"},
      {{"lot", "issue", "--product", "1", "--origin", "469025100201", "--harvested", WeekAgo(), "--packed", Yesterday(), "--units", "100000", "--cert", "LB-18-2304460123A"}, 3, "超出"},
      {{"lot", "issue", "--product", "1", "--origin", "469025100201", "--harvested", WeekAgo(), "--packed", Yesterday(), "--units", "10", "--household", "H1:abc"}, 3, "农户格式"},
  };
  for (const auto& c : cases) {
    auto r = cli.Run(c.args);
    INFO(c.args[0] << " " << c.args[1] << " → " << r.err);
    CHECK(r.exit_code == c.code);
    CHECK(r.err.find(c.zh) != std::string::npos);
    CHECK(r.err.find("Error:") != std::string::npos);  // English follows the Chinese
  }
  CHECK(TableCounts(cli) == before);

  auto usage = cli.Run({"lot", "issue", "--product", "1"});
  CHECK(usage.exit_code == 2);
  CHECK(usage.err.find("用法错误") != std::string::npos);
  CHECK(cli.Run({"frobnicate"}).exit_code == 2);
  auto help = cli.Run({"lot", "issue", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("采收日期") != std::string::npos);
  CHECK(help.out.find("harvest date") != std::string::npos);

  Cli empty;
  auto missing = empty.Run({"cert", "list"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("agritrace init") != std::string::npos);
}

TEST_CASE("lot issue, show, event, recall and offline verification", "[cli]") {
  Cli cli;
  cli.Seed();
  auto args = IssueArgs();
  args.insert(args.begin(), "--json");
  auto issued_run = cli.Run(args);
  REQUIRE(issued_run.exit_code == 0);
  CHECK(SchemaErrors("lot.schema.json", issued_run.out) == "");
  json issued = json::parse(issued_run.out);
  std::string code = issued["code"];

  json shown = cli.Json({"lot", "show", code.substr(0, 5) + "-" + code.substr(5)}, "lot.schema.json");
  CHECK(shown["record"] == issued["record"]);
  CHECK(shown["signature"] == issued["signature"]);

  json ev = cli.Json({"lot", "event", "add", code, "--step", "shipping", "--at", "2026-04-11T09:00:00+08:00",
                      "--place", "469025", "--actor", "顺丰速运", "--note", "发往海口"}, "trace-event.schema.json");
  CHECK(ev["at"] == "2026-04-11T01:00:00Z");
  CHECK(cli.Run({"lot", "event", "add", code, "--step", "flying", "--at", "2026-04-11", "--place", "469025"}).exit_code == 3);

  // Offline: our verify command with only the public key, from the exported files.
  json exp = cli.Json({"lot", "export", code, "--out", cli.dir / "export"}, "lot-export.schema.json");
  std::string d = cli.dir / "export";
  json ok = cli.Json({"verify", "--record", d + "/record.json", "--signature", d + "/signature.txt", "--pubkey", d + "/key.pem"}, "verify.schema.json");
  CHECK(ok["code"] == code);
  // lot show --json output is accepted as the record file too, signature as text.
  WriteFileText(cli.dir / "shown.json", shown.dump(2));
  CHECK(cli.Run({"verify", "--record", cli.dir / "shown.json", "--signature", shown["signature"], "--pubkey", d + "/key.pem"}).exit_code == 0);

  // The openssl command documented in docs/formats/lot-record.md.
  auto ossl = RunProcess({"/usr/bin/openssl", "pkeyutl", "-verify", "-pubin", "-inkey", d + "/key.pem", "-rawin",
                          "-in", d + "/record.json", "-sigfile", d + "/record.sig"});
  CHECK(ossl.exit_code == 0);
  CHECK(ossl.out.find("Signature Verified Successfully") != std::string::npos);

  // One changed byte fails both verifiers.
  std::string record = ReadFileText(d + "/record.json");
  record[record.find("\"units\":100") + 8] = '9';
  WriteFileText(d + "/record.json", record);
  auto bad = cli.Run({"verify", "--record", d + "/record.json", "--signature", d + "/signature.txt", "--pubkey", d + "/key.pem"});
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.find("签名无效") != std::string::npos);
  auto ossl_bad = RunProcess({"/usr/bin/openssl", "pkeyutl", "-verify", "-pubin", "-inkey", d + "/key.pem", "-rawin",
                              "-in", d + "/record.json", "-sigfile", d + "/record.sig"});
  CHECK(ossl_bad.exit_code != 0);

  json recalled = cli.Json({"lot", "recall", code, "--reason", "农残超标"}, "trace-event.schema.json");
  CHECK(recalled["step"] == "recall");
  json after = cli.Json({"lot", "show", code}, "lot.schema.json");
  CHECK(after["recalled"] == true);
  CHECK(after["trace"].size() == 2);
  CHECK(after["record"] == issued["record"]);

  // Lots signed before a rotation still verify with their own key.
  cli.Json({"key", "rotate"}, "key.schema.json");
  json old_key = cli.Json({"key", "export", "--kid", issued["kid"]}, "key-export.schema.json");
  WriteFileText(cli.dir / "old.pem", old_key["public_key_pem"]);
  CHECK(cli.Run({"verify", "--record", cli.dir / "shown.json", "--signature", shown["signature"], "--pubkey", cli.dir / "old.pem"}).exit_code == 0);
  json new_lot = json::parse(cli.Run([&] { auto a = IssueArgs(); a.insert(a.begin(), "--json"); return a; }()).out);
  CHECK(new_lot["kid"] != issued["kid"]);
}

TEST_CASE("a key file others can read is refused", "[cli]") {
  Cli cli;
  cli.Seed();
  json keys = cli.Json({"key", "list"}, "key-list.schema.json");
  std::string pem = cli.db + ".keys/" + keys[0]["kid"].get<std::string>() + ".pem";
  chmod(pem.c_str(), 0644);
  std::string before = TableCounts(cli);
  auto r = cli.Run(IssueArgs());
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("chmod 600") != std::string::npos);
  CHECK(TableCounts(cli) == before);
}

TEST_CASE("a lot issue killed mid-transaction leaves no half-written lot", "[cli][crash]") {
  Cli cli;
  cli.Seed();
  for (const char* point : {"lot-issue-before-event", "lot-issue-before-commit"}) {
    std::string before = TableCounts(cli);
    auto r = cli.Run(IssueArgs(), {std::string("AGRITRACE_FAULT=") + point});
    CHECK(r.exit_code == 128 + 9);  // SIGKILL
    CHECK(TableCounts(cli) == before);
    auto integrity = RunProcess({"/usr/bin/sqlite3", cli.db, "PRAGMA integrity_check; PRAGMA foreign_key_check;"});
    CHECK(integrity.out == "ok\n");
  }
  // The registry carries on: the next issue succeeds and numbers its event after the last.
  auto args = IssueArgs();
  args.insert(args.begin(), "--json");
  auto ok = cli.Run(args);
  REQUIRE(ok.exit_code == 0);
  auto events = RunProcess({"/usr/bin/sqlite3", cli.db, "SELECT COUNT(*), MAX(idx) + 1 FROM events"});
  CHECK(events.out.substr(0, events.out.find('|')) + "\n" == events.out.substr(events.out.find('|') + 1));
}

TEST_CASE("product edit, brand link and lot issue --households-file", "[cli]") {
  Cli cli;
  cli.Seed();
  json edited = cli.Json({"product", "edit", "1", "--name", "白沙绿茶（明前）", "--gtin", ""},
                         "product.schema.json");
  CHECK(edited["name"] == "白沙绿茶（明前）");
  CHECK(edited["net_content_g"] == 250);  // left out: kept
  CHECK_FALSE(edited.contains("gtin"));
  CHECK(edited["actor"] == "cli");
  auto bad = cli.Run({"product", "edit", "1", "--gtin", "6901234567893"});
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.find("校验位") != std::string::npos);

  REQUIRE(cli.Run({"product", "add", "--org", "1", "--name", "白沙红茶", "--category", "茶叶",
                   "--net-content-g", "500"}).exit_code == 0);
  REQUIRE(cli.Run({"brand", "add", "--name", "南溪绿茶", "--scheme", "one-village-one-product",
                   "--region", "469025100201", "--level", "county", "--year", "2020", "--product",
                   "1"}).exit_code == 0);
  auto linked = cli.Run({"brand", "link", "--brand", "1", "--product", "2"});
  CHECK(linked.exit_code == 0);
  auto again = cli.Run({"brand", "link", "--brand", "1", "--product", "2"});
  CHECK(again.exit_code == 3);

  WriteFileText(cli.dir / "households.csv", "\xEF\xBB\xBF户号,公斤,脱贫户\nH-0001,12.5,是\nH-0002,7.5,否\n");
  json lot = cli.Json({"lot", "issue", "--product", "1", "--origin", "469025100201", "--harvested",
                       WeekAgo(), "--packed", Yesterday(), "--units", "10", "--households-file",
                       cli.dir / "households.csv"},
                      "lot.schema.json");
  REQUIRE(lot["record"]["households"].size() == 2);
  CHECK(lot["record"]["households"][0]["grams"] == 12500);
  CHECK(lot["record"]["households"][0]["registered_poor"] == true);
  CHECK(lot["record"]["product"]["name"] == "白沙绿茶（明前）");

  WriteFileText(cli.dir / "bad.csv", "H-0001,12.5,是\nH-0002,七斤,否\n");
  const std::string before = TableCounts(cli);
  auto refused = cli.Run({"lot", "issue", "--product", "1", "--origin", "469025100201",
                          "--harvested", WeekAgo(), "--packed", Yesterday(), "--units", "10",
                          "--households-file", cli.dir / "bad.csv"});
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("第 2 行") != std::string::npos);
  CHECK(TableCounts(cli) == before);
}
