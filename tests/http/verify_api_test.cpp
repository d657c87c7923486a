// GET /api/v1/verify/{code} through a real server: real responses in every state validate
// against schemas/verify-response.schema.json, and the record verifies with the key published
// at /.well-known/agritrace/keys.json.
#include <thread>

#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/certifications.h"
#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/merkle.h"
#include "agritrace/registry/organic_codes.h"
#include "agritrace/registry/signed_note.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

Json GetJson(VerifyFixture& f, const std::string& code) {
  auto r = f.Get("/api/v1/verify/" + code);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/json; charset=utf-8");
  INFO(r->body);
  CHECK(SchemaErrors("verify-response.schema.json", r->body) == "");
  return Json::parse(r->body);
}

// The verify JSON of `code` once its lot is proved against a checkpoint of at least `min_size`
// leaves: scans never wait for a signing (checkpoint_cache.h), so the proof may be pending in
// the first answers. Each try is a scan.
Json ProvedJson(VerifyFixture& f, const std::string& code, uint64_t min_size) {
  for (int i = 0; i < 2000; ++i) {
    auto r = f.Get("/api/v1/verify/" + code);
    REQUIRE(r);
    Json v = Json::parse(r->body);
    if (!v["log"].contains("tree_size"))
      CHECK(v["log"]["proof_pending"] == true);  // never a missing proof without saying so
    else if (v["log"]["tree_size"].get<uint64_t>() >= min_size)
      return GetJson(f, code);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("no checkpoint was signed for " + code);
  return {};
}

}  // namespace

TEST_CASE("verify API: every state validates against its schema", "[api][schema]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  REQUIRE(AddTraceEvent(*f.store, lot, "shipping", "2026-05-01T08:00:00+08:00", "469025", "顺丰",
                        "冷链")
              .ok());
  auto units = f.AddUnits(lot, 3);
  std::string recalled_lot = f.Issue(f.TeaLot());
  auto recalled_units = f.AddUnits(recalled_lot, 1);
  REQUIRE(RecallLot(*f.store, recalled_lot, "包装破损").ok());
  f.Start();

  Json genuine = GetJson(f, units[0]);
  CHECK(genuine["status"] == "genuine");
  CHECK(genuine["code"] == units[0]);
  CHECK(genuine["code_kind"] == "unit");
  CHECK(genuine["scan_count"] == 1);
  CHECK(genuine["distinct_networks"] == 1);
  CHECK(genuine["scan_recorded"] == true);
  CHECK(genuine["lot_code"] == lot);
  CHECK(genuine["serial"] == 1);
  CHECK(genuine["signature_valid"] == true);
  CHECK(genuine["message"]["zh"] == "正品 · 首次查询");
  CHECK(genuine["record"]["product"]["name"] == "白沙绿茶");
  CHECK(genuine["certifications_status"][0]["status"] == "active");
  CHECK(genuine["certifications_status"][0]["number"] == f.green);
  CHECK(genuine["trace"][0]["step"] == "shipping");
  CHECK(genuine["trace"][0]["at"] == "2026-05-01T00:00:00Z");
  CHECK(genuine["trace"][0]["place_name"] == "白沙黎族自治县");
  CHECK(genuine["recalled"] == false);

  Json scanned = GetJson(f, units[0]);
  CHECK(scanned["status"] == "scanned");
  CHECK(scanned["scan_count"] == 2);
  CHECK(scanned["first_scan_at"] == genuine["first_scan_at"]);
  for (int i = 3; i <= 5; ++i) CHECK(GetJson(f, units[0])["status"] == "scanned");
  Json suspicious = GetJson(f, units[0]);
  CHECK(suspicious["status"] == "suspicious");
  CHECK(suspicious["scan_count"] == 6);

  // Hyphens and lower case are the same code and the same count.
  std::string typed = units[1].substr(0, 4) + "-" + units[1].substr(4, 4) + "-" +
                      units[1].substr(8, 4) + "-" + units[1].substr(12);
  for (char& c : typed) c = static_cast<char>(std::tolower(c));
  CHECK(GetJson(f, typed)["code"] == units[1]);
  CHECK(GetJson(f, units[1])["scan_count"] == 2);

  Json lot_json = GetJson(f, lot);
  CHECK(lot_json["status"] == "genuine");
  CHECK(lot_json["code_kind"] == "lot");
  CHECK_FALSE(lot_json.contains("serial"));

  Json unknown = GetJson(f, FreshUnitCode());
  CHECK(unknown["status"] == "unknown");
  CHECK(unknown["message"]["zh"] == "未查询到此码，谨防假冒");
  CHECK_FALSE(unknown.contains("record"));

  Json mistyped = GetJson(f, "ABC");
  CHECK(mistyped["status"] == "mistyped");
  CHECK(mistyped["code_kind"] == "malformed");
  CHECK(mistyped["scan_count"] == 1);

  Json recalled = GetJson(f, recalled_units[0]);
  CHECK(recalled["status"] == "recalled");
  CHECK(recalled["recall"]["reason"] == "包装破损");

  REQUIRE(ChangeCertificationStatus(*f.store, f.green, "revoke", "冒用", "cli").ok());
  Json revoked = GetJson(f, units[2]);
  CHECK(revoked["status"] == "revoked");
  CHECK(revoked["certifications_status"][0]["status"] == "revoked");
  CHECK(revoked["certifications_status"][0]["reason"] == "冒用");
}

