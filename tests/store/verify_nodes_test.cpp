// Several verify nodes on one PostgreSQL registry (issue 12, part 3; docs/deploy.md): a primary,
// a streaming replica made by pg_basebackup -R, two `agritrace serve` processes on loopback ports
// that write scans to the primary and read consumer lookups from the replica, and nginx in front
// of them with docs/deploy/nginx-agritrace.conf. Every scan answered as recorded is counted once
// on the primary; a node killed with SIGKILL loses nothing the surviving node answered, and its
// own answered scans come back from its journal.
#include <httplib.h>
#include <stdlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/log_store.h"
#include "agritrace/registry/unit_store.h"
#include "registry/postgresql_connection.h"
#include "tests/support/process.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/serve_child.h"

namespace agritrace {
namespace {

using testing::RunProcess;
using testing::ServeChild;

// A cluster of this test's own (scripts/pg_cluster.sh): a primary, or a replica of `primary`.
// Stopped when the test ends; the script's watchdog stops it should the test be killed.
struct OwnCluster {
  std::string dir, url;
  explicit OwnCluster(const OwnCluster* primary = nullptr) {
    char tmpl[] = "/tmp/agritrace-pgn-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    std::vector<std::string> argv{AGRITRACE_SOURCE_DIR "/scripts/pg_cluster.sh"};
    if (primary) {
      argv.insert(argv.end(), {"replica", primary->dir, dir, "900"});
    } else {
      argv.insert(argv.end(), {"start", dir, "900"});
    }
    auto r = RunProcess(argv);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    url = r.out.substr(0, r.out.find('\n'));
    REQUIRE(url.rfind("postgresql://", 0) == 0);
  }
  ~OwnCluster() { RunProcess({AGRITRACE_SOURCE_DIR "/scripts/pg_cluster.sh", "stop", dir}); }
};

void ReplaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  INFO("docs/deploy/nginx-agritrace.conf must hold " << from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

// nginx (Debian's nginx-light) running docs/deploy/nginx-agritrace.conf as the guide shows it,
// with the test's ports in place of the documented 8080, 8081 and 8082.
class Nginx {
 public:
  Nginx(int node_a, int node_b) {
    std::string site = testing::ReadFileText(AGRITRACE_SOURCE_DIR "/docs/deploy/nginx-agritrace.conf");
    port_ = testing::FreePort();
    REQUIRE(port_ > 0);
    ReplaceOnce(site, "server 127.0.0.1:8081", "server 127.0.0.1:" + std::to_string(node_a));
    ReplaceOnce(site, "server 127.0.0.1:8082", "server 127.0.0.1:" + std::to_string(node_b));
    ReplaceOnce(site, "listen 127.0.0.1:8080;", "listen 127.0.0.1:" + std::to_string(port_) + ";");
    const std::string d = dir_.path();
    testing::WriteFileText(dir_ / "site.conf", site);
    // The rest of what /etc/nginx/nginx.conf would hold, with every path in the test's folder.
    testing::WriteFileText(
        dir_ / "nginx.conf",
        "daemon off;\nworker_processes 1;\npid " + d + "/nginx.pid;\nerror_log " + d +
            "/error.log;\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n"
            "  client_body_temp_path " + d + "/body;\n  proxy_temp_path " + d + "/proxy;\n"
            "  fastcgi_temp_path " + d + "/fastcgi;\n  uwsgi_temp_path " + d + "/uwsgi;\n"
            "  scgi_temp_path " + d + "/scgi;\n  include " + d + "/site.conf;\n}\n");
    std::vector<std::string> argv{"/usr/sbin/nginx", "-p", d, "-c", d + "/nginx.conf"};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, args[0], nullptr, nullptr, args.data(), environ) == 0);
    // Up when it accepts a connection; a config it refuses ends it at once.
    for (int i = 0; i < 100; ++i) {
      httplib::Client c("127.0.0.1", port_);
      c.set_connection_timeout(0, 100000);
      if (c.Get("/healthz")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO(testing::ReadFileText(d + "/error.log"));
    FAIL("nginx did not start");
  }
  ~Nginx() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }

 private:
  testing::TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

int64_t StoredByNode(int port) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/metrics");
  REQUIRE(r);
  const std::string key = "agritrace_scans_stored_total ";
  const auto at = r->body.find("\n" + key);
  INFO(r->body.substr(0, 2000));
  REQUIRE(at != std::string::npos);
  return std::stoll(r->body.substr(at + 1 + key.size()));
}

std::vector<std::string> MintUnits(Store& store, int64_t lot_id, int n) {
  std::vector<std::string> codes;
  sql::Transaction tx(store.db());
  auto writer = UnitWriter::Open(store.db(), lot_id);
  REQUIRE(writer.ok());
  for (int i = 0; i < n; ++i) {
    codes.push_back(labeler::MintUnitCode());
    REQUIRE((*writer)->Add(codes.back(), false).ok());
  }
  tx.Commit();
  return codes;
}

ServeChild Node(const std::string& primary, const std::string& replica,
                const std::string& journal) {
  return ServeChild({AGRITRACE_BIN, "--db", primary, "serve", "--listen", "127.0.0.1:0",
                     "--read-db", replica, "--scan-journal", journal, "--trusted-proxy",
                     "127.0.0.1"});
}

// Scans `codes[i]` in turn through the node on `port` until `stop` (or the node is gone); counts
// each answer that says the scan was recorded, per code.
void Drive(int port, const std::vector<std::string>& codes, std::vector<int64_t>& answered,
           std::atomic<int64_t>& total, const std::atomic<bool>& stop, int limit = -1) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(10, 0);
  for (size_t i = 0; !stop && (limit < 0 || static_cast<int>(i) < limit); ++i) {
    const size_t k = i % codes.size();
    auto r = c.Get(("/api/v1/verify/" + codes[k]).c_str());
    if (!r) break;  // the node is gone
    if (r->status == 200 && r->body.find("\"scan_recorded\":true") != std::string::npos) {
      ++answered[k];
      ++total;
    }
  }
}

int64_t StoredScans(Store& store, const std::string& code) {
  sql::Statement q(store.db(), "SELECT COUNT(*) FROM scans WHERE code = ?");
  q.Bind(1, code);
  q.Step();
  return q.Column(0).Int64();
}

TEST_CASE("two verify nodes on one PostgreSQL and its streaming replica lose no answered scan",
          "[store][nodes]") {
  OwnCluster primary;
  testing::RegistryFixture f(primary.url);
  auto lot = IssueLot(*f.store, f.TeaLot(20), "cli");
  REQUIRE(lot.ok());
  const std::string lot_code = lot->code;
  const auto codes = MintUnits(*f.store, *LotId(*f.store, lot_code), 8);
  const std::string extra = MintUnits(*f.store, *LotId(*f.store, lot_code), 1)[0];
  OwnCluster replica(&primary);
  const std::string journal_a = f.dir / "node-a.journal", journal_b = f.dir / "node-b.journal";

  // Through nginx, both nodes answer every code, writing to the primary: each answer counted
  // once there.
  std::vector<int64_t> answered(codes.size(), 0);
  {
    ServeChild a = Node(primary.url, replica.url, journal_a);
    ServeChild b = Node(primary.url, replica.url, journal_b);
    INFO(a.err() << b.err());
    REQUIRE(a.port() > 0);
    REQUIRE(b.port() > 0);
    Nginx nginx(a.port(), b.port());
    std::vector<std::vector<int64_t>> counts(4, std::vector<int64_t>(codes.size(), 0));
    std::atomic<int64_t> total{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&, t] { Drive(nginx.port(), codes, counts[t], total, stop, 60); });

    // A lot issued on the primary while the replica lags (its replay paused here) is genuine at
    // once on every node: a code the replica does not know yet is looked up on the primary
    // before it is called unknown.
    sql::PostgresqlConnection replica_admin(replica.url);
    replica_admin.Exec("SELECT pg_wal_replay_pause()");
    auto later = IssueLot(*f.store, f.TeaLot(5), "cli");
    REQUIRE(later.ok());
    const std::string later_code = later->code;
    for (int port : {a.port(), b.port()}) {
      httplib::Client c("127.0.0.1", port);
      auto r = c.Get(("/api/v1/verify/" + later_code).c_str());
      REQUIRE(r);
      INFO(r->body.substr(0, 600));
      CHECK(r->status == 200);
      CHECK(r->body.find("\"status\":\"genuine\"") != std::string::npos);
    }
    {
      auto on_replica = Store::Open(replica.url, OpenMode::kReadOnly);
      REQUIRE(on_replica.ok());
      CHECK_FALSE(LotId(**on_replica, later_code).ok());  // the replica did lag
    }
    // Once replay resumes it reaches the replica within seconds.
    replica_admin.Exec("SELECT pg_wal_replay_resume()");
    bool replicated = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!replicated && std::chrono::steady_clock::now() < deadline) {
      auto on_replica = Store::Open(replica.url, OpenMode::kReadOnly);
      REQUIRE(on_replica.ok());
      replicated = LotId(**on_replica, later_code).ok();
      if (!replicated) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(replicated);

    // A code scanned on both nodes: each node's count takes in the other's scans within a few
    // seconds (an idle tally is read again after twice the fold interval).
    auto scan_count = [&](int port) -> int64_t {
      httplib::Client c("127.0.0.1", port);
      auto r = c.Get(("/api/v1/verify/" + extra).c_str());
      REQUIRE(r);
      REQUIRE(r->status == 200);
      return Json::parse(r->body)["scan_count"].get<int64_t>();
    };
    // Waits until the replica's tally holds `n` scans of the code, then past the reload age
    // (2 s) and a fold (1 s) of each node: what "a few seconds late" means, in the nodes' own
    // settings rather than in how fast this machine is.
    auto settled = [&](int64_t n) {
      int64_t folded = -1;
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (folded != n && std::chrono::steady_clock::now() < until) {
        auto on_replica = Store::Open(replica.url, OpenMode::kReadOnly);
        REQUIRE(on_replica.ok());
        sql::Statement q((*on_replica)->db(), "SELECT count FROM scan_tallies WHERE code = ?");
        q.Bind(1, extra);
        folded = q.Step() ? q.Column(0).Int64() : 0;
        if (folded != n) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      REQUIRE(folded == n);
      std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    };
    for (int i = 1; i <= 3; ++i) CHECK(scan_count(a.port()) == i);
    for (int i = 0; i < 3; ++i) scan_count(b.port());
    settled(6);
    CHECK(scan_count(a.port()) == 7);
    settled(7);
    CHECK(scan_count(b.port()) == 8);

    for (auto& t : clients) t.join();
    CHECK(total == 4 * 60);
    // nginx spread them: both nodes stored scans.
    CHECK(StoredByNode(a.port()) > 0);
    CHECK(StoredByNode(b.port()) > 0);
    for (const auto& per_thread : counts)
      for (size_t k = 0; k < codes.size(); ++k) answered[k] += per_thread[k];
    CHECK(a.Stop() == 0);  // SIGTERM: pending scans are committed before it exits
    CHECK(b.Stop() == 0);
  }
  for (size_t k = 0; k < codes.size(); ++k) {
    INFO("code " << codes[k]);
    CHECK(StoredScans(*f.store, codes[k]) == answered[k]);
  }

  // Node A serves codes 0..3 and is killed mid-load; node B serves 4..7 and carries on.
  const std::vector<std::string> codes_a(codes.begin(), codes.begin() + 4),
      codes_b(codes.begin() + 4, codes.end());
  std::vector<int64_t> answered_a(4, 0), answered_b(4, 0);
  {
    ServeChild a = Node(primary.url, replica.url, journal_a);
    ServeChild b = Node(primary.url, replica.url, journal_b);
    INFO(a.err() << b.err());
    REQUIRE(a.port() > 0);
    REQUIRE(b.port() > 0);
    std::atomic<int64_t> total_a{0}, total_b{0};
    std::atomic<bool> stop_a{false}, stop_b{false};
    std::vector<std::vector<int64_t>> counts_a(2, std::vector<int64_t>(4, 0)),
        counts_b(2, std::vector<int64_t>(4, 0));
    std::vector<std::thread> clients;
    for (int t = 0; t < 2; ++t) {
      clients.emplace_back([&, t] { Drive(a.port(), codes_a, counts_a[t], total_a, stop_a); });
      clients.emplace_back([&, t] { Drive(b.port(), codes_b, counts_b[t], total_b, stop_b); });
    }
    while (total_a < 150) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    CHECK(a.Stop(SIGKILL) == 128 + SIGKILL);
    const int64_t b_at_kill = total_b;
    while (total_b < b_at_kill + 100) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stop_a = stop_b = true;
    for (auto& t : clients) t.join();
    CHECK(b.Stop() == 0);
    for (int t = 0; t < 2; ++t)
      for (size_t k = 0; k < 4; ++k) {
        answered_a[k] += counts_a[t][k];
        answered_b[k] += counts_b[t][k];
      }
  }
  // Everything the surviving node answered is on the primary, once.
  for (size_t k = 0; k < 4; ++k) {
    INFO("code " << codes_b[k]);
    CHECK(StoredScans(*f.store, codes_b[k]) == answered[k + 4] + answered_b[k]);
  }
  // The killed node's answered scans were in its journal: its next start stores them.
  {
    ServeChild a = Node(primary.url, replica.url, journal_a);
    REQUIRE(a.port() > 0);
    CHECK(a.Stop() == 0);
  }
  for (size_t k = 0; k < 4; ++k) {
    INFO("code " << codes_a[k]);
    CHECK(StoredScans(*f.store, codes_a[k]) >= answered[k] + answered_a[k]);
  }
  // The registry itself is whole after all of it: the log and the nodes' checkpoints verify.
  const Status verified = VerifyLog(f.store->db(), NoteVerifiers(*f.store));
  INFO(verified.en());
  CHECK(verified.ok());
}

}  // namespace
}  // namespace agritrace
