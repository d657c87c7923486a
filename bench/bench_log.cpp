// Transparency-log benchmark: appends N events (default 1,000,000) to a fresh registry file the
// way the registry does (event row + RFC 9162 nodes, 1,000 per transaction), then times inclusion
// and consistency proofs at the full size, the first checkpoint signature (which replays every
// event), a full VerifyLog, and inclusion proofs served by the real server over loopback HTTP
// (GET /api/v1/log/proof/inclusion from two keep-alive clients, each answer checked).
//
// Usage: bench_log [N] [directory]   (the database goes to a temporary directory there, default
// /tmp, and is removed afterwards)
//
// The database runs WAL with synchronous=NORMAL: commits are not fsynced, so this measures the
// log's own work rather than the disk. The registry itself uses synchronous=FULL (DESIGN.md §8).
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "agritrace/http/server.h"
#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/log_store.h"
#include "agritrace/registry/merkle.h"
#include "agritrace/registry/signed_note.h"
#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/store.h"

namespace {

using agritrace::MerkleLog;
namespace sql = agritrace::sql;
using Clock = std::chrono::steady_clock;

constexpr const char* kAt = "2026-11-22T05:00:00Z";

// A leaf of realistic size (~230 bytes): the canonical JSON of a lot.issued event.
std::string Leaf(uint64_t seq) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"at\":\"%s\",\"data\":{\"code\":\"7KQ2M%05llu\",\"kid\":\"3f1c0a9e5b2d7c18\","
                "\"org_id\":%llu,\"product_id\":%llu,\"units\":1000,\"total_g\":250000,"
                "\"origin\":\"469025100201\"},\"kind\":\"lot.issued\",\"seq\":%llu}",
                kAt, static_cast<unsigned long long>(seq % 100000),
                static_cast<unsigned long long>(seq % 97),
                static_cast<unsigned long long>(seq % 13), static_cast<unsigned long long>(seq));
  return buf;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_log: %s\n", what.c_str());
  std::exit(1);
}

void Check(const agritrace::Status& s) {
  if (!s.ok()) Die(s.message());
}

