// The transparency log over HTTP on a loopback server, checked the way a third party would: with
// the key published at /.well-known/agritrace/keys.json, the leaves of /api/v1/log/events and the
// RFC 9162 verifiers, which must also reject a tampered leaf.
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/log_store.h"
#include "agritrace/registry/merkle.h"
#include "agritrace/registry/signed_note.h"
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

// The registry's keys as a verifier would take them from keys.json.
std::vector<NoteVerifier> PublishedVerifiers(VerifyFixture& f) {
  auto r = f.Get("/.well-known/agritrace/keys.json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  Json k = Json::parse(r->body);
  std::vector<NoteVerifier> out;
  for (const auto& key : k["keys"])
    out.push_back({k["registry"], Base64Decode(key["public_key"].get<std::string>()).value()});
  return out;
}

// GET /api/v1/log/checkpoint, its signature checked with the published key.
Checkpoint FetchCheckpoint(VerifyFixture& f, std::string* note_out = nullptr) {
  auto r = f.Get("/api/v1/log/checkpoint");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/plain; charset=utf-8");
  auto opened = OpenNote(r->body, PublishedVerifiers(f));
  INFO(r->body);
  REQUIRE(opened.ok());
  auto cp = ParseCheckpoint(opened->text);
  REQUIRE(cp.ok());
  if (note_out) *note_out = r->body;
  return *cp;
}

// The proof of a 200 answer; `validate` also checks it against its schema (a python run).
std::vector<std::string> ProofOf(const httplib::Result& r, bool validate = false) {
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "application/json; charset=utf-8");
  if (validate) CHECK(SchemaErrors("log-proof.schema.json", r->body) == "");
  std::vector<std::string> out;
  const Json body = Json::parse(r->body);  // kept alive: the loop below reads into it
  for (const auto& h : body["proof"]) out.push_back(Base64Decode(h.get<std::string>()).value());
  return out;
}

// Every leaf, fetched `page` at a time as a client pages through /api/v1/log/events.
std::vector<std::string> FetchLeaves(VerifyFixture& f, uint64_t page) {
  std::vector<std::string> leaves;
  for (;;) {
    auto r = f.Get("/api/v1/log/events?start=" + std::to_string(leaves.size()) +
                   "&count=" + std::to_string(page));
    REQUIRE(r);
    REQUIRE(r->status == 200);
    if (leaves.empty()) CHECK(SchemaErrors("log-events.schema.json", r->body) == "");
    Json events = Json::parse(r->body);
    if (events.empty()) return leaves;
    CHECK(events.size() <= page);
    for (const auto& e : events) {
      CHECK(e["index"] == leaves.size());
      leaves.push_back(e["leaf"]);
    }
  }
}

int64_t CheckpointRows(VerifyFixture& f) {
  return f.store->db().QueryValue("SELECT COUNT(*) FROM checkpoints").Int64();
}

std::string Tampered(std::string leaf) {
  leaf[leaf.size() / 2] ^= 1;
  return leaf;
}

}  // namespace

TEST_CASE("log API: the checkpoint verifies with the published key and covers a lot just issued",
          "[log_api]") {
  VerifyFixture f;
  f.Start();
  Checkpoint first = FetchCheckpoint(f);
  CHECK(first.origin == "trace.test.example");
  CHECK(first.size == Size(f.store->db()));
  CHECK(first.root == Root(f.store->db(), first.size).value());
  // Asked again without a change: the same checkpoint, not a new signature.
  std::string note_a, note_b;
  FetchCheckpoint(f, &note_a);
  FetchCheckpoint(f, &note_b);
  CHECK(note_a == note_b);
  CHECK(CheckpointRows(f) == 1);

  // A lot issued while the server runs (another process would do the same).
  auto issued = IssueLot(*f.store, f.TeaLot());
  REQUIRE(issued.ok());
  const uint64_t event = static_cast<uint64_t>(issued->event_index);
  Checkpoint next = FetchCheckpoint(f);
  CHECK(next.size == Size(f.store->db()));
  CHECK(next.size > event);
  CHECK(CheckpointRows(f) == 2);

  // The log only grew: the consistency proof over HTTP links the two signed roots.
  auto proof = ProofOf(f.Get("/api/v1/log/proof/consistency?from=" + std::to_string(first.size) +
                             "&to=" + std::to_string(next.size)),
                       true);
  CHECK(merkle::VerifyConsistency(first.size, next.size, first.root, next.root, proof).ok());
  CHECK_FALSE(
      merkle::VerifyConsistency(first.size, next.size, merkle::LeafHash("x"), next.root, proof)
          .ok());
}

TEST_CASE("log API: inclusion proofs verify against the checkpoint and reject a tampered leaf",
          "[log_api]") {
  VerifyFixture f;
  f.Issue(f.TeaLot());
  f.Issue(f.TeaLot());
  f.Start();
  Checkpoint cp = FetchCheckpoint(f);
  std::vector<std::string> leaves = FetchLeaves(f, 1000);
  REQUIRE(leaves.size() == cp.size);
  for (uint64_t i = 0; i < cp.size; ++i) {
    INFO("index " << i);
    auto proof = ProofOf(f.Get("/api/v1/log/proof/inclusion?index=" + std::to_string(i) +
                               "&size=" + std::to_string(cp.size)),
                         i == 0);
    CHECK(merkle::VerifyInclusion(i, cp.size, merkle::LeafHash(leaves[i]), proof, cp.root).ok());
    CHECK_FALSE(
        merkle::VerifyInclusion(i, cp.size, merkle::LeafHash(Tampered(leaves[i])), proof, cp.root)
            .ok());
  }
  // A proof for a smaller tree holds against that tree's root, not the checkpoint's.
  auto small = ProofOf(f.Get("/api/v1/log/proof/inclusion?index=1&size=3"));
  CHECK(merkle::VerifyInclusion(1, 3, merkle::LeafHash(leaves[1]), small,
                                Root(f.store->db(), 3).value())
            .ok());
  CHECK_FALSE(
      merkle::VerifyInclusion(1, cp.size, merkle::LeafHash(leaves[1]), small, cp.root).ok());
}

