// The SQLite-backed log: appends, roots and proofs against a naive RFC 9162 tree, VerifyLog
// naming what was tampered with, and SignCheckpoint refusing to sign a tampered log.
#include "agritrace/registry/log_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <bit>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/merkle.h"
#include "agritrace/registry/signed_note.h"
#include "registry/postgresql_connection.h"
#include "registry/sqlite_connection.h"
#include "tests/support/registry_fixture.h"

namespace agritrace {
namespace {

// The registry's first migration, which holds the log's tables (events, log_nodes,
// checkpoints), read from the source tree so that the test runs on exactly what ships; in the
// PostgreSQL form when the suite runs on PostgreSQL.
std::string RegistrySchema(bool postgresql) {
  std::ifstream in(postgresql ? AGRITRACE_SOURCE_DIR "/schemas/postgresql/001_registry.sql"
                              : AGRITRACE_SOURCE_DIR "/schemas/sql/001_registry.sql");
  std::string sql((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(sql.find("CREATE TABLE log_nodes") != std::string::npos);
  return sql;
}

constexpr const char* kOrigin = "trace.test.example";
constexpr const char* kNow = "2026-11-22T05:00:00Z";

std::string LeafJson(uint64_t i) {
  return "{\"at\":\"2026-11-22T05:00:00Z\",\"data\":{\"n\":" + std::to_string(i) +
         "},\"kind\":\"lot.issued\",\"seq\":" + std::to_string(i) + "}";
}

// RFC 9162 §2.1.1 MTH from the definition.
std::string NaiveRoot(const std::vector<std::string>& d, uint64_t begin, uint64_t end) {
  if (end == begin) return merkle::EmptyRoot();
  if (end - begin == 1) return merkle::LeafHash(d[begin]);
  const uint64_t k = std::bit_floor(end - begin - 1);
  return merkle::NodeHash(NaiveRoot(d, begin, begin + k), NaiveRoot(d, begin + k, end));
}

// The key of docs/formats/log.md's worked example (testdata/README.md). LoadPem refuses a key
// others can read, and git does not keep mode 0600: load a private copy.
Ed25519PrivateKey ExampleKey() {
  std::ifstream in(AGRITRACE_SOURCE_DIR "/tests/registry/testdata/golang_note_example_ed25519.pem");
  const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(!pem.empty());
  char dir_template[] = "/tmp/agritrace-log-XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  const std::string path = std::string(dir_template) + "/key.pem";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  REQUIRE(fd >= 0);
  const bool written = write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
  close(fd);
  auto key = Ed25519PrivateKey::LoadPem(path);
  unlink(path.c_str());
  rmdir(dir_template);
  REQUIRE(written);
  REQUIRE(key.ok());
  return *key;
}

// The log's tables alone, in memory, or in a fresh PostgreSQL database when the suite runs there.
std::unique_ptr<sql::Connection> LogConnection(std::unique_ptr<testing::PgDatabase>& pg) {
  std::unique_ptr<sql::Connection> c;
  if (testing::TestsOnPostgresql()) {
    pg = std::make_unique<testing::PgDatabase>();
    c = std::make_unique<sql::PostgresqlConnection>(pg->url());
  } else {
    c = std::make_unique<sql::SqliteConnection>(":memory:", sql::SqliteOpenOptions{.create = true});
  }
  c->Exec(RegistrySchema(testing::TestsOnPostgresql()));
  return c;
}

struct LogFixture {
  std::unique_ptr<testing::PgDatabase> pg;
  std::unique_ptr<sql::Connection> conn = LogConnection(pg);
  sql::Connection& db = *conn;
  std::vector<std::string> leaves;
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate().value();
  std::vector<NoteVerifier> verifiers{{kOrigin, key.RawPublicKey()}};

  // What the registry does for each state change: one transaction, the event row and its leaf.
  void Append(size_t count) {
    sql::Transaction tx(db);
    for (size_t i = 0; i < count; ++i) {
      const uint64_t idx = leaves.size();
      leaves.push_back(LeafJson(idx));
      sql::Statement ins(db, "INSERT INTO events(idx, kind, at, leaf) VALUES (?, ?, ?, ?)");
      ins.Bind(1, static_cast<int64_t>(idx));
      ins.Bind(2, "lot.issued");
      ins.Bind(3, kNow);
      ins.Bind(4, leaves.back());
      ins.Exec();
      Status s = AppendLeaf(db, idx, leaves.back());
      REQUIRE(s.ok());
    }
    tx.Commit();
  }

  // Signs; the log.checkpoint event it logs joins `leaves`.
  std::string Sign() {
    auto note = SignCheckpoint(db, kOrigin, kOrigin, key, kNow);
    INFO(note.status().message());
    REQUIRE(note.ok());
    sql::Statement q(db, "SELECT leaf FROM events WHERE idx >= ? ORDER BY idx");
    q.Bind(1, static_cast<int64_t>(leaves.size()));
    while (q.Step()) leaves.push_back(q.Column(0).String());
    return *note;
  }

  int Checkpoints() { return db.QueryValue("SELECT COUNT(*) FROM checkpoints").Int(); }
  void SetNode(int level, uint64_t idx, const std::string& hash) {
    sql::Statement st(db, "UPDATE log_nodes SET hash = ? WHERE level = ? AND idx = ?");
    st.BindBlob(1, hash);
    st.Bind(2, level);
    st.Bind(3, static_cast<int64_t>(idx));
    REQUIRE(st.Exec() == 1);
  }
  // An edit behind the registry's back: the append-only trigger has to go first.
  void EditEvent(uint64_t idx, const std::string& leaf) {
    db.Exec(db.backend() == sql::Backend::kPostgresql
                ? "DROP TRIGGER IF EXISTS events_no_update ON events"
                : "DROP TRIGGER IF EXISTS events_no_update");
    sql::Statement st(db, "UPDATE events SET leaf = ? WHERE idx = ?");
    st.Bind(1, leaf);
    st.Bind(2, static_cast<int64_t>(idx));
    REQUIRE(st.Exec() == 1);
  }
};

// A blob literal in the store's dialect.
std::string HexBlob(sql::Connection& db, const std::string& hex) {
  return db.backend() == sql::Backend::kPostgresql ? "decode('" + hex + "', 'hex')"
                                                   : "x'" + hex + "'";
}
const std::string kZeros(64, '0');

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("Appending 100 leaves gives the naive RFC 9162 root at every size", "[log_store]") {
  LogFixture f;
  CHECK(Size(f.db) == 0);
  CHECK(Root(f.db, 0).value() == merkle::EmptyRoot());
  for (int batch = 0; batch < 10; ++batch) f.Append(10);
  CHECK(Size(f.db) == 100);
  for (uint64_t n = 0; n <= 100; ++n) {
    INFO("size " << n);
    CHECK(Root(f.db, n).value() == NaiveRoot(f.leaves, 0, n));
  }
  // Every complete subtree of 100 leaves, and nothing else: 100 + 50 + 25 + 12 + 6 + 3 + 1.
  CHECK(f.db.QueryValue("SELECT COUNT(*) FROM log_nodes").Int() == 197);
  CHECK(Root(f.db, 101).status().code() == StatusCode::kInvalid);
}

TEST_CASE("Proofs from the store verify for every size 1..64", "[log_store]") {
  LogFixture f;
  f.Append(64);
  MerkleLog log(f.db);
  for (uint64_t n = 1; n <= 64; ++n) {
    const std::string root = NaiveRoot(f.leaves, 0, n);
    for (uint64_t i = 0; i < n; ++i) {
      INFO("inclusion " << i << " in " << n);
      auto proof = InclusionProof(f.db, i, n);
      REQUIRE(proof.ok());
      CHECK(merkle::VerifyInclusion(i, n, merkle::LeafHash(f.leaves[i]), *proof, root).ok());
      CHECK(log.InclusionProof(i, n).value() == *proof);
    }
    for (uint64_t m = 1; m <= n; ++m) {
      INFO("consistency " << m << " to " << n);
      auto proof = ConsistencyProof(f.db, m, n);
      REQUIRE(proof.ok());
      CHECK(merkle::VerifyConsistency(m, n, NaiveRoot(f.leaves, 0, m), root, *proof).ok());
      CHECK(log.ConsistencyProof(m, n).value() == *proof);
    }
  }
  CHECK(InclusionProof(f.db, 64, 64).status().code() == StatusCode::kInvalid);
  CHECK(InclusionProof(f.db, 3, 65).status().code() == StatusCode::kInvalid);
  CHECK(ConsistencyProof(f.db, 3, 65).status().code() == StatusCode::kInvalid);
  CHECK(ConsistencyProof(f.db, 9, 8).status().code() == StatusCode::kInvalid);
}

TEST_CASE("AppendLeaf refuses an index other than the current size", "[log_store]") {
  LogFixture f;
  f.Append(5);
  for (uint64_t bad : {uint64_t{4}, uint64_t{6}, uint64_t{0}}) {
    Status s = AppendLeaf(f.db, bad, "x");
    CHECK(s.code() == StatusCode::kCorruption);
    CHECK(s.reason() == "log-index-mismatch");
  }
  CHECK(Size(f.db) == 5);
  CHECK(f.db.QueryValue("SELECT COUNT(*) FROM log_nodes").Int() == 5 + 2 + 1);
  // A stray node where the next append must write is corruption, not an overwrite.
  f.db.Exec("INSERT INTO log_nodes VALUES (1, 2, " + HexBlob(f.db, "00") + ")");
  CHECK(AppendLeaf(f.db, 5, "x").code() == StatusCode::kCorruption);
}

TEST_CASE("VerifyLog accepts an untouched log with its checkpoints", "[log_store]") {
  LogFixture f;
  CHECK(VerifyLog(f.db, f.verifiers).ok());
  f.Sign();  // the empty log: signs its own event, size 1
  f.Append(37);
  f.Sign();
  f.Append(63);
  f.Sign();
  Status s = VerifyLog(f.db, f.verifiers);
  INFO(s.message());
  CHECK(s.ok());
  CHECK(f.Checkpoints() == 3);
  // The savepoint is gone: a new transaction can start.
  f.db.Exec("BEGIN");
  f.db.Exec("COMMIT");
}

TEST_CASE("VerifyLog names the event changed behind the registry's back", "[log_store]") {
  LogFixture f;
  f.Append(100);
  f.Sign();
  f.EditEvent(37, LeafJson(37) + " ");
  Status s = VerifyLog(f.db, f.verifiers);
  CHECK(s.code() == StatusCode::kCorruption);
  CHECK(s.reason() == "log-leaf-mismatch");
  CHECK(Contains(s.en(), "event 37 "));
  CHECK(Contains(s.zh(), "事件 37 "));
}

TEST_CASE("VerifyLog names tampered, missing and extra log_nodes rows", "[log_store]") {
  LogFixture f;
  f.Append(100);
  SECTION("an inner node changed") {
    f.SetNode(3, 5, merkle::LeafHash("forged"));
    Status s = VerifyLog(f.db, f.verifiers);
    CHECK(s.reason() == "log-node-mismatch");
    CHECK(Contains(s.en(), "level 3, index 5) covering events 40..47"));
  }
  SECTION("a leaf hash changed") {
    f.SetNode(0, 99, merkle::LeafHash("forged"));
    Status s = VerifyLog(f.db, f.verifiers);
    CHECK(s.reason() == "log-leaf-mismatch");
    CHECK(Contains(s.en(), "event 99 "));
  }
  SECTION("a node deleted") {
    f.db.Exec("DELETE FROM log_nodes WHERE level = 2 AND idx = 7");
    Status s = VerifyLog(f.db, f.verifiers);
    CHECK(s.reason() == "log-node-missing");
    CHECK(Contains(s.en(), "level 2, index 7"));
  }
  SECTION("a node no leaf accounts for") {
    f.db.Exec("INSERT INTO log_nodes VALUES (2, 25, " + HexBlob(f.db, kZeros) + ")");
    Status s = VerifyLog(f.db, f.verifiers);
    CHECK(s.reason() == "log-node-extra");
    CHECK(Contains(s.en(), "level 2, index 25"));
  }
  SECTION("a node on a level the tree does not reach") {
    f.db.Exec("INSERT INTO log_nodes VALUES (9, 0, " + HexBlob(f.db, kZeros) + ")");
    CHECK(VerifyLog(f.db, f.verifiers).reason() == "log-node-extra");
  }
  SECTION("an event without its leaf") {
    f.db.Exec("INSERT INTO events VALUES (100, 'lot.issued', 'now', '{}')");
    Status s = VerifyLog(f.db, f.verifiers);
    CHECK(s.code() == StatusCode::kCorruption);
    CHECK(Contains(s.en(), "event 100 has no leaf"));
  }
  SECTION("a leaf without its event") {
    f.db.Exec(f.db.backend() == sql::Backend::kPostgresql ? "DROP TRIGGER events_no_delete ON events"
                                                          : "DROP TRIGGER events_no_delete");
    f.db.Exec("DELETE FROM events WHERE idx = 99");
    Status s = VerifyLog(f.db, f.verifiers);
    CHECK(s.code() == StatusCode::kCorruption);
    CHECK(Contains(s.en(), "100 leaves but events has only 99"));
  }
}

TEST_CASE("VerifyLog checks every checkpoint's root and signature", "[log_store]") {
  LogFixture f;
  f.Append(20);
  f.Sign();
  f.Append(12);
  f.Sign();
  SECTION("unknown key") {
    auto other = Ed25519PrivateKey::Generate().value();
    Status s = VerifyLog(f.db, {{kOrigin, other.RawPublicKey()}});
    CHECK(s.reason() == "log-checkpoint-signature");
    CHECK(Contains(s.en(), "checkpoint of size 21"));
  }
  SECTION("root column changed") {
    auto forged = merkle::LeafHash("x");
    sql::Statement st(f.db, "UPDATE checkpoints SET root = ? WHERE size = 34");
    st.BindBlob(1, forged.data(), 32);
    REQUIRE(st.Exec() == 1);
    Status s = VerifyLog(f.db, f.verifiers);
    CHECK(s.reason() == "log-checkpoint-mismatch");
    CHECK(Contains(s.en(), "checkpoint of size 34"));
  }
  SECTION("note signed over a different tree") {
    // A correctly signed note whose root is not this log's.
    auto body = FormatCheckpoint({kOrigin, 21, merkle::LeafHash("x"), {}}).value();
    auto note = SignNote(body, kOrigin, f.key).value();
    sql::Statement st(f.db, "UPDATE checkpoints SET note = ? WHERE size = 21");
    st.Bind(1, note);
    REQUIRE(st.Exec() == 1);
    Status s = VerifyLog(f.db, f.verifiers);
    CHECK(s.reason() == "log-checkpoint-mismatch");
    CHECK(Contains(s.en(), "checkpoint of size 21"));
  }
  SECTION("checkpoint beyond the log") {
    f.db.Exec("INSERT INTO checkpoints VALUES (35, " + HexBlob(f.db, kZeros) + ", '', 'now')");
    CHECK(Contains(VerifyLog(f.db, f.verifiers).en(), "checkpoint size 35"));
  }
}

TEST_CASE("SignCheckpoint signs the current tree in the C2SP formats", "[log_store][checkpoint]") {
  LogFixture f;
  CHECK(LatestCheckpoint(f.db).status().code() == StatusCode::kNotFound);
  f.Append(21);
  const std::string first = f.Sign();
  auto opened = OpenNote(first, f.verifiers);
  REQUIRE(opened.ok());
  auto cp = ParseCheckpoint(opened->text).value();
  CHECK(cp.origin == kOrigin);
  // The signing is logged as event 21, inside the tree it signs.
  CHECK(cp.size == 22);
  REQUIRE(f.leaves.size() == 22);
  CHECK(f.leaves[21] == std::string(R"({"at":")") + kNow +
                            R"(","data":{"size":22},"kind":"log.checkpoint","seq":21})");
  CHECK(f.db.QueryValue("SELECT kind FROM events WHERE idx = 21").String() == "log.checkpoint");
  CHECK(cp.root == NaiveRoot(f.leaves, 0, 22));
  CHECK(opened->text == std::string(kOrigin) + "\n22\n" + Base64Encode(cp.root) + "\n");
  CHECK(LatestCheckpoint(f.db).value() == first);

  // Not grown: the same note, no new row, no new event.
  CHECK(f.Sign() == first);
  CHECK(f.Checkpoints() == 1);
  CHECK(Size(f.db) == 22);

  // Grown: a new note whose root extends the first (RFC 9162 §2.1.4.2).
  f.Append(44);
  const std::string second = f.Sign();
  auto cp2 = ParseCheckpoint(OpenNote(second, f.verifiers)->text).value();
  CHECK(cp2.size == 67);
  CHECK(f.leaves[66] == std::string(R"({"at":")") + kNow +
                            R"(","data":{"previous":22,"size":67},"kind":"log.checkpoint","seq":66})");
  CHECK(merkle::VerifyConsistency(22, 67, cp.root, cp2.root, ConsistencyProof(f.db, 22, 67).value())
            .ok());
  CHECK(f.Checkpoints() == 2);
  CHECK(LatestCheckpoint(f.db).value() == second);
  CHECK(f.db.QueryValue("SELECT created_at FROM checkpoints WHERE size = 67").String() == kNow);
  CHECK(VerifyLog(f.db, f.verifiers).ok());
}

TEST_CASE("SignCheckpoint refuses to sign a tampered log", "[log_store][checkpoint]") {
  LogFixture f;
  f.Append(50);
  f.Sign();
  f.Append(50);
  SECTION("a node under the last checkpoint's root") {
    // 51 = 32 + 16 + 2 + 1: node (5, 0) is part of the signed root.
    f.SetNode(5, 0, merkle::LeafHash("forged"));
    auto s = SignCheckpoint(f.db, kOrigin, kOrigin, f.key, kNow);
    CHECK(s.status().code() == StatusCode::kCorruption);
    CHECK(Contains(s.status().en(), "checkpoint of size 51"));
  }
  SECTION("a leaf hash added since") {
    f.SetNode(0, 70, merkle::LeafHash("forged"));
    auto s = SignCheckpoint(f.db, kOrigin, kOrigin, f.key, kNow);
    CHECK(s.status().code() == StatusCode::kCorruption);
    CHECK(Contains(s.status().en(), "event 70 "));
    CHECK(Contains(s.status().en(), "refusing to sign"));
  }
  SECTION("an inner node added since") {
    f.SetNode(2, 17, merkle::LeafHash("forged"));
    auto s = SignCheckpoint(f.db, kOrigin, kOrigin, f.key, kNow);
    CHECK(s.status().code() == StatusCode::kCorruption);
    CHECK(Contains(s.status().en(), "level 2, index 17"));
  }
  SECTION("an event added since") {
    f.EditEvent(80, "{}");
    auto s = SignCheckpoint(f.db, kOrigin, kOrigin, f.key, kNow);
    CHECK(s.status().code() == StatusCode::kCorruption);
    CHECK(Contains(s.status().en(), "event 80 "));
  }
  SECTION("a leaf appended without its event") {
    REQUIRE(AppendLeaf(f.db, 101, "x").ok());
    auto s = SignCheckpoint(f.db, kOrigin, kOrigin, f.key, kNow);
    CHECK(s.status().code() == StatusCode::kCorruption);
    CHECK(Contains(s.status().en(), "refusing to sign"));
  }
  SECTION("the last checkpoint's note edited") {
    f.db.Exec("UPDATE checkpoints SET note = replace(note, '51', '52')");
    auto s = SignCheckpoint(f.db, kOrigin, kOrigin, f.key, kNow);
    CHECK(s.status().code() == StatusCode::kCorruption);
  }
  SECTION("a different origin") {
    auto s = SignCheckpoint(f.db, "other.example", kOrigin, f.key, kNow);
    CHECK(s.status().code() == StatusCode::kConflict);
  }
  CHECK(f.Checkpoints() == 1);
  CHECK(LatestCheckpoint(f.db).ok());
  // Nor the log.checkpoint event of the refused signing.
  CHECK(f.db.QueryValue("SELECT COUNT(*) FROM events").Int() == 101);
  // A refusal leaves no transaction or savepoint open.
  f.db.Exec("BEGIN");
  f.db.Exec("COMMIT");
}

TEST_CASE("SignCheckpoint with no checkpoint yet replays every event", "[log_store][checkpoint]") {
  LogFixture f;
  f.Append(30);
  f.SetNode(0, 3, merkle::LeafHash("forged"));
  auto s = SignCheckpoint(f.db, kOrigin, kOrigin, f.key, kNow);
  CHECK(s.status().code() == StatusCode::kCorruption);
  CHECK(Contains(s.status().en(), "event 3 "));
  CHECK(f.Checkpoints() == 0);
  CHECK(f.db.QueryValue("SELECT COUNT(*) FROM events").Int() == 30);
}

TEST_CASE("SignCheckpoint runs inside the caller's transaction", "[log_store][checkpoint]") {
  LogFixture f;
  {
    sql::Transaction tx(f.db);
    f.db.Exec("INSERT INTO events VALUES (0, 'lot.issued', 'now', 'a')");
    REQUIRE(AppendLeaf(f.db, 0, "a").ok());
    auto note = SignCheckpoint(f.db, kOrigin, kOrigin, f.key, kNow);
    REQUIRE(note.ok());
    // Rolled back with the caller's transaction.
  }
  CHECK(f.Checkpoints() == 0);
  CHECK(Size(f.db) == 0);
  {
    sql::Transaction tx(f.db);
    f.db.Exec("INSERT INTO events VALUES (0, 'lot.issued', 'now', 'a')");
    REQUIRE(AppendLeaf(f.db, 0, "a").ok());
    REQUIRE(SignCheckpoint(f.db, kOrigin, kOrigin, f.key, kNow).ok());
    tx.Commit();
  }
  CHECK(f.Checkpoints() == 1);
  CHECK(VerifyLog(f.db, f.verifiers).ok());
}

TEST_CASE("The worked example of docs/formats/log.md", "[log_store][checkpoint]") {
  LogFixture f;
  const std::vector<std::string> leaves = {
      R"({"at":"2026-11-22T05:00:00Z","data":{"base_url":"https://v.trace.example",)"
      R"("name":"trace.baisha.example"},"kind":"registry.initialised","seq":0})",
      R"({"at":"2026-11-22T05:01:00Z","data":{"kid":"3f1c0a9e5b2d7c18"},)"
      R"("kind":"key.created","seq":1})",
      R"({"at":"2026-11-22T05:30:00Z","data":{"code":"7KQ2M9XW4C"},"kind":"lot.issued","seq":2})",
  };
  for (size_t i = 0; i < leaves.size(); ++i) {
    sql::Statement ins(f.db, "INSERT INTO events VALUES (?, 'x', 'x', ?)");
    ins.Bind(1, static_cast<int64_t>(i));
    ins.Bind(2, leaves[i]);
    ins.Exec();
    REQUIRE(AppendLeaf(f.db, i, leaves[i]).ok());
  }
  auto b64 = [](const std::vector<std::string>& hashes) {
    std::vector<std::string> out;
    for (const auto& h : hashes) out.push_back(Base64Encode(h));
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(HexEncode(merkle::LeafHash(leaves[0])) ==
        "2a135018fbdeda9556c228bc8ce392237766f4c328d6d777eddb5b32c6a75176");
  CHECK(HexEncode(Root(f.db, 2).value()) ==
        "b526a377ccef9d2cd6f6c1ac9099f553833c537269722ea2794092ac5df40786");
  CHECK(HexEncode(Root(f.db, 3).value()) ==
        "6c635f08b10a4010d000eeb50a708bda53c26ace9f815a5c8a82dcca8c6dc8dd");
  CHECK(b64(InclusionProof(f.db, 0, 3).value()) ==
        V{"4ROFIiFkAbT6ISn/Jq2rN8JyCYvjZ2i9slJMvYmsNdM=",
          "updpxu+6GowJs59UpnxEwjUhMF+c9HTt2A0Ptw3PdXQ="});
  CHECK(b64(InclusionProof(f.db, 2, 3).value()) ==
        V{"tSajd8zvnSzW9sGskJn1U4M8U3Jpci6ieUCSrF30B4Y="});
  CHECK(b64(ConsistencyProof(f.db, 2, 3).value()) ==
        V{"updpxu+6GowJs59UpnxEwjUhMF+c9HTt2A0Ptw3PdXQ="});

  const auto key = ExampleKey();
  const NoteVerifier v{"trace.baisha.example", key.RawPublicKey()};
  CHECK(HexEncode(v.public_key) ==
        "1a5cd907143c384c41e830c5bce12aa8817ec5649aaabf2c31388b35b2d744d6");
  CHECK(NoteKeyHash(v.name, v.public_key) == 0x2a7aacb3u);
  CHECK(FormatVerifierKey(v) ==
        "trace.baisha.example+2a7aacb3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  // The checkpoint format over these three leaves (SignCheckpoint would first log its signing
  // as a fourth event, docs/formats/log.md §5).
  auto note = SignNote(FormatCheckpoint({v.name, 3, Root(f.db, 3).value(), {}}).value(), v.name, key);
  REQUIRE(note.ok());
  CHECK(
      *note ==
      "trace.baisha.example\n3\nbGNfCLEKQBDQAO61CnCL2lPCas6fgVpcioLcyoxtyN0=\n\n"
      "\xE2\x80\x94 trace.baisha.example "
      "Knqssx3yQwW52MYRilW65c01b07n21Ail3CCw2ZTstGCPYLyG5hgCh79qJSUoF3qHFKuuE6Pj6cXw0Nanw1XDjbOsQ4="
      "\n");
  CHECK(VerifyLog(f.db, {v}).ok());
}

}  // namespace
}  // namespace agritrace
