// label export: code files for print shops (码包). The CSV holds the minted codes and the URLs
// their QRs carry; the zip opens with its password in 7-Zip (p7zip-full) and with no other; every
// export is recorded, a repeat needs a reason and shows in the audit; refusals write nothing.
#include <catch2/catch.hpp>

#include "agritrace/registry/dates.h"
#include "tests/labeler/test_support.h"
#include "tests/support/cli_runner.h"
#include "tests/support/registry_file.h"

using agritrace::testing::Cli;
using agritrace::testing::IssueMintedLot;
using agritrace::testing::RunProcess;
using nlohmann::json;
namespace lt = agritrace::labeler::testing;

namespace {

std::string Sql(Cli& cli, const std::string& query) {
  return RunProcess({"/usr/bin/sqlite3", cli.db, query}).out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t end; (end = text.find("\r\n", at)) != std::string::npos; at = end + 2)
    out.push_back(text.substr(at, end - at));
  return out;
}

}  // namespace

TEST_CASE("label export: an AES-256 zip 7-Zip opens with its password only, holding the CSV",
          "[cli][labels][export]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueMintedLot(cli, "30");
  const std::string password = "印刷厂-2026-secret";
  auto run = cli.Run({"--json", "label", "export", "--lot", lot, "--from", "1", "--to", "10",
                      "--out", cli.dir / "codes.zip", "--password-stdin"},
                     {}, password + "\n");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(agritrace::testing::SchemaErrors("label-export.schema.json", run.out) == "");
  json zip = json::parse(run.out);
  CHECK(zip["rows"] == 10);
  CHECK(zip["format"] == "zip");

  // Encrypted with AES-256, as 7-Zip lists it.
  auto listing = RunProcess({"/usr/bin/7z", "l", "-slt", "-p" + password, cli.dir / "codes.zip"});
  CHECK(listing.out.find("AES-256") != std::string::npos);
  auto wrong = RunProcess({"/usr/bin/7z", "x", "-y", "-pwrong-password", "-o" + cli.dir / "bad",
                           cli.dir / "codes.zip"});
  CHECK(wrong.exit_code != 0);
  auto good = RunProcess({"/usr/bin/7z", "x", "-y", "-p" + password, "-o" + cli.dir / "unzipped",
                          cli.dir / "codes.zip"});
  INFO(good.out << good.err);
  REQUIRE(good.exit_code == 0);
  const std::string inside = lt::ReadFile(cli.dir / "unzipped" + "/codes-" + lot + "-1-10.csv");

  // The same serials again only with a reason; then the CSV is the zip's, byte for byte.
  const std::string exports = Sql(cli, "SELECT COUNT(*) FROM code_exports");
  auto refused = cli.Run({"label", "export", "--lot", lot, "--from", "5", "--to", "12", "--out",
                          cli.dir / "again.csv"});
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("--again --reason") != std::string::npos);
  CHECK(refused.err.find("export 1 (serials 1–10") != std::string::npos);
  CHECK(Sql(cli, "SELECT COUNT(*) FROM code_exports") == exports);
  CHECK(RunProcess({"/bin/ls", cli.dir / "again.csv"}).exit_code != 0);
  json csv = cli.Json({"label", "export", "--lot", lot, "--from", "1", "--to", "10", "--out",
                       cli.dir / "plain.csv", "--again", "--reason", "印刷厂文件损坏，重发"},
                      "label-export.schema.json");
  CHECK(csv["overlaps"] == json::array({1}));
  const std::string plain = lt::ReadFile(cli.dir / "plain.csv");
  CHECK(plain == inside);

  // UTF-8 with a BOM; serial, code, the code as printed, the URL; the codes are the minted ones.
  REQUIRE(plain.rfind("\xEF\xBB\xBF", 0) == 0);
  auto lines = Lines(plain.substr(3));
  REQUIRE(lines.size() == 11);
  CHECK(lines[0] == "serial,code,code_printed,url");
  std::istringstream stored(
      Sql(cli, "SELECT serial, code FROM units WHERE serial <= 10 ORDER BY serial"));
  for (int i = 1; i <= 10; ++i) {
    std::string row;
    std::getline(stored, row);
    const std::string code = row.substr(row.find('|') + 1);
    CHECK(lines[i] == std::to_string(i) + "," + code + "," + code.substr(0, 4) + "-" +
                          code.substr(4, 4) + "-" + code.substr(8, 4) + "-" + code.substr(12) +
                          ",HTTPS://V.BAISHA.GOV.CN/01/06901234567892/10/" + lot + "/21/" + code);
  }
  // The file's SHA-256 is recorded.
  auto sha = RunProcess({"/usr/bin/sha256sum", cli.dir / "plain.csv"});
  CHECK(sha.out.substr(0, 64) == csv["sha256"]);

  // TXT: the URLs alone.
  cli.Json({"label", "export", "--lot", lot, "--from", "11", "--to", "13", "--out",
            cli.dir / "urls.txt"},
           "label-export.schema.json");
  auto urls = Lines(lt::ReadFile(cli.dir / "urls.txt"));
  REQUIRE(urls.size() == 3);
  CHECK(urls[0].rfind("HTTPS://V.BAISHA.GOV.CN/01/", 0) == 0);

  // The bureau sees the repeat, with its reason; the log agrees with the table.
  auto report = cli.Run({"audit", "reexports", "--csv"});
  CHECK(report.out.find("印刷厂文件损坏，重发") != std::string::npos);
  CHECK(report.out.find("1 (1–10)") != std::string::npos);
  auto verify = cli.Run({"log", "verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}

TEST_CASE("label export refusals write no file and record nothing", "[cli][labels][export]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueMintedLot(cli, "5");
  const std::string events = Sql(cli, "SELECT COUNT(*) FROM events");
  struct Case {
    std::vector<std::string> args;
    std::string input, zh, en;
  };
  std::vector<Case> cases = {
      {{"--out", cli.dir / "a.zip"}, "", "需要密码", "needs a password"},
      {{"--out", cli.dir / "a.zip", "--password-stdin"}, "short\n", "密码太短", "too short"},
      {{"--out", cli.dir / "a.csv", "--password-stdin"},
       "long-enough-pw\n",
       "不用密码",
       "takes no password"},
      {{"--out", cli.dir / "a.xlsx"}, "", ".csv、.txt 或 .zip", ".csv, .txt or .zip"},
      {{"--out", cli.dir / "a.csv", "--from", "4", "--to", "9"}, "", "序号范围", "serial range"},
      {{"--out", cli.dir / "a.csv", "--again", "--reason", "x"},
       "",
       "不需要 --again",
       "drop --again"},
      {{"--out", cli.dir / "a.csv", "--again"}, "", "一起给出", "together"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"label", "export", "--lot", lot};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = cli.Run(args, {}, c.input);
    INFO(c.args[1] << ": " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find(c.zh) != std::string::npos);
    CHECK(r.err.find(c.en) != std::string::npos);
  }
  CHECK(RunProcess({"/bin/ls", cli.dir / "a.zip"}).exit_code != 0);
  CHECK(RunProcess({"/bin/ls", cli.dir / "a.csv"}).exit_code != 0);
  CHECK(RunProcess({"/bin/ls", cli.dir / "a.csv.part"}).exit_code != 0);
  CHECK(Sql(cli, "SELECT COUNT(*) FROM code_exports") == "0\n");
  CHECK(Sql(cli, "SELECT COUNT(*) FROM events") == events);
}

TEST_CASE("label export: an organic lot's CSV carries each unit's 有机码, and waits for them",
          "[cli][labels][export]") {
  Cli cli;
  cli.Seed();
  REQUIRE(
      cli.Run({"cert", "add", "--type", "organic", "--number", "151OP2600123", "--issuer",
               "中绿华夏有机食品认证中心", "--holder", "1", "--product", "1", "--valid-from",
               agritrace::AddDays(agritrace::TodayShanghai(), -30), "--annual-output-kg", "5000"})
          .exit_code == 0);
  const std::string d = agritrace::AddDays(agritrace::TodayShanghai(), -1);
  auto issued = cli.Run({"--json", "lot", "issue", "--product", "1", "--origin", "469025100201",
                         "--harvested", d, "--packed", d, "--units", "3", "--cert", "151OP2600123",
                         "--cert", "LB-18-2304460123A"});
  REQUIRE(issued.exit_code == 0);
  const std::string lot = json::parse(issued.out)["code"];
  REQUIRE(cli.Run({"label", "mint", "--lot", lot, "--count", "3"}).exit_code == 0);
  auto waiting = cli.Run({"label", "export", "--lot", lot, "--out", cli.dir / "o.csv"});
  CHECK(waiting.exit_code == 3);
  CHECK(waiting.err.find("organic-codes") != std::string::npos);
  CHECK(Sql(cli, "SELECT COUNT(*) FROM code_exports") == "0\n");
  const std::string codes = "15124000000000001\n15124000000000002\n15124000000000003\n";
  REQUIRE(cli.Run({"label", "organic-codes", "--lot", lot, "-"}, {}, codes).exit_code == 0);
  cli.Json({"label", "export", "--lot", lot, "--out", cli.dir / "o.csv"},
           "label-export.schema.json");
  auto lines = Lines(lt::ReadFile(cli.dir / "o.csv").substr(3));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "serial,code,code_printed,url,organic_code");
  for (int i = 1; i <= 3; ++i) CHECK(lines[i].ends_with(",1512400000000000" + std::to_string(i)));
}