TEST_CASE("verify API: the record verifies with the published key", "[api]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  f.Start();
  Json v = GetJson(f, units[0]);

  auto keys = f.Get("/.well-known/agritrace/keys.json");
  REQUIRE(keys);
  CHECK(keys->status == 200);
  Json k = Json::parse(keys->body);
  CHECK(k["registry"] == "trace.test.example");
  REQUIRE(k["keys"].size() == 1);
  CHECK(k["keys"][0]["kid"] == v["kid"]);
  CHECK(k["keys"][0]["retired_at"].is_null());
  CHECK(k["keys"][0]["current"] == true);
  CHECK(k["keys"][0]["created_at"].is_string());
  auto pub = Base64Decode(k["keys"][0]["public_key"].get<std::string>());
  REQUIRE(pub.has_value());
  CHECK(KeyId(*pub) == v["kid"]);
  auto canonical = CanonicalJson(v["record"]);
  REQUIRE(canonical.ok());
  auto sig = Base64UrlDecode(v["signature"].get<std::string>());
  REQUIRE(sig.has_value());
  CHECK(Ed25519Verify(*pub, *canonical, *sig));
  auto pem = Ed25519PublicKeyFromPem(k["keys"][0]["public_key_pem"].get<std::string>());
  REQUIRE(pem.ok());
  CHECK(*pem == *pub);
}

TEST_CASE("verify API: concurrent scans of one code each see a distinct count", "[api][scans]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  http::ServerOptions o = TestServerOptions();
  o.scan_threshold = 1000;
  f.Start(o);
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::vector<int64_t>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto c = f.Client();
      for (int i = 0; i < kEach; ++i) {
        auto r = c.Get(("/api/v1/verify/" + units[0]).c_str());
        if (r && r->status == 200) seen[t].push_back(Json::parse(r->body)["scan_count"]);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<int64_t> all;
  for (auto& s : seen) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  REQUIRE(all.size() == kThreads * kEach);
  // Every scan counted itself and all before it: the counts are exactly 1..200.
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i] == static_cast<int64_t>(i + 1));
  f.server->Stop();
  CHECK(f.ScanRows(units[0]) == kThreads * kEach);
}

