// The scan pipeline: tallies that include queued scans, batches, drops that are counted, and a
// SIGTERM that stops the server without losing a scan.
#include "agritrace/http/scan_recorder.h"

#include <signal.h>
#include <sys/wait.h>

#include "agritrace/registry/dates.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

ScanRow Scan(const std::string& code, const std::string& net, const std::string& at = NowUtc()) {
  return {code, "unit", at, net};
}

}  // namespace

TEST_CASE("tallies count stored and queued scans, and networks", "[scans]") {
  RegistryFixture f;
  // Two scans already stored by an earlier run.
  REQUIRE(InsertScans(f.store->db(), {Scan("AAAA", "n1", "2026-01-01T00:00:00Z"),
                                      Scan("AAAA", "n2", "2026-01-02T00:00:00Z")})
              .ok());
  http::Metrics metrics;
  http::ScanRecorderOptions o;
  o.journal = f.ScanJournal();
  o.nets_tracked = 4;
  o.commit_delay = std::chrono::milliseconds(300);  // keep scans in the queue for a while
  auto rec = http::ScanRecorder::Open(f.store->path(), o, &metrics);
  REQUIRE(rec.ok());
  auto& r = **rec;

  auto t1 = r.Record(Scan("AAAA", "n1"), f.store->db());
  REQUIRE(t1.ok());
  CHECK(t1->count == 3);
  CHECK(t1->first_at == "2026-01-01T00:00:00Z");
  CHECK(t1->distinct_nets == 2);
  CHECK(t1->queued);
  auto t2 = r.Record(Scan("AAAA", "n3"), f.store->db());
  CHECK(t2->count == 4);  // the first is still queued, and counted
  CHECK(t2->distinct_nets == 3);
  for (auto net : {"n4", "n5", "n6"})
    CHECK(r.Record(Scan("AAAA", net), f.store->db())->distinct_nets == 4);
  auto other = r.Record(Scan("BBBB", "n1"), f.store->db());
  CHECK(other->count == 1);
  CHECK(other->distinct_nets == 1);
  CHECK(r.QueueDepth() > 0);

  r.Flush();
  CHECK(r.QueueDepth() == 0);
  CHECK(metrics.scans_stored() == 6);
  CHECK(metrics.scans_queued() == 6);
  CHECK(SummarizeScans(f.store->db(), "AAAA", 10).count == 7);
  CHECK(r.Record(Scan("AAAA", "n1"), f.store->db())->count == 8);
  r.Close();
  CHECK(SummarizeScans(f.store->db(), "AAAA", 10).count == 8);
  // After Close a scan cannot be stored: it is counted as dropped, not lost in silence.
  auto late = r.Record(Scan("AAAA", "n1"), f.store->db());
  REQUIRE(late.ok());
  CHECK_FALSE(late->queued);
  CHECK(late->count == 9);  // the consumer still sees their own scan
  CHECK(metrics.scans_dropped(http::ScanDrop::kShutdown) == 1);
}

TEST_CASE("a tally stays in memory until its scans are folded, then reloads complete", "[scans]") {
  RegistryFixture f;
  http::Metrics metrics;
  http::ScanRecorderOptions o;
  o.journal = f.ScanJournal();
  o.cached_codes = 1;  // evict every idle tally at once
  o.fold_interval = std::chrono::hours(1);
  o.fold_rows = 1000000;
  o.gather = std::chrono::microseconds(0);
  {
    auto rec = http::ScanRecorder::Open(f.store->path(), o, &metrics);
    REQUIRE(rec.ok());
    auto& r = **rec;
    for (int round = 1; round <= 3; ++round) {
      // Many codes push every idle tally out, but AAAA's scans are committed and not folded:
      // its tally must stay, or a reload from scan_tallies would count too few.
      CHECK(r.Record(Scan("AAAA", "n1"), f.store->db())->count == round);
      r.Flush();
      for (int i = 0; i < 200; ++i) (void)r.Record(Scan("X" + std::to_string(i), "n"), f.store->db());
      r.Flush();
    }
    CHECK(UnfoldedScans(f.store->db()) == 603);
  }  // closing folds what is left
  CHECK(UnfoldedScans(f.store->db()) == 0);
  CHECK(ScanSummaryQuery(f.store->db()).RunFolded("AAAA", 4).count == 3);

  // A new recorder (a restarted server) folds what an earlier run left unfolded before it
  // answers, so its first tally of a code is complete.
  REQUIRE(InsertScans(f.store->db(), {Scan("AAAA", "n2"), Scan("AAAA", "n3")}).ok());
  auto again = http::ScanRecorder::Open(f.store->path(), o, &metrics);
  REQUIRE(again.ok());
  CHECK(UnfoldedScans(f.store->db()) == 0);
  auto t = (*again)->Record(Scan("AAAA", "n4"), f.store->db());
  CHECK(t->count == 6);
  CHECK(t->distinct_nets == 4);
}

