// label mint|print through the CLI: serials continue, counts are capped, refusals write nothing,
// and what is printed decodes back to the codes the registry stored.
#include <catch2/catch.hpp>
#include <set>

#include "agritrace/labeler/code_parser.h"
#include "agritrace/registry/dates.h"
#include "labeler/gbk.h"
#include "labeler/sheet_layout.h"
#include "tests/labeler/test_support.h"
#include "tests/support/cli_runner.h"
#include "tests/support/registry_fixture.h"

using agritrace::testing::Cli;
using agritrace::testing::RunProcess;
using nlohmann::json;
namespace lt = agritrace::labeler::testing;

namespace {
std::string IssueLot(Cli& cli, const std::string& units) {
  std::string d = agritrace::AddDays(agritrace::TodayShanghai(), -1);
  auto r =
      cli.Run({"--json", "lot", "issue", "--product", "1", "--origin", "469025100201",
               "--harvested", d, "--packed", d, "--units", units, "--cert", "LB-18-2304460123A"});
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out)["code"];
}
std::vector<std::string> StoredCodes(Cli& cli, int from, int to) {
  auto r = RunProcess({"/usr/bin/sqlite3", cli.db,
                       "SELECT code FROM units WHERE serial BETWEEN " + std::to_string(from) +
                           " AND " + std::to_string(to) + " ORDER BY serial"});
  std::vector<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}
// The unit code inside a decoded QR text (a GS1 Digital Link here: the product has a GTIN).
std::string CodeOf(const std::string& qr_text) {
  auto p = agritrace::labeler::ParseCode(qr_text);
  REQUIRE(p.ok());
  return p->code;
}
// The folder's files but SQLite's WAL files, which opening the registry may leave beside it.
std::string Listing(const std::string& dir) {
  std::istringstream in(RunProcess({"/bin/ls", "-A", dir}).out);
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (!line.ends_with("-wal") && !line.ends_with("-shm")) out += line + "\n";
  return out;
}
}  // namespace

TEST_CASE("label mint continues serials, caps at the lot's units, records spares",
          "[cli][labels]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueLot(cli, "10");
  json a = cli.Json({"label", "mint", "--lot", lot, "--count", "6"}, "label-mint.schema.json");
  CHECK(a["first_serial"] == 1);
  CHECK(a["last_serial"] == 6);
  json b = cli.Json({"label", "mint", "--lot", lot, "--count", "4", "--spare", "1"},
                    "label-mint.schema.json");
  CHECK(b["first_serial"] == 7);
  CHECK(b["last_serial"] == 11);
  auto over = cli.Run({"label", "mint", "--lot", lot, "--count", "1"});
  CHECK(over.exit_code == 3);
  CHECK(over.err.find("--spare") != std::string::npos);
  auto spares = RunProcess({"/usr/bin/sqlite3", cli.db, "SELECT COUNT(*), SUM(spare) FROM units"});
  CHECK(spares.out == "11|1\n");
  auto codes = StoredCodes(cli, 1, 11);
  REQUIRE(codes.size() == 11);
  for (const auto& c : codes) CHECK(agritrace::labeler::ParseCode(c).ok());
  CHECK(cli.Run({"label", "mint", "--lot", "00000-00000", "--count", "1"}).exit_code == 4);
  // The mint event commits to the codes.
  auto leaf =
      RunProcess({"/usr/bin/sqlite3", cli.db,
                  "SELECT leaf FROM events WHERE kind = 'units.minted' ORDER BY idx LIMIT 1"});
  CHECK(json::parse(leaf.out)["data"]["minted"] == 6);
}

