// The registry's signing keys (DESIGN.md §6). Private keys live as PEM files (mode 0600) in the
// key folder beside the database, `<db>.keys/<kid>.pem`; public keys live in the database so
// that records signed by retired keys still verify after rotation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/signed_note.h"
#include "agritrace/registry/store.h"

namespace agritrace {

struct SigningKey {
  std::string kid;
  Ed25519PrivateKey key;
};

// A key just made: {"kid","public_key","created_at"}, `key rotate --json` and the data of
// "key.created" / "key.rotated".
struct NewSigningKey {
  std::string kid;
  std::string public_key;  // raw 32 bytes; base64 in JSON
  std::string created_at;
};
void to_json(Json& j, const NewSigningKey& k);

// A key of the registry, current or retired: {"kid","public_key","created_at","current"}, plus
// "retired_at" once retired (`key list --json`).
struct ListedSigningKey {
  std::string kid;
  std::string public_key;  // raw 32 bytes; base64 in JSON
  std::string created_at;
  std::optional<std::string> retired_at;  // nullopt: the current key
  bool current() const { return !retired_at; }
};
void to_json(Json& j, const ListedSigningKey& k);

// For a postgresql:// URL: $AGRITRACE_KEY_DIR ("" when unset), as the URL names no folder.
std::string KeyDirFor(const std::string& db_path);

// Makes a new current key, retires the previous one, logs "key.rotated" (or "key.created" for
// the first). Must run inside Store::Transact; the PEM is written before the row so a crash
// leaves at most an unused file, never a row without its key.
Result<NewSigningKey> CreateSigningKey(Store& store);
Result<SigningKey> CurrentSigningKey(Store& store);
// Raw 32-byte public key of `kid`, current or retired.
Result<std::string> PublicKeyOf(Store& store, const std::string& kid);
// Every key, oldest first.
std::vector<ListedSigningKey> ListSigningKeys(Store& store);
// Every key, current and retired, as a signed-note verifier under the registry's name: the
// checkpoints signed before a rotation still verify.
std::vector<NoteVerifier> NoteVerifiers(Store& store);

}  // namespace agritrace
