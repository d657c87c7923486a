// Only `init` makes a registry (security issue 10, finding 7): every other command refuses a
// missing, empty, non-SQLite or foreign file and leaves it byte for byte as it was; and the
// read-only commands work on a registry they cannot write.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <optional>

#include "agritrace/registry/dates.h"
#include "registry/sqlite_connection.h"
#include "tests/support/cli_runner.h"
#include "tests/support/registry_file.h"

using agritrace::testing::Cli;
using agritrace::testing::Exists;
using agritrace::testing::FileState;
using agritrace::testing::IssueLot;
using agritrace::testing::StateOf;
using agritrace::testing::ReadFileText;
using agritrace::testing::RunProcess;
using agritrace::testing::WriteFileText;
using nlohmann::json;
namespace sql = agritrace::sql;

TEST_CASE("a missing, empty, non-SQLite or foreign file is refused by every command but init",
          "[cli][store]") {
  std::string random(4096, '\0');
  uint32_t x = 12345;
  for (char& c : random) c = static_cast<char>((x = x * 1103515245 + 12345) >> 24);
  const std::vector<std::vector<std::string>> commands = {
      {"log", "verify"},
      {"lot", "show", "AAAAA-AAAAA"},
      {"audit", "certs"},
      {"cert", "list"},
      {"token", "list"},
      {"label", "mint", "--lot", "AAAAA-AAAAA", "--count", "1"},
      {"serve", "--listen", "127.0.0.1:0"},
  };
  for (const char* kind : {"missing", "empty", "random", "foreign"}) {
    Cli cli;
    if (std::string(kind) == "empty") WriteFileText(cli.db, "");
    if (std::string(kind) == "random") WriteFileText(cli.db, random);
    if (std::string(kind) == "foreign") {
      sql::SqliteConnection other(cli.db, {.create = true});
      other.Exec("CREATE TABLE accounts(id INTEGER PRIMARY KEY, owner TEXT)");
      other.Exec("INSERT INTO accounts(owner) VALUES ('someone else')");
    }
    const FileState before = StateOf(cli.db);
    for (const auto& args : commands) {
      INFO(kind << ": " << args[0] << " " << args[1]);
      auto r = cli.Run(args);
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("agritrace init") != std::string::npos);
      CHECK(r.err.find("--db") != std::string::npos);
      CHECK(r.err.find(cli.db) != std::string::npos);
      CHECK(r.err.find("不是 agritrace 登记库") != std::string::npos);
      CHECK(r.out.find("intact") == std::string::npos);
      CHECK(StateOf(cli.db) == before);
      CHECK_FALSE(Exists(cli.db + "-wal"));
      CHECK_FALSE(Exists(cli.db + "-journal"));
    }
    // init makes a registry of a missing or empty file only.
    auto init = cli.Run({"init", "--base-url", "https://v.baisha.gov.cn", "--name", "t.example"});
    INFO(init.err);
    if (std::string(kind) == "missing" || std::string(kind) == "empty") {
      CHECK(init.exit_code == 0);
      CHECK(cli.Run({"log", "verify"}).exit_code == 0);
    } else {
      CHECK(init.exit_code == 1);
      CHECK(StateOf(cli.db) == before);
    }
  }
}

TEST_CASE("read-only commands work on a registry they may not write, and leave it unchanged",
          "[cli][store]") {
  Cli cli;
  cli.Seed();
  const std::string lot = IssueLot(cli);
  const std::string dir = cli.dir.path();
  REQUIRE_FALSE(Exists(cli.db + "-wal"));  // the last writer checkpointed and removed it

  // chmod 0444 in a 0555 folder. The tests may run as root, whom that does not stop: the proof is
  // that the file's bytes and mtime stay as they were.
  REQUIRE(chmod(cli.db.c_str(), 0444) == 0);
  REQUIRE(chmod(dir.c_str(), 0555) == 0);
  const FileState before = StateOf(cli.db);
  auto verify = cli.Run({"log", "verify"});
  CHECK(verify.exit_code == 0);
  CHECK(verify.out.find("intact") != std::string::npos);
  CHECK(cli.Run({"lot", "show", lot}).exit_code == 0);
  CHECK(cli.Run({"audit", "certs"}).exit_code == 0);
  CHECK(StateOf(cli.db) == before);
  REQUIRE(chmod(dir.c_str(), 0755) == 0);
  REQUIRE(chmod(cli.db.c_str(), 0644) == 0);

  // A real read-only mount, where even root cannot write: an unprivileged user and mount
  // namespace (unshare -rm) bind-mounts the folder read-only for the command alone.
  auto in_ro_mount = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/unshare",
                                     "-rm",
                                     "/bin/sh",
                                     "-c",
                                     "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"",
                                     dir,
                                     AGRITRACE_BIN,
                                     "--db",
                                     cli.db};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  };
  auto probe =
      RunProcess({"/usr/bin/unshare", "-rm", "/bin/sh", "-c",
                  "mount --bind -o ro \"$0\" \"$0\" && ! touch \"$0/probe\" 2>/dev/null", dir});
  if (probe.exit_code != 0) {
    WARN("no unprivileged read-only bind mount here (" << probe.err
                                                       << "); the chmod check above stands");
    return;
  }
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"log", "verify"}, {"lot", "show", lot}, {"audit", "certs"}}) {
    INFO(args[0] << " " << args[1]);
    auto r = in_ro_mount(args);
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
  CHECK(in_ro_mount({"log", "verify"}).out.find("intact") != std::string::npos);
  // A write there fails cleanly, as a failure to write, not as a missing registry.
  auto write = in_ro_mount({"lot", "recall", lot, "--reason", "x"});
  CHECK(write.exit_code == 1);
  CHECK(write.err.find("不是 agritrace 登记库") == std::string::npos);
  CHECK(StateOf(cli.db) == before);
}
