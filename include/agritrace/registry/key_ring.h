// The registry's signing keys (DESIGN.md §6). Private keys live as PEM files (mode 0600) in the
// key folder beside the database, `<db>.keys/<kid>.pem`; public keys live in the database so
// that records signed by retired keys still verify after rotation.
#pragma once

#include <string>

#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/signed_note.h"
#include "agritrace/registry/store.h"

namespace agritrace {

struct SigningKey {
  std::string kid;
  Ed25519PrivateKey key;
};

// For a postgresql:// URL: $AGRITRACE_KEY_DIR ("" when unset), as the URL names no folder.
std::string KeyDirFor(const std::string& db_path);

// Makes a new current key, retires the previous one, logs "key.rotated" (or "key.created" for
// the first). Must run inside Store::Transact; the PEM is written before the row so a crash
// leaves at most an unused file, never a row without its key.
Result<Json> CreateSigningKey(Store& store);
Result<SigningKey> CurrentSigningKey(Store& store);
// Raw 32-byte public key of `kid`, current or retired.
Result<std::string> PublicKeyOf(Store& store, const std::string& kid);
Json ListSigningKeys(Store& store);
// Every key, current and retired, as a signed-note verifier under the registry's name: the
// checkpoints signed before a rotation still verify.
std::vector<NoteVerifier> NoteVerifiers(Store& store);

}  // namespace agritrace
