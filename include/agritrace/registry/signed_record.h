// The signed part every registry document shares (lots, 承诺达标合格证): the record as signed, its
// exact bytes, the Ed25519 signature, the key and the index of the event that logged it.
#pragma once

#include <cstdint>
#include <string>

#include "agritrace/registry/canonical_json.h"

namespace agritrace {

struct SignedRecord {
  Json record;                   // the signed document, parsed; stays Json: its bytes are signed
  std::string record_canonical;  // the exact signed bytes of `record`
  std::string signature;         // base64url Ed25519 over record_canonical
  std::string kid;               // the signing key
  int64_t event_index = -1;      // its issue event's index in the log
};
// {"record","signature","kid","event_index"}: what an issue answers. A stored record's JSON
// (Lot, Hgz) adds "record_canonical" itself; an issue's answer never carried it.
void to_json(Json& j, const SignedRecord& r);

}  // namespace agritrace