TEST_CASE("verify API: the lot's issue event is proved in the signed log", "[api][log]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 1);
  f.Start();
  Json v = ProvedJson(f, units[0], 1);
  REQUIRE(v.contains("log"));
  const Json& log = v["log"];
  const uint64_t index = log["index"];
  const uint64_t size = log["tree_size"];
  CHECK(static_cast<int64_t>(index) ==
        f.store->db()
            .QueryValue("SELECT event_index FROM lots WHERE code = '" + lot + "'")
            .Int64());
  CHECK(size > index);

  // The checkpoint served at /api/v1/log/checkpoint (nothing logged since) is the one in the
  // JSON, and it verifies with the published key.
  auto served = f.Get("/api/v1/log/checkpoint");
  REQUIRE(served);
  CHECK(served->body == log["checkpoint"]);
  Json keys = Json::parse(f.Get("/.well-known/agritrace/keys.json")->body);
  NoteVerifier verifier{keys["registry"],
                        Base64Decode(keys["keys"][0]["public_key"].get<std::string>()).value()};
  auto note = OpenNote(served->body, {verifier});
  REQUIRE(note.ok());
  auto cp = ParseCheckpoint(note->text);
  REQUIRE(cp.ok());
  CHECK(cp->size == size);

  // The leaf is the event's canonical JSON, and it carries this very record.
  auto ev = f.Get("/api/v1/log/events?start=" + std::to_string(index) + "&count=1");
  REQUIRE(ev);
  const std::string leaf = Json::parse(ev->body).at(0)["leaf"];
  Json event = Json::parse(leaf);
  CHECK(event["kind"] == "lot.issued");
  CHECK(event["data"]["record"] == v["record"]);
  CHECK(event["data"]["signature"] == v["signature"]);

  std::vector<std::string> proof;
  for (const auto& h : log["inclusion_proof"])
    proof.push_back(Base64Decode(h.get<std::string>()).value());
  CHECK(merkle::VerifyInclusion(index, size, merkle::LeafHash(leaf), proof, cp->root).ok());
  std::string forged = leaf;
  forged.replace(forged.find("白沙绿茶"), std::string("白沙绿茶").size(), "白沙红茶");
  CHECK_FALSE(merkle::VerifyInclusion(index, size, merkle::LeafHash(forged), proof, cp->root).ok());

  // A later registry change: the lot is proved again, against the bigger signed tree.
  f.Issue(f.TeaLot());
  Json later = ProvedJson(f, units[0], size + 1);
  const uint64_t later_size = later["log"]["tree_size"];
  CHECK(later_size > size);
  auto later_note = OpenNote(later["log"]["checkpoint"].get<std::string>(), {verifier});
  REQUIRE(later_note.ok());
  auto later_cp = ParseCheckpoint(later_note->text);
  REQUIRE(later_cp.ok());
  CHECK(later_cp->size == later_size);
  proof.clear();
  for (const auto& h : later["log"]["inclusion_proof"])
    proof.push_back(Base64Decode(h.get<std::string>()).value());
  CHECK(merkle::VerifyInclusion(index, later_size, merkle::LeafHash(leaf), proof, later_cp->root)
            .ok());
  // A lot code is proved the same way.
  CHECK(GetJson(f, lot)["log"]["index"] == index);
}

TEST_CASE("verify API and page: an organic unit shows its own 有机码", "[verify_api]") {
  VerifyFixture f;
  REQUIRE(AddCertification(*f.store, {"organic", "151OP2600123", "中绿华夏有机食品认证中心", f.org,
                                      {f.tea}, DaysAgo(30), "", 5000, {}}, "cli")
              .ok());
  LotInput l = f.TeaLot();
  l.certs = {f.green, "151OP2600123"};
  std::string lot = f.Issue(l);
  auto units = f.AddUnits(lot, 2);
  auto loaded = LoadOrganicCodes(*f.store, lot, {"15124260000000017"});  // for serial 1 only
  INFO(loaded.status().message());
  REQUIRE(loaded.ok());
  f.Start();
  auto r = f.Get("/api/v1/verify/" + units[0]);
  REQUIRE(r);
  CHECK(SchemaErrors("verify-response.schema.json", r->body) == "");
  CHECK(Json::parse(r->body)["organic_code"] == "15124260000000017");
  auto page = f.Get("/q/" + units[0]);
  REQUIRE(page);
  CHECK(Contains(page->body, "<dt>有机码</dt><dd>15124260000000017</dd>"));
  // The second unit has none yet: no member, no row.
  auto other = f.Get("/api/v1/verify/" + units[1]);
  CHECK_FALSE(Json::parse(other->body).contains("organic_code"));
  CHECK_FALSE(Contains(f.Get("/q/" + units[1])->body, "有机码"));
}
