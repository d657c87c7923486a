// GET /api/v1/verify/{code} under load (DESIGN.md §10).
//
//   bench_verify prepare DB CODES_FILE [UNITS]   a registry with one lot and UNITS unit codes
//                                                (default 10000), codes one per line
//   bench_verify serve DB [PORT] [THREADS]       the verify server for wrk, rate limit off,
//                                                until SIGTERM/SIGINT
//   bench_verify handler DB CODES_FILE [COUNT]   the verify handler alone, one thread, no HTTP:
//                                                microseconds per scan (lookup, scan, JSON)
//   bench_verify self DB CODES_FILE [SECONDS] [CONNECTIONS]
//                                                in-process load: requests/s, p50/p99, errors,
//                                                and whether every scan was stored
//
// scripts/bench.sh drives `serve` with wrk next to nginx; `self` is a quick check without wrk.
#include <httplib.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "agritrace/http/scan_recorder.h"
#include "agritrace/http/server.h"
#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/certifications.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/products.h"
#include "agritrace/registry/regions.h"
#include "agritrace/registry/scan_store.h"
#include "http/client_network.h"
#include "http/reader_pool.h"
#include "http/verify_response.h"
#include "http/verify_service.h"

using namespace agritrace;

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: bench_verify prepare DB CODES_FILE [UNITS]\n"
               "       bench_verify serve DB [PORT] [THREADS]\n"
               "       bench_verify handler DB CODES_FILE [COUNT]\n"
               "       bench_verify self DB CODES_FILE [SECONDS] [CONNECTIONS]\n");
  return 2;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "bench_verify: %s\n", s.message().c_str());
  return 1;
}