TEST_CASE("printed PNG and PDF labels decode to the stored codes", "[cli][labels]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueLot(cli, "30");
  cli.Json({"label", "mint", "--lot", lot, "--count", "30"}, "label-mint.schema.json");
  auto stored = StoredCodes(cli, 1, 30);

  json png = cli.Json({"label", "print", "--lot", lot, "--from", "3", "--to", "5", "--format",
                       "png", "--size", "50x30", "--out", cli.dir / "png"},
                      "label-print.schema.json");
  CHECK(png["labels"] == 3);
  for (int i = 0; i < 3; ++i) {
    char name[32];
    snprintf(name, sizeof name, "/label-%06d.png", i + 1);
    std::string text = lt::DecodeOne(lt::LoadPng(cli.dir / "png" + name));
    CHECK(text.find("/01/06901234567892/10/" + lot + "/21/") != std::string::npos);
    CHECK(CodeOf(text) == stored[2 + i]);
  }

  json pdf = cli.Json({"label", "print", "--lot", lot, "--format", "pdf", "--size", "50x30",
                       "--sheet", "a4:4x9", "--out", cli.dir / "labels.pdf"},
                      "label-print.schema.json");
  CHECK(pdf["pages"] == 1);
  REQUIRE(RunProcess({"/usr/bin/pdftoppm", "-r", "200", "-png", "-singlefile",
                      cli.dir / "labels.pdf", cli.dir / "page"})
              .exit_code == 0);
  auto sheet = agritrace::labeler::PlaceOnA4({4, 9}, {50, 30, 203});
  REQUIRE(sheet.ok());
  auto decoded = lt::DecodeSheet(lt::LoadPng(cli.dir / "page.png"), *sheet, 200, 30);
  std::set<std::string> got;
  for (const auto& t : decoded) got.insert(CodeOf(t));
  CHECK(got == std::set<std::string>(stored.begin(), stored.end()));
  auto text = RunProcess({"/usr/bin/pdftotext", cli.dir / "labels.pdf", "-"});
  CHECK(text.out.find("扫码验真") != std::string::npos);
  CHECK(text.out.find("白沙绿茶") != std::string::npos);
  CHECK(text.out.find("绿色食品 LB-18-2304460123A") != std::string::npos);

  json tspl = cli.Json({"label", "print", "--lot", lot, "--from", "1", "--to", "2", "--format",
                        "tspl", "--out", cli.dir / "l.tspl"},
                       "label-print.schema.json");
  std::string t = lt::ReadFile(cli.dir / "l.tspl");
  CHECK(t.find(stored[0]) != std::string::npos);
  CHECK(t.find("\r\n") != std::string::npos);
  json lot_label = cli.Json({"label", "print", "--lot", lot, "--lot-only", "--format", "zpl",
                             "--out", cli.dir / "lot.zpl"},
                            "label-print.schema.json");
  CHECK(lot_label["labels"] == 1);
  CHECK(lt::ReadFile(cli.dir / "lot.zpl").find("/Q/" + lot) != std::string::npos);
}

TEST_CASE("label refusals: unknown lot, recalled lot, too small, no codes, and nothing written",
          "[cli][labels]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueLot(cli, "5");
  std::string before = Listing(cli.dir.path());
  auto no_units =
      cli.Run({"label", "print", "--lot", lot, "--format", "pdf", "--out", cli.dir / "a.pdf"});
  CHECK(no_units.exit_code == 3);
  CHECK(no_units.err.find("label mint") != std::string::npos);
  cli.Json({"label", "mint", "--lot", lot, "--count", "5"}, "label-mint.schema.json");
  before = Listing(cli.dir.path());
  auto small = cli.Run({"label", "print", "--lot", lot, "--format", "pdf", "--size", "30x20",
                        "--out", cli.dir / "a.pdf"});
  CHECK(small.exit_code == 3);
  CHECK(small.err.find("至少需要") != std::string::npos);
  auto small_png = cli.Run({"label", "print", "--lot", lot, "--format", "png", "--size", "30x20",
                            "--out", cli.dir / "png"});
  CHECK(small_png.exit_code == 3);
  auto sheet = cli.Run({"label", "print", "--lot", lot, "--format", "pdf", "--size", "60x40",
                        "--sheet", "a4:3x8", "--out", cli.dir / "a.pdf"});
  CHECK(sheet.exit_code == 3);
  auto range = cli.Run({"label", "print", "--lot", lot, "--from", "3", "--to", "9", "--format",
                        "zpl", "--out", cli.dir / "a.zpl"});
  CHECK(range.exit_code == 3);
  CHECK(cli.Run({"label", "print", "--lot", lot, "--format", "bmp", "--out", cli.dir / "a.bmp"})
            .exit_code == 3);
  CHECK(cli.Run({"label", "print", "--lot", "00000-00000", "--format", "pdf", "--out",
                 cli.dir / "a.pdf"})
            .exit_code == 4);
  CHECK(Listing(cli.dir.path()) == before);
  REQUIRE(cli.Run({"lot", "recall", lot, "--reason", "农残超标"}).exit_code == 0);
  auto recalled =
      cli.Run({"label", "print", "--lot", lot, "--format", "pdf", "--out", cli.dir / "a.pdf"});
  CHECK(recalled.exit_code == 3);
  CHECK(recalled.err.find("已召回") != std::string::npos);
  CHECK(cli.Run({"label", "mint", "--lot", lot, "--spare", "1", "--count", "0"}).exit_code == 3);
  CHECK(Listing(cli.dir.path()) == before);
}