TEST_CASE("a full queue makes a scan wait for room, then drops it and counts it", "[scans]") {
  RegistryFixture f;
  http::ScanRecorderOptions o;
  o.journal = f.ScanJournal();
  o.queue_capacity = 2;
  o.batch_max = 1;
  o.gather = std::chrono::microseconds(0);
  o.commit_delay = std::chrono::milliseconds(100);
  o.enqueue_wait = std::chrono::milliseconds(1000);
  {
    // Waiting: the writer frees a place every 100 ms, well within the second allowed.
    http::Metrics metrics;
    auto rec = http::ScanRecorder::Open(f.store->path(), o, &metrics);
    REQUIRE(rec.ok());
    for (int i = 0; i < 6; ++i) CHECK((*rec)->Record(Scan("EEEE", "n"), f.store->db())->queued);
    (*rec)->Close();
    CHECK(metrics.scans_dropped() == 0);
    CHECK(SummarizeScans(f.store->db(), "EEEE", 1).count == 6);
  }
  o.enqueue_wait = std::chrono::milliseconds(0);
  o.commit_delay = std::chrono::milliseconds(200);
  http::Metrics metrics;
  auto rec = http::ScanRecorder::Open(f.store->path(), o, &metrics);
  REQUIRE(rec.ok());
  int queued = 0, dropped = 0;
  for (int i = 0; i < 10; ++i) {
    auto t = (*rec)->Record(Scan("CCCC", "n"), f.store->db());
    REQUIRE(t.ok());
    (t->queued ? queued : dropped)++;
  }
  CHECK(dropped > 0);
  (*rec)->Close();
  CHECK(metrics.scans_dropped(http::ScanDrop::kQueueFull) == static_cast<uint64_t>(dropped));
  CHECK(metrics.scans_stored() == static_cast<uint64_t>(queued));
  CHECK(SummarizeScans(f.store->db(), "CCCC", 1).count == queued);
  auto m = metrics.Render(0);
  CHECK(Contains(
      m, "agritrace_scans_dropped_total{reason=\"queue_full\"} " + std::to_string(dropped) + "\n"));
}

TEST_CASE("a scan that cannot be stored is counted as dropped and the tally reloads",
          "[scans][sqlite]") {
  RegistryFixture f;
  http::Metrics metrics;
  http::ScanRecorderOptions o;
  o.journal = f.ScanJournal();
  o.commit_delay = std::chrono::milliseconds(200);
  auto rec = http::ScanRecorder::Open(f.store->path(), o, &metrics);
  REQUIRE(rec.ok());
  // Refuse every insert while the scan waits in the queue.
  f.store->db().Exec(
      "CREATE TRIGGER no_scans BEFORE INSERT ON scans BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  CHECK((*rec)->Record(Scan("DDDD", "n"), f.store->db())->count == 1);
  (*rec)->Flush();
  CHECK(metrics.scans_dropped(http::ScanDrop::kStoreFailed) == 1);
  f.store->db().Exec("DROP TRIGGER no_scans");
  // The lost scan is not counted again once the tally is rebuilt from the table.
  CHECK((*rec)->Record(Scan("DDDD", "n"), f.store->db())->count == 1);
  (*rec)->Close();
  CHECK(metrics.scans_stored() == 1);
}

TEST_CASE("SIGTERM stops the server cleanly and every answered scan is stored",
          "[scans][shutdown]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 4);
  // No SQLite connection may cross fork(): close ours, reopen after the child is gone.
  const std::string db_path = f.store->path();
  f.store.reset();
  int port_pipe[2];
  REQUIRE(pipe(port_pipe) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(port_pipe[0]);
    http::ServerOptions o = TestServerOptions();
    o.scans.commit_delay = std::chrono::milliseconds(150);  // scans are still queued at SIGTERM
    o.scans.batch_max = 16;
    o.scans.journal = f.ScanJournal();
    o.on_listening = [fd = port_pipe[1]](int port) {
      ssize_t n = write(fd, &port, sizeof port);
      (void)n;
      close(fd);
    };
    _exit(http::RunServer(db_path, o));
  }
  close(port_pipe[1]);
  int port = 0;
  REQUIRE(read(port_pipe[0], &port, sizeof port) == sizeof port);
  close(port_pipe[0]);

  constexpr int kThreads = 4, kEach = 30;
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", port);
      for (int i = 0; i < kEach; ++i) {
        auto r = c.Get(("/api/v1/verify/" + units[t]).c_str());
        if (r && r->status == 200) ++answered;
      }
    });
  }
  for (auto& c : clients) c.join();
  REQUIRE(answered == kThreads * kEach);
  REQUIRE(kill(child, SIGTERM) == 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  f.store = std::move(Store::Open(db_path, OpenMode::kExisting)).value();
  CHECK(f.ScanRows() == kThreads * kEach);
  for (int t = 0; t < kThreads; ++t) CHECK(f.ScanRows(units[t]) == kEach);
}