TEST_CASE("log API: the events' leaves hash to the signed root, paged and capped", "[log_api]") {
  VerifyFixture f;
  // More events than one page holds.
  REQUIRE(f.store
              ->Transact([&]() -> Status {
                for (int i = 0; i < 1005; ++i) {
                  auto e = f.store->AppendEvent("test.filler", {{"n", i}});
                  if (!e.ok()) return e.status();
                }
                return Status::Ok();
              })
              .ok());
  f.Start();
  Checkpoint cp = FetchCheckpoint(f);
  for (uint64_t page : {uint64_t{7}, uint64_t{1000}}) {
    INFO("page " << page);
    std::vector<std::string> leaves = FetchLeaves(f, page);
    REQUIRE(leaves.size() == cp.size);
    merkle::CompactRange range;
    for (const auto& leaf : leaves) range.Append(merkle::LeafHash(leaf));
    CHECK(range.Root() == cp.root);
    // The exact stored bytes, not a re-serialisation.
    CHECK(leaves[5] ==
          f.store->db().QueryValue("SELECT leaf FROM events WHERE idx = 5").String());
  }
  // count is capped at 1000, and that is also the default.
  for (const char* q : {"?start=0&count=5000", "?start=0"}) {
    auto r = f.Get(std::string("/api/v1/log/events") + q);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(Json::parse(r->body).size() == 1000);
  }
  auto tail = f.Get("/api/v1/log/events?start=" + std::to_string(cp.size - 2) + "&count=10");
  REQUIRE(tail);
  CHECK(Json::parse(tail->body).size() == 2);
  auto beyond = f.Get("/api/v1/log/events?start=999999&count=10");
  REQUIRE(beyond);
  CHECK(beyond->status == 200);
  CHECK(beyond->body == "[]");
}

TEST_CASE("log API: bad parameters are 400 or 422 problems in zh and en", "[log_api]") {
  VerifyFixture f;
  f.Start();
  const uint64_t n = Size(f.store->db());
  const std::string past = std::to_string(n + 1);
  struct Case {
    std::string path;
    int status;
    std::string type;
  };
  const std::vector<Case> cases = {
      {"/api/v1/log/proof/inclusion?size=3", 400, "parameter-missing"},
      {"/api/v1/log/proof/inclusion?index=0", 400, "parameter-missing"},
      {"/api/v1/log/proof/inclusion?index=abc&size=3", 400, "parameter-invalid"},
      {"/api/v1/log/proof/inclusion?index=-1&size=3", 400, "parameter-invalid"},
      {"/api/v1/log/proof/inclusion?index=&size=3", 400, "parameter-invalid"},
      {"/api/v1/log/proof/inclusion?index=1%2B1&size=3", 400, "parameter-invalid"},
      {"/api/v1/log/proof/inclusion?index=0&size=1234567890123456789", 400, "parameter-invalid"},
      {"/api/v1/log/proof/inclusion?index=3&size=3", 422, "parameter-out-of-range"},
      {"/api/v1/log/proof/inclusion?index=0&size=0", 422, "parameter-out-of-range"},
      {"/api/v1/log/proof/inclusion?index=0&size=" + past, 422, "parameter-out-of-range"},
      {"/api/v1/log/proof/consistency?from=1", 400, "parameter-missing"},
      {"/api/v1/log/proof/consistency?from=x&to=2", 400, "parameter-invalid"},
      {"/api/v1/log/proof/consistency?from=3&to=2", 422, "parameter-out-of-range"},
      {"/api/v1/log/proof/consistency?from=1&to=" + past, 422, "parameter-out-of-range"},
      {"/api/v1/log/events", 400, "parameter-missing"},
      {"/api/v1/log/events?start=0&count=0", 422, "parameter-out-of-range"},
      {"/api/v1/log/events?start=0&count=ten", 400, "parameter-invalid"},
  };
  for (const auto& c : cases) {
    INFO(c.path);
    ExpectProblem(f.Get(c.path), c.status, c.type);
  }
  // The parameter is named in both languages.
  Json p = Json::parse(f.Get("/api/v1/log/proof/inclusion?index=abc&size=3")->body);
  CHECK(Contains(p["detail_zh"], "参数 index"));
  CHECK(Contains(p["detail_en"], "parameter index"));
  // Empty proofs are proofs: sizes equal, or from the empty tree.
  CHECK(ProofOf(f.Get("/api/v1/log/proof/consistency?from=2&to=2")).empty());
  CHECK(ProofOf(f.Get("/api/v1/log/proof/consistency?from=0&to=2")).empty());
  // Only GET: nothing is written by any of these.
  auto c = f.Client();
  auto post = c.Post("/api/v1/log/checkpoint", "", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(CheckpointRows(f) == 0);
}

TEST_CASE("log API: public routes are rate-limited like the verify routes", "[log_api]") {
  VerifyFixture f;
  http::ServerOptions o = TestServerOptions();
  o.rate_limit.per_second = 0.001;
  o.rate_limit.burst = 2;
  f.Start(o);
  CHECK(f.Get("/api/v1/log/events?start=0")->status == 200);
  CHECK(f.Get("/api/v1/log/checkpoint")->status == 200);
  auto limited = f.Get("/api/v1/log/proof/inclusion?index=0&size=1");
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(limited->has_header("Retry-After"));
}