namespace {
// The registry's rows, table by table (registry_fixture.h's Snapshot on its own connection).
std::string Rows(Cli& cli) {
  auto store = agritrace::Store::Open(cli.db, agritrace::OpenMode::kExisting);
  REQUIRE(store.ok());
  return agritrace::testing::Snapshot(**store);
}
}  // namespace

TEST_CASE("label mint: counts that overflow are refused at once, writing nothing",
          "[cli][labels][limits]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueLot(cli, "100");
  const std::string before = Rows(cli);
  // count + spare used to wrap past the 10,000,000 check and mint until killed.
  for (auto [count, spare] : std::vector<std::pair<std::string, std::string>>{
           {"1", "9223372036854775000"},
           {"9223372036854775807", "1"},
           {"9223372036854775807", "9223372036854775807"},
           {"5000001", "5000000"},
           {"-1", "2"}}) {
    INFO(count << " + " << spare);
    auto r = cli.Run({"label", "mint", "--lot", lot, "--count", count, "--spare", spare});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("10,000,000") != std::string::npos);
  }
  CHECK(Rows(cli) == before);
}

TEST_CASE("label mint: spares are at most a tenth of the lot's units over all mints",
          "[cli][labels][limits]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueLot(cli, "100");
  std::string before = Rows(cli);
  auto over = cli.Run({"label", "mint", "--lot", lot, "--count", "1", "--spare", "11"});
  CHECK(over.exit_code == 3);
  CHECK(over.err.find("at most 10 more") != std::string::npos);
  CHECK(over.err.find("最多还能发 10 个") != std::string::npos);
  CHECK(Rows(cli) == before);
  cli.Json({"label", "mint", "--lot", lot, "--count", "1", "--spare", "4"},
           "label-mint.schema.json");
  before = Rows(cli);
  auto again = cli.Run({"label", "mint", "--lot", lot, "--count", "0", "--spare", "7"});
  CHECK(again.exit_code == 3);
  CHECK(again.err.find("4 already; at most 6 more") != std::string::npos);
  CHECK(Rows(cli) == before);
  cli.Json({"label", "mint", "--lot", lot, "--count", "0", "--spare", "6"},
           "label-mint.schema.json");
  CHECK(cli.Run({"label", "mint", "--lot", lot, "--count", "0", "--spare", "1"}).exit_code == 3);

  // A lot of fewer than ten units still has one spare.
  std::string small = IssueLot(cli, "3");
  cli.Json({"label", "mint", "--lot", small, "--count", "3", "--spare", "1"},
           "label-mint.schema.json");
  CHECK(cli.Run({"label", "mint", "--lot", small, "--count", "0", "--spare", "1"}).exit_code == 3);
}

