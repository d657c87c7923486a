#include "agritrace/registry/checkpoint_signer.h"

#include "agritrace/registry/dates.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/log_store.h"
#include "agritrace/registry/signed_note.h"

namespace agritrace {

Result<SignedCheckpoint> SignRegistryCheckpoint(Store& store) {
  SignedCheckpoint out;
  // One write transaction: no change lands between reading the log and signing it.
  Status s = store.Transact([&]() -> Status {
    auto key = CurrentSigningKey(store);
    if (!key.ok()) return key.status();
    out.origin = store.Meta("name");
    auto note = SignCheckpoint(store.db(), out.origin, out.origin, key->key, NowUtc());
    if (!note.ok()) return note.status();
    out.note = std::move(note).value();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  // Size and root as the note states them: exactly what was signed.
  auto parsed = ParseNote(out.note);
  if (!parsed.ok()) return parsed.status();
  auto body = ParseCheckpoint(parsed->text);
  if (!body.ok()) return body.status();
  out.size = body->size;
  out.root = body->root;
  return out;
}

}  // namespace agritrace
