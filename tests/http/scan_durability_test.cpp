// "An answered scan is a stored scan" (DESIGN.md §8): a server killed with SIGKILL under load, at
// several moments, has stored every scan a client got an answer for. The journal a killed server
// leaves (http/scan_journal.h) is replayed when the registry's scans are next opened.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <thread>

#include "agritrace/http/scan_recorder.h"
#include "agritrace/registry/scan_store.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

// Runs the server on `db_path` in a child process (RunServer: what `agritrace serve` runs), so
// that it can be killed; returns its pid and sets `port`.
pid_t ForkServer(const std::string& db_path, http::ServerOptions o, int& port) {
  int port_pipe[2];
  REQUIRE(pipe(port_pipe) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(port_pipe[0]);
    o.on_listening = [fd = port_pipe[1]](int p) {
      ssize_t n = write(fd, &p, sizeof p);
      (void)n;
      close(fd);
    };
    _exit(http::RunServer(db_path, o));
  }
  close(port_pipe[1]);
  REQUIRE(read(port_pipe[0], &port, sizeof port) == sizeof port);
  close(port_pipe[0]);
  return child;
}

}  // namespace

TEST_CASE("a server killed under load has stored every scan it answered", "[scans][durability]") {
  VerifyFixture f;
  constexpr int kCodes = 8, kThreads = 4;
  const auto units = f.AddUnits(f.Issue(f.TeaLot()), kCodes);
  // No SQLite connection may cross fork(): close ours, reopen after each child is gone.
  const std::string db_path = f.store->path();
  f.store.reset();

  std::vector<int64_t> answered(kCodes, 0);  // scans answered with "recorded", over all runs
  for (int kill_after : {200, 1000, 2500}) {
    INFO("killed after " << kill_after << " answers");
    http::ServerOptions o = TestServerOptions();
    // Commits lag well behind the answers: a kill finds scans that only the journal holds.
    o.scans.commit_delay = std::chrono::milliseconds(20);
    o.scans.journal = f.ScanJournal();
    int port = 0;
    const pid_t child = ForkServer(db_path, o, port);

    std::atomic<int> total{0}, running{kThreads};
    std::vector<std::vector<int64_t>> counts(kThreads, std::vector<int64_t>(kCodes, 0));
    std::vector<std::thread> clients;
    for (int t = 0; t < kThreads; ++t) {
      clients.emplace_back([&, t] {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(10, 0);
        for (int i = 0;; ++i) {
          const int code = (t + i) % kCodes;
          auto r = c.Get(("/api/v1/verify/" + units[code]).c_str());
          if (!r) break;  // the server is gone
          if (r->status == 200 && r->body.find("\"scan_recorded\":true") != std::string::npos) {
            ++counts[t][code];
            ++total;
          }
        }
        --running;
      });
    }
    // The kill lands whenever the count is reached: mid-batch, mid-write, mid-commit.
    while (total.load() < kill_after && running.load() == kThreads)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    REQUIRE(kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    for (auto& c : clients) c.join();
    CHECK(WIFSIGNALED(status));
    REQUIRE(total.load() >= kill_after);
    for (int t = 0; t < kThreads; ++t)
      for (int code = 0; code < kCodes; ++code) answered[code] += counts[t][code];

    // Opening the scans again (as the next `serve` does) replays the journal.
    {
      http::Metrics metrics;
      http::ScanRecorderOptions again;
      again.journal = f.ScanJournal();
      auto rec = http::ScanRecorder::Open(db_path, again, &metrics);
      REQUIRE(rec.ok());
      (*rec)->Close();
    }
    f.store = std::move(Store::Open(db_path, OpenMode::kExisting)).value();
    for (int code = 0; code < kCodes; ++code) {
      INFO("code " << units[code]);
      CHECK(f.ScanRows(units[code]) >= answered[code]);
    }
    f.store.reset();
  }
}

TEST_CASE("the scan journal ignores a torn last record and replays only what is not committed",
          "[scans][durability]") {
  RegistryFixture f;
  const std::string journal_path = f.ScanJournal();
  {
    auto j = http::ScanJournal::Open(journal_path);
    REQUIRE(j.ok());
    const std::string at = "2026-05-01T00:00:00Z";
    REQUIRE((*j)->Append({{1, {"AAAA", "unit", at, "n1"}}, {2, {"BBBB", "unit", at, "n1"}}}).ok());
    REQUIRE((*j)->Append({{3, {"CCCC", "unit", at, "n1"}}}).ok());
    // A second server on the same registry is refused while this one holds the journal.
    auto second = http::ScanJournal::Open(journal_path);
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().reason() == "registry-in-use");
  }
  // Scan 1 was committed before the kill; the kill cut scan 3's record short.
  REQUIRE(InsertScans(f.store->db(), {{"AAAA", "unit", "2026-05-01T00:00:00Z", "n1"}}, 1,
                      ScanJournalKey(IsPostgresqlRegistry(f.db), journal_path))
              .ok());
  const auto whole = ReadFileText(journal_path).size();
  REQUIRE(truncate(journal_path.c_str(), static_cast<off_t>(whole - 3)) == 0);
  http::Metrics metrics;
  http::ScanRecorderOptions o;
  o.journal = journal_path;
  auto rec = http::ScanRecorder::Open(f.store->path(), o, &metrics);
  REQUIRE(rec.ok());
  (*rec)->Close();
  auto rows = [&](const std::string& code) {
    return f.store->db()
        .QueryValue("SELECT COUNT(*) FROM scans WHERE code = '" + code + "'")
        .Int64();
  };
  CHECK(rows("AAAA") == 1);  // not twice
  CHECK(rows("BBBB") == 1);
  CHECK(rows("CCCC") == 0);  // never whole, so never answered
  CHECK(ScanJournalThrough(f.store->db(), ScanJournalKey(IsPostgresqlRegistry(f.db), journal_path)) ==
        2);
  CHECK(ReadFileText(journal_path).empty());  // replayed, then emptied
}