TEST_CASE("label print: serials times copies beyond 10,000,000 labels are refused",
          "[cli][labels][limits]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueLot(cli, "1001");
  cli.Json({"label", "mint", "--lot", lot, "--count", "1001"}, "label-mint.schema.json");
  std::string listing = Listing(cli.dir.path());
  auto r = cli.Run({"label", "print", "--lot", lot, "--format", "zpl", "--copies", "10000", "--out",
                    cli.dir / "a.zpl"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("1001 serials x 10000 copies") != std::string::npos);
  CHECK(Listing(cli.dir.path()) == listing);
  // Within the limit the same copies print.
  auto ok = cli.Run({"--json", "label", "print", "--lot", lot, "--format", "zpl", "--from", "1",
                     "--to", "2", "--copies", "10000", "--out", cli.dir / "b.zpl"});
  CHECK(ok.exit_code == 0);
}

namespace {
// An organic lot of `units` units: the seed's green-food certificate plus an organic one.
std::string IssueOrganicLot(Cli& cli, const std::string& units) {
  std::string d = agritrace::AddDays(agritrace::TodayShanghai(), -1);
  REQUIRE(
      cli.Run({"cert", "add", "--type", "organic", "--number", "151OP2600123", "--issuer",
               "中绿华夏有机食品认证中心", "--holder", "1", "--product", "1", "--valid-from",
               agritrace::AddDays(agritrace::TodayShanghai(), -30), "--annual-output-kg", "5000"})
          .exit_code == 0);
  auto r = cli.Run({"--json", "lot", "issue", "--product", "1", "--origin", "469025100201",
                    "--harvested", d, "--packed", d, "--units", units, "--cert", "151OP2600123",
                    "--cert", "LB-18-2304460123A"});
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out)["code"];
}
std::string OrganicCodes(int first, int n) {
  std::string out;
  for (int i = first; i < first + n; ++i) {
    char code[24];
    snprintf(code, sizeof code, "1512400%010d", 7919 * i);
    out += std::string(code) + "\n";
  }
  return out;
}
std::string Sql(Cli& cli, const std::string& query) {
  return RunProcess({"/usr/bin/sqlite3", cli.db, query}).out;
}
}  // namespace

TEST_CASE("organic lots: 有机码 load from the certifier's list, refusals write nothing",
          "[cli][labels]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueOrganicLot(cli, "8");
  cli.Json({"label", "mint", "--lot", lot, "--count", "6"}, "label-mint.schema.json");
  std::string before = Listing(cli.dir.path());

  // Unit labels of an organic lot are not printed without their 有机码.
  auto missing =
      cli.Run({"label", "print", "--lot", lot, "--format", "pdf", "--out", cli.dir / "o.pdf"});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err.find("6 个追溯码还没有有机码") != std::string::npos);
  CHECK(missing.err.find("label organic-codes") != std::string::npos);

  lt::TempDir lists;
  const std::string bad = lists / "bad.txt";
  agritrace::testing::WriteFileText(bad, OrganicCodes(1, 1) + "1512400000000001\n");
  auto format = cli.Run({"label", "organic-codes", "--lot", lot, bad});
  CHECK(format.exit_code == 3);
  CHECK(format.err.find("第 2 行") != std::string::npos);
  CHECK(format.err.find("17 digits, or 18") != std::string::npos);
  const std::string seven = lists / "seven.txt";
  agritrace::testing::WriteFileText(seven, OrganicCodes(1, 7));
  auto too_many = cli.Run({"label", "organic-codes", "--lot", lot, seven});
  CHECK(too_many.exit_code == 3);
  CHECK(too_many.err.find("label mint") != std::string::npos);
  auto plain_lot = IssueLot(cli, "3");
  const std::string plain_events = Sql(cli, "SELECT COUNT(*) FROM events");
  const std::string six = lists / "six.txt";
  agritrace::testing::WriteFileText(six, OrganicCodes(1, 6));
  auto not_organic = cli.Run({"label", "organic-codes", "--lot", plain_lot, six});
  CHECK(not_organic.exit_code == 3);
  CHECK(not_organic.err.find("没有有机产品认证") != std::string::npos);
  CHECK(cli.Run({"label", "organic-codes", "--lot", lot, lists / "absent.txt"}).exit_code == 1);
  CHECK(Sql(cli, "SELECT COUNT(*) FROM organic_codes") == "0\n");
  CHECK(Sql(cli, "SELECT COUNT(*) FROM events") == plain_events);
  CHECK(Listing(cli.dir.path()) == before);

  // The list through stdin, as a clerk might pipe it.
  auto empty = cli.Run({"label", "organic-codes", "--lot", lot, "-"});
  CHECK(empty.exit_code == 3);
  CHECK(empty.err.find("文件里没有有机码") != std::string::npos);
  auto r = cli.Run({"--json", "label", "organic-codes", "--lot", lot, "-"}, {}, OrganicCodes(1, 6));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(agritrace::testing::SchemaErrors("label-organic-codes.schema.json", r.out) == "");
  json loaded = json::parse(r.out);
  CHECK(loaded["loaded"] == 6);
  CHECK(loaded["waiting"] == 0);
  CHECK(Sql(cli, "SELECT COUNT(*) FROM events WHERE kind = 'organic_codes.loaded'") == "1\n");
  auto again = cli.Run({"label", "organic-codes", "--lot", lot, six});
  CHECK(again.exit_code == 3);
  CHECK(again.err.find("已经导入过") != std::string::npos);
  CHECK(Sql(cli, "SELECT COUNT(*) FROM organic_codes") == "6\n");
}

