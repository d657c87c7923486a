// The consumer routes never wait for a registry write (DESIGN.md §7, §10): while another process
// holds the registry's write lock (a long mint, say), a freshly started server still answers
// scans and /healthz, and the verify JSON says that its log proof is pending instead of waiting
// for a checkpoint to be signed.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

TEST_CASE("scans and /healthz answer while another connection holds the write lock",
          "[verify][consumer][lock]") {
  VerifyFixture f;
  const std::string lot = f.Issue(f.TeaLot());
  const auto units = f.AddUnits(lot, 2);
  f.Start();  // fresh: no checkpoint signed, nothing cached

  // The writer: takes the lock, and lets go when the answers are in, or after 4 s. A server
  // that waited for the lock (5 s busy timeout) could only answer after it let go.
  std::mutex mu;
  std::condition_variable cv;
  bool locked = false, done = false;
  std::atomic<bool> released{false};
  auto other = Store::Open(f.db, OpenMode::kExisting);  // another process, as it were
  REQUIRE(other.ok());
  std::thread writer([&] {
    sql::Connection& db = (*other)->db();
    db.Begin(sql::TxKind::kLogged);  // the registry's write lock, on either store
    std::unique_lock<std::mutex> lock(mu);
    locked = true;
    cv.notify_all();
    cv.wait_for(lock, std::chrono::seconds(4), [&] { return done; });
    released = true;  // before the lock goes: whatever is answered after it sees this
    db.Exec("ROLLBACK");
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return locked; });
  }
  auto page = f.Get("/q/" + units[0]);
  auto json = f.Get("/api/v1/verify/" + units[1]);
  auto health = f.Get("/healthz");
  const bool answered_while_locked = !released;
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
  writer.join();

  CHECK(answered_while_locked);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(Contains(page->body, "data-status=\"genuine\""));
  REQUIRE(json);
  CHECK(json->status == 200);
  INFO(json->body);
  CHECK(SchemaErrors("verify-response.schema.json", json->body) == "");
  Json v = Json::parse(json->body);
  CHECK(v["status"] == "genuine");
  CHECK(v["scan_count"] == 1);
  CHECK(v["lot_code"] == lot);
  // No checkpoint could be signed meanwhile: the proof is pending, and says so.
  CHECK(v["log"]["proof_pending"] == true);
  CHECK_FALSE(v["log"].contains("inclusion_proof"));
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(Json::parse(health->body)["status"] == "ok");

  // Once the lock is gone the background signer proves the lot (each try is a scan).
  bool proved = false;
  for (int i = 0; i < 2000 && !proved; ++i) {
    auto r = f.Get("/api/v1/verify/" + units[1]);
    REQUIRE(r);
    proved = Json::parse(r->body)["log"].contains("inclusion_proof");
    if (!proved) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(proved);
  // And the scans answered during the lock were stored after it.
  f.server->Stop();
  CHECK(f.ScanRows(units[0]) == 1);
  CHECK(f.ScanRows(units[1]) >= 2);
}
