// agritrace user add|list|disable|reset-password as a process: one-time passwords, passwords from
// standard input, exit codes 0/2/3/4, refusals that write nothing, and the registry's own check
// that the printed password is the one stored.
#include <catch2/catch.hpp>
#include <regex>

#include "agritrace/registry/users.h"
#include "tests/support/cli_runner.h"
#include "tests/support/text_search.h"

using namespace agritrace;
using namespace agritrace::testing;
using nlohmann::json;

namespace {

// Whether `password` signs `username` in, checked on the registry the CLI wrote.
bool SignsIn(Cli& cli, const std::string& username, const std::string& password) {
  auto store = Store::Open(cli.db, OpenMode::kExisting);
  REQUIRE(store.ok());
  return CheckSignIn(LoadSignIn(**store, username), password).ok();
}

std::string Scalar(Cli& cli, const std::string& sql) {
  auto r = RunProcess({"/usr/bin/sqlite3", cli.db, sql});
  return r.out;
}

}  // namespace

TEST_CASE("user add prints a one-time password that signs in and must be changed", "[cli]") {
  Cli cli;
  cli.Seed();
  auto r = cli.Run({"user", "add", "--username", "wang.fang", "--role", "clerk", "--org", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::smatch m;
  static const std::regex kLine("initial password: ([A-Za-z0-9]{12})");
  REQUIRE(std::regex_search(r.out, m, kLine));
  const std::string password = m[1];
  CHECK(Contains(r.out, "首次登录时须修改"));
  CHECK(SignsIn(cli, "wang.fang", password));
  CHECK_FALSE(SignsIn(cli, "wang.fang", password + "x"));

  auto j = cli.Run({"--json", "user", "add", "--username", "zhao.jun", "--role", "bureau-admin"});
  REQUIRE(j.exit_code == 0);
  json added = json::parse(j.out);
  CHECK(added["role"] == "bureau-admin");
  CHECK(added["must_change_password"] == true);
  CHECK_FALSE(added.contains("org_id"));
  CHECK(added["initial_password"].get<std::string>().size() == 12);
  CHECK(added["initial_password"] != password);

  // The log event names the CLI as actor and holds no password.
  std::string leaves = Scalar(cli, "SELECT leaf FROM events WHERE kind = 'user.added'");
  CHECK(Contains(leaves, "\"actor\":\"cli\""));
  CHECK_FALSE(Contains(leaves, password));
  CHECK_FALSE(Contains(leaves, "argon2"));

  auto list = cli.Run({"user", "list"});
  REQUIRE(list.exit_code == 0);
  CHECK(Contains(list.out, "wang.fang  clerk  org 1"));
  CHECK(Contains(list.out, "must change password"));
  auto list_json = cli.Run({"--json", "user", "list"});
  json users = json::parse(list_json.out);
  REQUIRE(users.size() == 2);
  CHECK(users[0]["username"] == "wang.fang");
  CHECK(users[0]["must_change_password"] == true);
  CHECK_FALSE(Contains(list_json.out, "argon2"));
  CHECK_FALSE(Contains(list_json.out, password));
}

TEST_CASE("user add --password-stdin takes the password from standard input", "[cli]") {
  Cli cli;
  cli.Seed();
  auto r = cli.Run({"user", "add", "--username", "li.lei", "--role", "manager", "--org", "1",
                    "--password-stdin"},
                   {}, "茶园春天-2026\n");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(Contains(r.out, "initial password"));
  CHECK(SignsIn(cli, "li.lei", "茶园春天-2026"));

  // Too short, none at all, too long: refused (exit 3) and nothing written.
  const std::string before =
      Scalar(cli, "SELECT COUNT(*), (SELECT COUNT(*) FROM events) FROM users");
  for (const std::string& input :
       {std::string("short\n"), std::string(""), std::string(300, 'a') + "\n"}) {
    auto bad = cli.Run({"user", "add", "--username", "x.y", "--role", "bureau", "--password-stdin"},
                       {}, input);
    INFO(input.size());
    CHECK(bad.exit_code == 3);
    CHECK(Contains(bad.err, "错误："));
    CHECK(Contains(bad.err, "Error: "));
  }
  CHECK(Scalar(cli, "SELECT COUNT(*), (SELECT COUNT(*) FROM events) FROM users") == before);
}

TEST_CASE("user add refuses bad accounts with clear errors and writes nothing", "[cli]") {
  Cli cli;
  cli.Seed();
  REQUIRE(cli.Run({"user", "add", "--username", "taken", "--role", "bureau"}).exit_code == 0);
  const std::string before =
      Scalar(cli, "SELECT COUNT(*), (SELECT COUNT(*) FROM events) FROM users");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {{"--username", "a.b", "--role", "clerk"}, 3, "--org"},
           {{"--username", "a.b", "--role", "bureau", "--org", "1"}, 3, "--org"},
           {{"--username", "a.b", "--role", "admin"}, 3, "clerk"},
           {{"--username", "A B", "--role", "bureau"}, 3, "lower-case"},
           {{"--username", "taken", "--role", "bureau"}, 3, "taken"},
           {{"--username", "a.b", "--role", "clerk", "--org", "99"}, 4, "99"},
           {{"--role", "bureau"}, 2, "--username"},
       }) {
    std::vector<std::string> args = {"user", "add"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = cli.Run(args);
    INFO(r.err);
    CHECK(r.exit_code == c.exit_code);
    CHECK(Contains(r.err, c.message));
  }
  CHECK(Scalar(cli, "SELECT COUNT(*), (SELECT COUNT(*) FROM events) FROM users") == before);
}

TEST_CASE("user disable and reset-password end sessions, unknown users exit 4", "[cli]") {
  Cli cli;
  cli.Seed();
  REQUIRE(cli.Run({"user", "add", "--username", "wang.fang", "--role", "clerk", "--org", "1",
                   "--password-stdin"},
                  {}, "first-password\n")
              .exit_code == 0);
  {
    auto store = Store::Open(cli.db, OpenMode::kExisting);
    REQUIRE(store.ok());
    auto u = FindUser(**store, "wang.fang");
    REQUIRE(CreateSession(**store, u->id, UnixNow()).ok());
  }
  auto reset = cli.Run({"user", "reset-password", "wang.fang"});
  INFO(reset.err);
  REQUIRE(reset.exit_code == 0);
  std::smatch m;
  static const std::regex kLine("initial password: ([A-Za-z0-9]{12})");
  REQUIRE(std::regex_search(reset.out, m, kLine));
  CHECK(SignsIn(cli, "wang.fang", m[1]));
  CHECK_FALSE(SignsIn(cli, "wang.fang", "first-password"));
  CHECK(Scalar(cli, "SELECT COUNT(*) FROM sessions") == "0\n");
  CHECK(Scalar(cli, "SELECT must_change_password FROM users") == "1\n");

  auto disable = cli.Run({"user", "disable", "wang.fang"});
  REQUIRE(disable.exit_code == 0);
  CHECK(Contains(disable.out, "disabled wang.fang"));
  CHECK_FALSE(SignsIn(cli, "wang.fang", m[1]));
  CHECK(Contains(cli.Run({"user", "list"}).out, "disabled"));
  CHECK(cli.Run({"user", "disable", "wang.fang"}).exit_code == 3);  // already
  CHECK(cli.Run({"user", "disable", "nobody"}).exit_code == 4);
  CHECK(cli.Run({"user", "reset-password", "nobody"}).exit_code == 4);
  CHECK(cli.Run({"user", "disable"}).exit_code == 2);
  std::string kinds = Scalar(cli, "SELECT kind FROM events WHERE kind LIKE 'user.%' ORDER BY idx");
  CHECK(kinds == "user.added\nuser.password-reset\nuser.disabled\n");
}