TEST_CASE("organic lots: each printed unit label shows its own 有机码", "[cli][labels]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueOrganicLot(cli, "6");
  cli.Json({"label", "mint", "--lot", lot, "--count", "6"}, "label-mint.schema.json");
  REQUIRE(
      cli.Run({"label", "organic-codes", "--lot", lot, "-"}, {}, OrganicCodes(1, 6)).exit_code ==
      0);
  // serial → 有机码, as stored.
  std::vector<std::string> organic;
  {
    std::istringstream in(Sql(
        cli,
        "SELECT o.code FROM units u JOIN organic_codes o ON o.unit = u.code ORDER BY u.serial"));
    for (std::string line; std::getline(in, line);) organic.push_back(line);
  }
  REQUIRE(organic.size() == 6);
  std::istringstream want(OrganicCodes(1, 6));
  for (const std::string& o : organic) {
    std::string line;
    std::getline(want, line);
    CHECK(o == line);  // in serial order, as listed
  }

  cli.Json({"label", "print", "--lot", lot, "--format", "pdf", "--sheet", "a4:3x8", "--size",
            "60x35", "--out", cli.dir / "o.pdf"},
           "label-print.schema.json");
  std::string text = RunProcess({"/usr/bin/pdftotext", "-layout", cli.dir / "o.pdf", "-"}).out;
  for (const std::string& o : organic) CHECK(text.find("有机码 " + o) != std::string::npos);

  cli.Json({"label", "print", "--lot", lot, "--from", "2", "--to", "4", "--format", "tspl", "--out",
            cli.dir / "o.tspl"},
           "label-print.schema.json");
  std::string tspl = lt::ReadFile(cli.dir / "o.tspl");
  agritrace::labeler::GbkConverter gbk;
  size_t at = 0;
  for (int serial = 2; serial <= 4; ++serial) {  // each label, in order, its own code
    auto line = gbk.Convert("\"有机码 " + organic[serial - 1] + "\"");
    REQUIRE(line.ok());
    const size_t found = tspl.find(*line, at);
    CHECK(found != std::string::npos);
    CHECK(found < tspl.find("PRINT 1,1", at));
    at = tspl.find("PRINT 1,1", at) + 1;
  }
  CHECK(tspl.find(*gbk.Convert(organic[0])) == std::string::npos);  // serial 1 not printed

  // A lot-only label (承诺达标合格证 style) carries no unit's 有机码.
  cli.Json({"label", "print", "--lot", lot, "--lot-only", "--format", "pdf", "--out",
            cli.dir / "lot.pdf"},
           "label-print.schema.json");
  std::string lot_text = RunProcess({"/usr/bin/pdftotext", cli.dir / "lot.pdf", "-"}).out;
  CHECK(lot_text.find("有机码") == std::string::npos);
  CHECK(lot_text.find("有机产品 151OP2600123") != std::string::npos);
}

namespace {
// Runs the CLI with stderr on a pseudo-terminal (stdout and stdin stay pipes/null), as when a
// clerk runs it in a terminal window; returns what the terminal showed and the exit code.
std::pair<int, std::string> RunWithTerminalStderr(Cli& cli, std::vector<std::string> args) {
  args.insert(args.begin(), {AGRITRACE_BIN, "--db", cli.db});
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  REQUIRE(master >= 0);
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  const std::string slave = ptsname(master);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, slave.c_str(), O_RDWR | O_NOCTTY, 0);
  posix_spawn_file_actions_addclose(&fa, master);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  REQUIRE(rc == 0);
  std::string shown;
  char buf[4096];
  for (;;) {  // EIO once the child has closed the terminal's last descriptor
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;
    shown.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, shown};
}
}  // namespace