int Prepare(const std::string& db, const std::string& codes_file, int units) {
  auto opened = Store::Open(db, OpenMode::kCreate);
  if (!opened.ok()) return Fail(opened.status());
  Store& store = **opened;
  Status s = store.Transact([&]() -> Status {
    store.SetMeta("name", "bench.example");
    auto k = CreateSigningKey(store);
    return k.ok() ? Status::Ok() : k.status();
  });
  if (!s.ok()) return Fail(s);
  for (auto r : std::vector<RegionInput>{{"469025", "白沙黎族自治县", false},
                                         {"469025100000", "牙叉镇", false},
                                         {"469025100201", "南溪村", true}})
    if (auto a = AddRegion(store, r); !a.ok()) return Fail(a.status());
  auto org = AddOrganisation(
      store, {"白沙县牙叉镇茶叶专业合作社", "91350100M000100Y43", "cooperative", "469025"}, "cli");
  if (!org.ok()) return Fail(org.status());
  auto tea = AddProduct(store, {org->id, "白沙绿茶", "茶叶", 250, "6901234567892"});
  if (!tea.ok()) return Fail(tea.status());
  CertificationInput cert{"green-food",
                          "LB-18-2304460123A",
                          "中国绿色食品发展中心",
                          org->id,
                          {tea->product.id},
                          AddDays(TodayShanghai(), -100),
                          "",
                          -1,
                          {}};
  if (auto c = AddCertification(store, cert, "cli"); !c.ok()) return Fail(c.status());
  LotInput lot;
  lot.product_id = tea->product.id;
  lot.origin = "469025100201";
  lot.harvested = AddDays(TodayShanghai(), -10);
  lot.packed = AddDays(TodayShanghai(), -5);
  lot.units = units;
  lot.certs = {"LB-18-2304460123A"};
  lot.households = {{"H-0001", 1200000, true}, {"H-0002", 1300000, false}};
  lot.inspections = {{"海南省农产品质量安全检测中心", "HN2026-0412", "pass"}};
  auto issued = IssueLot(store, lot);
  if (!issued.ok()) return Fail(issued.status());
  std::string lot_code = issued->code;
  std::ofstream out(codes_file);
  s = store.Transact([&]() -> Status {
    sql::Statement ins(store.db(),
                       "INSERT INTO units(code, lot_id, serial) SELECT ?, id, ? FROM lots "
                       "WHERE code = ?");
    for (int i = 1; i <= units; ++i) {
      std::string code = labeler::MintUnitCode();
      ins.Reset();
      ins.Bind(1, code);
      ins.Bind(2, i);
      ins.Bind(3, lot_code);
      ins.Exec();
      out << code << "\n";
    }
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  std::fprintf(stderr, "bench_verify: %s: lot %s, %d unit codes in %s\n", db.c_str(),
               lot_code.c_str(), units, codes_file.c_str());
  return 0;
}

http::ServerOptions BenchOptions(int port, int threads) {
  http::ServerOptions o;
  o.port = port;
  o.threads = threads;
  o.rate_limit.per_second = 0;  // one client network generates all the load
  o.scan_threshold = 1 << 30;
  return o;
}

// User + system CPU of the whole process: steadier than wall time on a busy machine.
double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::vector<std::string> ReadCodes(const std::string& codes_file) {
  std::vector<std::string> codes;
  std::ifstream in(codes_file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) codes.push_back(line);
  return codes;
}

int Handler(const std::string& db, const std::string& codes_file, int count) {
  std::vector<std::string> codes = ReadCodes(codes_file);
  if (codes.empty()) return Fail(Status::Invalid("没有编码", "no codes in " + codes_file));
  std::string salt;
  {
    auto store = Store::Open(db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status());
    salt = *ScanSalt((*store)->db());
  }
  http::Metrics metrics;
  http::ScanRecorderOptions scan_options;
  if (const char* g = std::getenv("BENCH_GATHER_US"))
    scan_options.gather = std::chrono::microseconds(std::atoi(g));
  auto recorder = http::ScanRecorder::Open(db, scan_options, &metrics);
  if (!recorder.ok()) return Fail(recorder.status());
  SignatureCache signatures;
  http::ReaderPool pool(db, &signatures);
  http::LotCache lots({});
  http::VerifyService service(pool, lots, **recorder, salt, {});
  size_t bytes = 0;
  double cpu0 = CpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    auto v = service.Verify({codes[i % codes.size()], http::NetworkOf("127.0.0.1")});
    if (!v.ok()) return Fail(v.status());
    bytes += http::VerifyResponseBody(*v).size();
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (*recorder)->Close();
  double cpu = CpuSeconds() - cpu0;
  std::printf(
      "%d scans in %.2f s: %.1f us wall, %.1f us CPU (writer thread included) per scan, "
      "%zu bytes per response\n",
      count, s, s * 1e6 / count, cpu * 1e6 / count, bytes / count);
  return 0;
}

int Self(const std::string& db, const std::string& codes_file, int seconds, int connections) {
  std::vector<std::string> codes = ReadCodes(codes_file);
  if (codes.empty()) return Fail(Status::Invalid("没有编码", "no codes in " + codes_file));
  int64_t before = 0;
  {
    auto store = Store::Open(db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status());
    before = CountAllScans((*store)->db());
  }
  auto server = http::Server::Open(db, BenchOptions(0, connections + 4));
  if (!server.ok()) return Fail(server.status());
  if (Status s = (*server)->Start(); !s.ok()) return Fail(s);
  int port = (*server)->port();

  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(connections);
  std::vector<int64_t> errors(connections, 0);
  std::vector<std::thread> clients;
  auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_tcp_nodelay(true);
      cli.set_keep_alive(true);
      size_t i = static_cast<size_t>(c) * 7919;
      while (!stop.load(std::memory_order_relaxed)) {
        std::string path = "/api/v1/verify/" + codes[i++ % codes.size()];
        auto t0 = std::chrono::steady_clock::now();
        auto r = cli.Get(path.c_str());
        auto dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!r || r->status != 200)
          ++errors[c];
        else
          latencies[c].push_back(dt);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : clients) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  (*server)->Stop();

  std::vector<double> all;
  int64_t errs = 0;
  for (int c = 0; c < connections; ++c) {
    all.insert(all.end(), latencies[c].begin(), latencies[c].end());
    errs += errors[c];
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0 : all[static_cast<size_t>(p * (all.size() - 1))];
  };
  auto store = Store::Open(db, OpenMode::kExisting);
  if (!store.ok()) return Fail(store.status());
  int64_t stored = CountAllScans((*store)->db()) - before;
  std::printf(
      "requests %zu in %.1f s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %lld, "
      "scans stored %lld (%s)\n",
      all.size(), elapsed, all.size() / elapsed, pct(0.5) * 1e3, pct(0.99) * 1e3,
      static_cast<long long>(errs), static_cast<long long>(stored),
      stored == static_cast<int64_t>(all.size()) ? "all" : "MISSING");
  return stored == static_cast<int64_t>(all.size()) && errs == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() >= 3 && a[0] == "prepare")
    return Prepare(a[1], a[2], a.size() > 3 ? std::stoi(a[3]) : 10000);
  if (a.size() >= 2 && a[0] == "serve")
    return http::RunServer(a[1], BenchOptions(a.size() > 2 ? std::stoi(a[2]) : 8080,
                                              a.size() > 3 ? std::stoi(a[3]) : 64));
  if (a.size() >= 3 && a[0] == "handler")
    return Handler(a[1], a[2], a.size() > 3 ? std::stoi(a[3]) : 100000);
  if (a.size() >= 3 && a[0] == "self")
    return Self(a[1], a[2], a.size() > 3 ? std::stoi(a[3]) : 5,
                a.size() > 4 ? std::stoi(a[4]) : 32);
  return Usage();
}
