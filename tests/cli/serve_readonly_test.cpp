// agritrace serve on a registry it may not write (security issue 10, finding 7): --read-only (or
// a registry it finds unwritable) answers the consumer routes from the stored data, refuses every
// write with 503, records no scan, and leaves the file byte for byte as it was, with no scan
// journal beside it.
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <optional>
#include <regex>

#include "agritrace/registry/dates.h"
#include "tests/support/cli_runner.h"
#include "tests/support/registry_file.h"
#include "tests/support/serve_child.h"

using agritrace::testing::Cli;
using agritrace::testing::Exists;
using agritrace::testing::FileState;
using agritrace::testing::IssueLot;
using agritrace::testing::StateOf;
using agritrace::testing::ReadFileText;
using agritrace::testing::RunProcess;
using agritrace::testing::ServeChild;
using nlohmann::json;

namespace {

// What a read-only server must answer, and refuse, for the lot `lot`.
void CheckReadOnlyAnswers(int port, const std::string& lot) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(30, 0);

  auto page = c.Get(("/q/" + lot).c_str());
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("白沙绿茶") != std::string::npos);  // the product, from the signed record
  CHECK(page->body.find("data-status=\"genuine\"") != std::string::npos);
  CHECK(page->body.find("只读副本：本次查询未记录") != std::string::npos);
  CHECK(page->body.size() < 30 * 1024);
  auto page_en = c.Get(("/q/" + lot + "?lang=en").c_str());
  REQUIRE(page_en);
  CHECK(page_en->body.find("Read-only copy: this scan was not recorded") != std::string::npos);

  auto api = c.Get(("/api/v1/verify/" + lot).c_str());
  REQUIRE(api);
  CHECK(api->status == 200);
  json v = json::parse(api->body);
  CHECK(v["status"] == "genuine");
  CHECK(v["scan_recorded"] == false);
  CHECK(v["scan_count"] == 0);  // nothing stored, and this scan is not counted

  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body)["read_only"] == true);
  auto keys = c.Get("/.well-known/agritrace/keys.json");
  REQUIRE(keys);
  CHECK(keys->status == 200);

  // Writes, with or without a token, and the console: 503 in both languages, before any body.
  for (const auto& [path, headers] : std::vector<std::pair<std::string, httplib::Headers>>{
           {"/api/v1/lots", {}},
           {"/api/v1/lots", {{"Authorization", "Bearer agt_not_a_real_token"}}},
           {"/console/login", {}}}) {
    INFO(path);
    auto post = c.Post(path.c_str(), headers, "{}", "application/json");
    REQUIRE(post);
    CHECK(post->status == 503);
    CHECK(post->get_header_value("Content-Type").find("application/problem+json") !=
          std::string::npos);
    CHECK(post->body.find("只读模式") != std::string::npos);
    CHECK(post->body.find("start serve without --read-only on a writable registry") !=
          std::string::npos);
  }
  // Nothing to sign with: the log API serves what is stored, or says why not.
  auto cp = c.Get("/api/v1/log/checkpoint");
  REQUIRE(cp);
  if (cp->status != 200) {
    CHECK(cp->status == 409);
    CHECK(cp->body.find("read-only") != std::string::npos);
  }

  // Every scan answered is counted as unrecorded, none as queued.
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("agritrace_scans_unrecorded_total 3\n") != std::string::npos);
  CHECK(metrics->body.find("agritrace_scans_queued_total 0\n") != std::string::npos);
}

}  // namespace

TEST_CASE("serve --read-only answers consumers and writes nothing", "[cli][serve]") {
  Cli cli;
  cli.Seed();
  const std::string lot = IssueLot(cli);
  const std::string dir = cli.dir.path();
  REQUIRE_FALSE(Exists(cli.db + "-wal"));

  // chmod 0444 in a 0555 folder. As root that stops nothing: the proof is the unchanged file.
  REQUIRE(chmod(cli.db.c_str(), 0444) == 0);
  REQUIRE(chmod(dir.c_str(), 0555) == 0);
  const FileState before = StateOf(cli.db);
  {
    ServeChild serve({AGRITRACE_BIN, "--db", cli.db, "serve", "--listen", "127.0.0.1:0",
                      "--read-only", "--event-loops", "1", "--threads", "2"});
    INFO(serve.err());
    REQUIRE(serve.port() > 0);
    CheckReadOnlyAnswers(serve.port(), lot);
    CHECK(serve.Stop() == 0);
    CHECK(serve.err().find("read-only: 3 scans answered without recording") != std::string::npos);
  }
  CHECK(StateOf(cli.db) == before);
  CHECK_FALSE(Exists(cli.db + "-scans"));
  REQUIRE(chmod(dir.c_str(), 0755) == 0);
  REQUIRE(chmod(cli.db.c_str(), 0644) == 0);
}

TEST_CASE("serve on a read-only mount turns read-only by itself", "[cli][serve]") {
  Cli cli;
  cli.Seed();
  const std::string lot = IssueLot(cli);
  const std::string dir = cli.dir.path();
  REQUIRE_FALSE(Exists(cli.db + "-wal"));
  // A real read-only mount, where even root cannot write (as in registry_file_test.cpp).
  auto probe =
      RunProcess({"/usr/bin/unshare", "-rm", "/bin/sh", "-c",
                  "mount --bind -o ro \"$0\" \"$0\" && ! touch \"$0/probe\" 2>/dev/null", dir});
  if (probe.exit_code != 0) {
    WARN("no unprivileged read-only bind mount here (" << probe.err << "); skipped");
    return;
  }
  const FileState before = StateOf(cli.db);
  {
    // No --read-only: access(W_OK) sees the read-only mount.
    ServeChild serve({"/usr/bin/unshare", "-rm", "/bin/sh", "-c",
                      "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"", dir, AGRITRACE_BIN, "--db",
                      cli.db, "serve", "--listen", "127.0.0.1:0", "--event-loops", "1", "--threads",
                      "2"});
    INFO(serve.err());
    REQUIRE(serve.port() > 0);
    CHECK(serve.err().find("serving read-only, scans are not recorded") != std::string::npos);
    CheckReadOnlyAnswers(serve.port(), lot);
    CHECK(serve.Stop() == 0);
  }
  CHECK(StateOf(cli.db) == before);
  CHECK_FALSE(Exists(cli.db + "-scans"));
  CHECK_FALSE(Exists(cli.db + "-wal"));
}

TEST_CASE("serve without --read-only on a writable registry still records scans", "[cli][serve]") {
  // The automatic switch must not fire on a registry it may write.
  Cli cli;
  cli.Seed();
  const std::string lot = IssueLot(cli);
  ServeChild serve({AGRITRACE_BIN, "--db", cli.db, "serve", "--listen", "127.0.0.1:0",
                    "--event-loops", "1", "--threads", "2"});
  INFO(serve.err());
  REQUIRE(serve.port() > 0);
  httplib::Client c("127.0.0.1", serve.port());
  auto api = c.Get(("/api/v1/verify/" + lot).c_str());
  REQUIRE(api);
  CHECK(json::parse(api->body)["scan_recorded"] == true);
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(json::parse(health->body)["read_only"] == false);
  CHECK(serve.Stop() == 0);
  CHECK(Exists(cli.db + "-scans"));
}