TEST_CASE("label print shows progress on a terminal and nothing when redirected", "[cli][labels]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueLot(cli, "2500");
  cli.Json({"label", "mint", "--lot", lot, "--count", "2500"}, "label-mint.schema.json");
  auto [code, shown] = RunWithTerminalStderr(
      cli, {"label", "print", "--lot", lot, "--format", "tspl", "--out", cli.dir / "t.tspl"});
  CHECK(code == 0);
  // One line rewritten in place (\r) every 1000 labels, ended when the run is done.
  CHECK(shown.find("\r已生成 / rendered 1000 / 2500") != std::string::npos);
  CHECK(shown.find("\r已生成 / rendered 2000 / 2500") != std::string::npos);
  const std::string last = "\r已生成 / rendered 2500 / 2500";
  const size_t at = shown.find(last);
  REQUIRE(at != std::string::npos);
  CHECK(shown.substr(at + last.size(), 2) == "\r\n");  // the terminal's newline

  auto piped =
      cli.Run({"label", "print", "--lot", lot, "--format", "tspl", "--out", cli.dir / "p.tspl"});
  CHECK(piped.exit_code == 0);
  CHECK(piped.err.empty());
  CHECK(piped.out.find("rendered") == std::string::npos);
  CHECK(lt::ReadFile(cli.dir / "p.tspl") == lt::ReadFile(cli.dir / "t.tspl"));  // same labels
}