// Appends events [from, to) in transactions of `batch`, through a reused MerkleLog (`log`) or,
// when it is null, through the free AppendLeaf the registry's Store calls once per event.
void AppendEvents(sql::Connection& db, MerkleLog* log, uint64_t from, uint64_t to,
                  uint64_t batch) {
  sql::Statement ins(db, "INSERT INTO events(idx, kind, at, leaf) VALUES (?, ?, ?, ?)");
  for (uint64_t start = from; start < to; start += batch) {
    sql::Transaction tx(db);
    for (uint64_t i = start; i < std::min(to, start + batch); ++i) {
      const std::string leaf = Leaf(i);
      ins.Bind(1, static_cast<int64_t>(i));
      ins.Bind(2, "lot.issued");
      ins.Bind(3, kAt);
      ins.BindView(4, leaf);
      ins.Exec();
      ins.Reset();
      Check(log ? log->Append(i, leaf) : agritrace::AppendLeaf(db, i, leaf));
    }
    tx.Commit();
  }
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = 1000000;
  if (argc > 1) {
    char* end = nullptr;
    n = std::strtoull(argv[1], &end, 10);
    if (!*argv[1] || *end || n < 2) Die("N must be an integer >= 2");
  }
  std::string dir_template = std::string(argc > 2 ? argv[2] : "/tmp") + "/agritrace-bench-XXXXXX";
  if (!mkdtemp(dir_template.data())) Die("cannot create a temporary directory");
  const std::filesystem::path dir = dir_template;
  const std::string path = (dir / "log.db").string();
  int rc = 0;
  // As `agritrace serve` does: SQLite's memory statistics would serialise the server's threads.
  agritrace::PrepareStoreForThreads();
  try {
    // A real registry file (every migration), so that the server below can open it.
    auto store = agritrace::Store::Open(path, agritrace::OpenMode::kCreate);
    if (!store.ok()) Die(store.status().message());
    sql::Connection& db = (*store)->db();
    db.Exec("PRAGMA synchronous = NORMAL");
    MerkleLog log(db);
    std::printf("events=%llu db=%s journal_mode=WAL synchronous=NORMAL batch=1000\n",
                static_cast<unsigned long long>(n), path.c_str());

    // 1. Appends with the statements kept prepared (MerkleLog), the last 10% (at least 1) through
    //    the free function that prepares them per call, to show what reuse buys.
    const uint64_t free_count = std::max<uint64_t>(1, n / 10);
    auto t = Clock::now();
    AppendEvents(db, &log, 0, n - free_count, 1000);
    const double append_s = Seconds(t);
    std::printf("events_appended_per_s=%.0f\n", double(n - free_count) / append_s);
    t = Clock::now();
    AppendEvents(db, nullptr, n - free_count, n, 1000);
    std::printf("events_appended_per_s_free_fn=%.0f\n", double(free_count) / Seconds(t));
    if (log.Size() != n) Die("size mismatch after appending");

    // 2. Random inclusion proofs at the full size, each checked against the root.
    const std::string root = log.Root(n).value();
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<uint64_t> pick(0, n - 1);
    const int proofs = 200000;
    std::vector<uint64_t> indices(proofs);
    for (auto& i : indices) i = pick(rng);
    size_t hashes = 0;
    t = Clock::now();
    for (uint64_t i : indices) {
      auto proof = log.InclusionProof(i, n);
      if (!proof.ok()) Die(proof.status().message());
      hashes += proof->size();
    }
    const double incl_s = Seconds(t);
    std::printf("inclusion_proofs_per_s=%.0f (%d proofs, %.1f hashes each)\n", proofs / incl_s,
                proofs, double(hashes) / proofs);
    for (int k = 0; k < 1000; ++k) {
      const uint64_t i = indices[k];
      const std::string leaf = agritrace::merkle::LeafHash(Leaf(i));
      Check(agritrace::merkle::VerifyInclusion(i, n, leaf, log.InclusionProof(i, n).value(), root));
    }
    // Through the free function (one MerkleLog per call, as an HTTP handler would).
    t = Clock::now();
    for (int k = 0; k < proofs / 10; ++k) {
      if (!agritrace::InclusionProof(db, indices[k], n).ok()) Die("inclusion proof failed");
    }
    std::printf("inclusion_proofs_per_s_free_fn=%.0f\n", (proofs / 10) / Seconds(t));

    // 3. Consistency proofs from random older sizes to the full size.
    std::uniform_int_distribution<uint64_t> pick_size(1, n);
    t = Clock::now();
    const int cons = 100000;
    for (int k = 0; k < cons; ++k) {
      if (!log.ConsistencyProof(pick_size(rng), n).ok()) Die("consistency proof failed");
    }
    std::printf("consistency_proofs_per_s=%.0f\n", cons / Seconds(t));

    // 4. Checkpoints: the first replays all N events; the next only what was appended since.
    auto key = agritrace::Ed25519PrivateKey::Generate().value();
    t = Clock::now();
    auto note = agritrace::SignCheckpoint(db, "bench.example", "bench.example", key, kAt);
    if (!note.ok()) Die(note.status().message());
    std::printf("first_checkpoint_s=%.2f\n", Seconds(t));
    AppendEvents(db, &log, n, n + 1000, 1000);
    t = Clock::now();
    if (!agritrace::SignCheckpoint(db, "bench.example", "bench.example", key, kAt).ok())
      Die("second checkpoint failed");
    std::printf("checkpoint_after_1000_more_ms=%.2f\n", Seconds(t) * 1000);

    // 5. Full verification.
    t = Clock::now();
    Check(agritrace::VerifyLog(db, {{"bench.example", key.RawPublicKey()}}));
    std::printf("verify_log_s=%.2f\n", Seconds(t));

    // 6. Inclusion proofs served over HTTP by the real server (rate limits off), at the final
    //    size, from two keep-alive clients on the same machine; every answer must be a 200 and
    //    the first 200 of each client are verified against the root.
    {
      const uint64_t size = log.Size();
      const std::string final_root = log.Root(size).value();
      agritrace::http::ServerOptions o;
      o.host = "127.0.0.1";
      o.port = 0;
      o.threads = 8;
      o.rate_limit.per_second = 0;
      auto server = agritrace::http::Server::Open(path, o);
      if (!server.ok()) Die(server.status().message());
      Check((*server)->Start());
      const int port = (*server)->port();
      constexpr int kClients = 2, kEach = 20000;
      std::vector<int> failures(kClients, 0);
      std::vector<std::thread> clients;
      t = Clock::now();
      for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
          httplib::Client client("127.0.0.1", port);
          client.set_keep_alive(true);
          for (int k = 0; k < kEach; ++k) {
            const uint64_t i = indices[(c * kEach + k) % proofs];
            const std::string path = "/api/v1/log/proof/inclusion?index=" + std::to_string(i) +
                                     "&size=" + std::to_string(size);
            auto r = client.Get(path.c_str());
            if (!r || r->status != 200) {
              ++failures[c];
              continue;
            }
            if (k >= 200) continue;
            std::vector<std::string> proof;
            const auto body = nlohmann::json::parse(r->body);
            for (const auto& h : body["proof"])
              proof.push_back(agritrace::Base64Decode(h.get<std::string>()).value_or(""));
            if (!agritrace::merkle::VerifyInclusion(i, size, agritrace::merkle::LeafHash(Leaf(i)),
                                                    proof, final_root)
                     .ok())
              ++failures[c];
          }
        });
      }
      for (auto& c : clients) c.join();
      const double http_s = Seconds(t);
      (*server)->Stop();
      int failed = 0;
      for (int f : failures) failed += f;
      std::printf(
          "http_inclusion_proofs_per_s=%.0f (%d clients, keep-alive, %d requests, %d failed)\n",
          kClients * kEach / http_s, kClients, kClients * kEach, failed);
      if (failed) Die("HTTP proofs failed");
    }

    db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    struct stat st;
    if (stat(path.c_str(), &st) == 0)
      std::printf("db_bytes=%lld\n", static_cast<long long>(st.st_size));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_log: %s\n", e.what());
    rc = 1;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return rc;
}
