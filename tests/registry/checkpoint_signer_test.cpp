// The registry's checkpoints: signed under its name with its current key, once per log size, and
// refused (nothing written) when the registry has no name to sign under.
#include "agritrace/registry/checkpoint_signer.h"

#include <catch2/catch.hpp>

#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/log_store.h"
#include "agritrace/registry/signed_note.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::RegistryFixture;

namespace {
int64_t Checkpoints(Store& s) {
  return s.db().QueryValue("SELECT COUNT(*) FROM checkpoints").Int64();
}
}  // namespace

TEST_CASE("registry checkpoints are signed under its name, once per log size", "[checkpoint]") {
  RegistryFixture f;
  auto cp = SignRegistryCheckpoint(*f.store);
  REQUIRE(cp.ok());
  CHECK(cp->origin == "trace.test.example");
  CHECK(cp->size == Size(f.store->db()));
  CHECK(cp->root == Root(f.store->db(), cp->size).value());
  auto opened = OpenNote(cp->note, NoteVerifiers(*f.store));
  REQUIRE(opened.ok());
  CHECK(opened->signatures.at(0).name == "trace.test.example");
  auto body = ParseCheckpoint(opened->text);
  REQUIRE(body.ok());
  CHECK(body->size == cp->size);
  CHECK(Checkpoints(*f.store) == 1);

  // Not grown: the same note, nothing new stored.
  auto again = SignRegistryCheckpoint(*f.store);
  REQUIRE(again.ok());
  CHECK(again->note == cp->note);
  CHECK(Checkpoints(*f.store) == 1);

  REQUIRE(IssueLot(*f.store, f.TeaLot()).ok());
  auto grown = SignRegistryCheckpoint(*f.store);
  REQUIRE(grown.ok());
  CHECK(grown->size == Size(f.store->db()));
  CHECK(grown->size > cp->size);
  CHECK(Checkpoints(*f.store) == 2);
  auto proof = ConsistencyProof(f.store->db(), cp->size, grown->size);
  REQUIRE(proof.ok());
  CHECK(merkle::VerifyConsistency(cp->size, grown->size, cp->root, grown->root, *proof).ok());
}

TEST_CASE("a registry without a name gets no checkpoint", "[checkpoint]") {
  RegistryFixture f;
  f.store->db().Exec("DELETE FROM registry_meta WHERE key = 'name'");
  auto cp = SignRegistryCheckpoint(*f.store);
  REQUIRE_FALSE(cp.ok());
  CHECK(cp.status().code() == StatusCode::kInvalid);
  CHECK(Checkpoints(*f.store) == 0);
}