TEST_CASE("offline-signed labels decode to texts that verify with the exported public key alone",
          "[cli][labels][offline_label]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueLot(cli, "10");
  cli.Json({"label", "mint", "--lot", lot, "--count", "10"}, "label-mint.schema.json");
  auto stored = StoredCodes(cli, 1, 10);
  auto pem = cli.Run({"key", "export"});
  REQUIRE(pem.exit_code == 0);
  {
    std::ofstream(cli.dir / "key.pem") << pem.out;
  }

  // The signature makes the QR a version 7: 50x30 mm is too small, and the refusal says what fits.
  auto small = cli.Run({"label", "print", "--lot", lot, "--format", "png", "--size", "50x30",
                        "--offline-signed", "--out", cli.dir / "small"});
  CHECK(small.exit_code == 3);
  CHECK(small.err.find("至少需要 54×31 mm") != std::string::npos);
  json png = cli.Json({"label", "print", "--lot", lot, "--from", "4", "--to", "5", "--format",
                       "png", "--size", "60x40", "--offline-signed", "--out", cli.dir / "png"},
                      "label-print.schema.json");
  CHECK(png["labels"] == 2);
  std::vector<std::string> texts;
  for (int i = 0; i < 2; ++i) {
    char name[32];
    snprintf(name, sizeof name, "/label-%06d.png", i + 1);
    texts.push_back(lt::DecodeOne(lt::LoadPng(cli.dir / "png" + name)));
    INFO(texts.back());
    CHECK(texts.back().find("/S/" + lot + "." + std::to_string(4 + i) + ".") != std::string::npos);
    json ok = cli.Json({"verify", "--label", texts.back(), "--pubkey", cli.dir / "key.pem"},
                       "verify.schema.json");
    CHECK(ok["code"] == lot);
    CHECK(ok["serial"] == 4 + i);
    CHECK(ok["origin"] == "HTTPS://V.BAISHA.GOV.CN");
  }
  // The origin is signed: the same text on another host fails, --origin insists on one, and the
  // bare segment after /S/ needs --origin to be checked at all.
  const std::string host = "HTTPS://V.BAISHA.GOV.CN";
  REQUIRE(texts[0].rfind(host + "/S/", 0) == 0);
  const std::string segment = texts[0].substr(host.size() + 3);
  auto human = cli.Run({"verify", "--label", texts[0], "--pubkey", cli.dir / "key.pem"});
  CHECK(human.exit_code == 0);
  CHECK(human.out.find(host) != std::string::npos);
  auto copied = cli.Run({"verify", "--label", "HTTPS://V.BAISHA-GOV.CN/S/" + segment,
                         "--pubkey", cli.dir / "key.pem"});
  CHECK(copied.exit_code == 3);
  CHECK(copied.err.find("签名无效") != std::string::npos);
  CHECK(copied.err.find("HTTPS://V.BAISHA-GOV.CN") != std::string::npos);
  auto expected = cli.Run({"verify", "--label", texts[0], "--origin", "https://v.baisha.gov.cn/",
                           "--pubkey", cli.dir / "key.pem"});
  CHECK(expected.exit_code == 0);
  auto other = cli.Run({"verify", "--label", texts[0], "--origin", "https://v.other.example",
                        "--pubkey", cli.dir / "key.pem"});
  CHECK(other.exit_code == 3);
  CHECK(other.err.find("不是要求的 HTTPS://V.OTHER.EXAMPLE") != std::string::npos);
  CHECK(other.err.find("not the expected HTTPS://V.OTHER.EXAMPLE") != std::string::npos);
  auto bare = cli.Run({"verify", "--label", "/S/" + segment, "--pubkey", cli.dir / "key.pem"});
  CHECK(bare.exit_code == 3);
  CHECK(bare.err.find("--origin") != std::string::npos);
  json bare_ok = cli.Json({"verify", "--label", "/S/" + segment, "--base", "https://v.baisha.gov.cn",
                           "--pubkey", cli.dir / "key.pem"},
                          "verify.schema.json");
  CHECK(bare_ok["origin"] == host);
  CHECK(cli.Run({"verify", "--label", "/S/" + segment, "--base", "https://v.other.example",
                 "--pubkey", cli.dir / "key.pem"})
            .exit_code == 3);
  // The code under the QR is still the unit's, for typing into the page by hand.
  auto zpl = cli.Run({"label", "print", "--lot", lot, "--from", "4", "--to", "4", "--format",
                      "zpl", "--size", "60x40", "--offline-signed", "--out", cli.dir / "l.zpl"});
  REQUIRE(zpl.exit_code == 0);
  std::string z = lt::ReadFile(cli.dir / "l.zpl");
  CHECK(z.find("^FDMM,A" + texts[0]) != std::string::npos);
  CHECK(z.find(stored[3]) == std::string::npos);  // the QR does not carry the unit code

  // Another serial under the same signature, a signature from another key, not a signed label.
  std::string moved = texts[0];
  moved.replace(moved.find("." + std::string("4") + "."), 3, ".5.");
  auto forged = cli.Run({"verify", "--label", moved, "--pubkey", cli.dir / "key.pem"});
  CHECK(forged.exit_code == 3);
  CHECK(forged.err.find("签名无效") != std::string::npos);
  CHECK(forged.err.find("signature INVALID") != std::string::npos);
  REQUIRE(cli.Run({"key", "rotate"}).exit_code == 0);
  auto new_pem = cli.Run({"key", "export"});
  {
    std::ofstream(cli.dir / "new.pem") << new_pem.out;
  }
  auto mismatch = cli.Run({"verify", "--label", texts[0], "--pubkey", cli.dir / "new.pem"});
  CHECK(mismatch.exit_code == 3);
  CHECK(mismatch.err.find("key export --kid") != std::string::npos);
  // Labels printed before a rotation still verify with the old key.
  CHECK(cli.Run({"verify", "--label", texts[0], "--pubkey", cli.dir / "key.pem"}).exit_code == 0);
  auto plain = cli.Run({"verify", "--label", stored[0], "--pubkey", cli.dir / "key.pem"});
  CHECK(plain.exit_code == 3);
  CHECK(plain.err.find("这不是离线签名标签") != std::string::npos);
  auto bad = cli.Run({"verify", "--label", texts[0].substr(0, texts[0].size() - 1), "--pubkey",
                      cli.dir / "key.pem"});
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.find("签名应为 103 个字符") != std::string::npos);
  CHECK(cli.Run({"verify", "--pubkey", cli.dir / "key.pem"}).exit_code != 0);

  // Not for the lot-code label; refused before any file is made.
  auto lot_only = cli.Run({"label", "print", "--lot", lot, "--lot-only", "--offline-signed",
                           "--format", "pdf", "--out", cli.dir / "lot.pdf"});
  CHECK(lot_only.exit_code == 3);
  CHECK(lot_only.err.find("--lot-only") != std::string::npos);
  CHECK(Listing(cli.dir.path()).find("lot.pdf") == std::string::npos);
}
