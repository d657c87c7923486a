// agritrace backup as a process: schema-valid JSON, the copy passes `log verify`, a second
// backup onto the same name is refused with exit 3 and leaves the first untouched.
#include <catch2/catch.hpp>

#include "tests/support/cli_runner.h"

using agritrace::testing::Cli;
using agritrace::testing::ReadFileText;

TEST_CASE("backup copies the registry and its keys, and refuses to overwrite", "[cli][backup]") {
  Cli cli;
  cli.Seed();
  std::string out = cli.dir / "2026-12-01.db";
  auto j = cli.Json({"backup", "--out", out}, "backup.schema.json");
  CHECK(j["keys"] == 1);

  auto verify = agritrace::testing::RunProcess({AGRITRACE_BIN, "--db", out, "log", "verify"});
  INFO(verify.err);
  CHECK(verify.exit_code == 0);

  std::string before = ReadFileText(out);
  auto again = cli.Run({"backup", "--out", out});
  CHECK(again.exit_code == 3);
  CHECK(again.err.find("已存在") != std::string::npos);
  CHECK(again.err.find("exists") != std::string::npos);
  CHECK(ReadFileText(out) == before);

  auto usage = cli.Run({"backup"});
  CHECK(usage.exit_code == 2);
}
