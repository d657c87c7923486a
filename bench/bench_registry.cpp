// Registry throughput: lots issued per second (each one a signed, logged, fsynced transaction)
// and the raw Ed25519 signing rate of our key wrapper. scripts/bench.sh sets the second beside
// `openssl speed ed25519` from the same run.
//
//   bench_registry [LOTS [SIGNS [DB]]]  DB: a postgresql:// URL of an empty database (signing
//                                       keys then go to $AGRITRACE_KEY_DIR), or a registry file
//                                       to create; default a fresh SQLite file. SIGNS 0: no
//                                       signing figure. scripts/bench.sh store sets a PostgreSQL
//                                       lot rate beside the SQLite one.
#include <chrono>
#include <cstdio>
#include <string>

#include "agritrace/registry/certifications.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/products.h"
#include "agritrace/registry/regions.h"
#include "agritrace/registry/store.h"

using namespace agritrace;
using Clock = std::chrono::steady_clock;

static double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

int main(int argc, char** argv) {
  int lots = argc > 1 ? std::stoi(argv[1]) : 1000;
  int signs = argc > 2 ? std::stoi(argv[2]) : 20000;
  char dir_tmpl[] = "/tmp/agritrace-bench-XXXXXX";
  std::string dir = mkdtemp(dir_tmpl);
  const std::string db = argc > 3 ? argv[3] : dir + "/registry.db";
  auto store = Store::Open(db, OpenMode::kCreate);
  if (!store.ok()) return fprintf(stderr, "%s\n", store.status().message().c_str()), 1;
  Store& s = **store;
  Status made = s.Transact([&]() -> Status {
    s.SetMeta("name", "bench.example");
    return CreateSigningKey(s).status();
  });
  if (!made.ok()) return fprintf(stderr, "%s\n", made.message().c_str()), 1;
  for (auto r : std::vector<RegionInput>{{"469025", "白沙", false}, {"469025100000", "牙叉镇", false},
                                         {"469025100201", "南溪村", true}})
    AddRegion(s, r);
  int64_t org = AddOrganisation(s, {"合作社", "91350100M000100Y43", "cooperative", "469025"}, "cli")->id;
  int64_t product = AddProduct(s, {org, "白沙绿茶", "茶叶", 250, ""})->product.id;
  AddCertification(s, {"green-food", "LB-18-2304460123A", "中心", org, {product}, AddDays(TodayShanghai(), -30), "", -1, {}}, "cli");

  LotInput lot;
  lot.product_id = product;
  lot.origin = "469025100201";
  lot.harvested = lot.packed = AddDays(TodayShanghai(), -1);
  lot.units = 100;
  lot.certs = {"LB-18-2304460123A"};
  lot.households = {{"H-0001", 1000, true}};
  auto t0 = Clock::now();
  for (int i = 0; i < lots; ++i)
    if (!IssueLot(s, lot).ok()) return fprintf(stderr, "issue failed\n"), 1;
  double lot_s = Seconds(t0);

  auto key = CurrentSigningKey(s);
  std::string msg(900, 'x');  // about the size of a canonical lot record
  t0 = Clock::now();
  size_t sink = 0;
  for (int i = 0; i < signs; ++i) {
    msg[i % msg.size()] = char('a' + i % 26);
    sink += key->key.Sign(msg).size();
  }
  double sign_s = Seconds(t0);
  printf("lots_issued=%d lots_per_s=%.1f store=%s (one durably committed transaction per lot)\n",
         lots, lots / lot_s, IsPostgresqlRegistry(db) ? "postgresql" : "sqlite");
  if (signs > 0) printf("signs=%d signs_per_s=%.1f sink=%zu\n", signs, signs / sign_s, sink);
  std::string rm = "rm -rf " + dir;
  return system(rm.c_str()) == 0 ? 0 : 1;
}
