// Signed notes and the checkpoints they carry (registry/signed_note.h), as a witness or an
// auditor receives them. Checks: a note that parses re-serialises to the same bytes; a
// checkpoint body that parses formats back to the same bytes; a verifier key that parses
// formats to a key that parses to the same; a note that opens under the worked example's key
// (docs/formats/log.md §10) has only signatures by that key that verify.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/signed_note.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;

namespace {

const NoteVerifier& ExampleVerifier() {
  static const NoteVerifier v{
      "trace.baisha.example",
      *HexDecode("1a5cd907143c384c41e830c5bce12aa8817ec5649aaabf2c31388b35b2d744d6")};
  return v;
}

std::string BigEndian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

void CheckCheckpoint(std::string_view body) {
  Result<Checkpoint> cp = ParseCheckpoint(body);
  if (!cp.ok()) {
    FUZZ_CHECK(cp.status().reason() == "checkpoint-malformed");
    return;
  }
  FUZZ_CHECK(cp->root.size() == 32 && !cp->origin.empty());
  Result<std::string> formatted = FormatCheckpoint(*cp);
  FUZZ_CHECK(formatted.ok() && *formatted == body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  Result<SignedNote> note = ParseNote(in);
  if (note.ok()) {
    FUZZ_CHECK(!note->signatures.empty() && !note->text.empty() && note->text.back() == '\n');
    std::string bytes = note->text + "\n";
    for (const NoteSignature& sig : note->signatures) {
      FUZZ_CHECK(IsValidNoteKeyName(sig.name));
      bytes += "\xE2\x80\x94 " + sig.name + " " +
               Base64Encode(BigEndian32(sig.key_hash) + sig.signature) + "\n";
    }
    FUZZ_CHECK(bytes == in);
    CheckCheckpoint(note->text);
  } else {
    FUZZ_CHECK(note.status().reason() == "note-malformed");
  }

  Result<SignedNote> opened = OpenNote(in, {ExampleVerifier()});
  if (opened.ok()) {
    FUZZ_CHECK(note.ok() && opened->text == note->text && !opened->signatures.empty());
    for (const NoteSignature& sig : opened->signatures) {
      FUZZ_CHECK(sig.name == ExampleVerifier().name);
      FUZZ_CHECK(Ed25519Verify(ExampleVerifier().public_key, opened->text, sig.signature));
    }
  } else {
    const std::string& r = opened.status().reason();
    FUZZ_CHECK(r == "note-malformed" || r == "note-bad-signature" || r == "note-unverified");
  }

  CheckCheckpoint(in);

  Result<NoteVerifier> vkey = ParseVerifierKey(in);
  if (vkey.ok()) {
    FUZZ_CHECK(vkey->public_key.size() == 32 && IsValidNoteKeyName(vkey->name));
    Result<NoteVerifier> again = ParseVerifierKey(FormatVerifierKey(*vkey));
    FUZZ_CHECK(again.ok() && again->name == vkey->name && again->public_key == vkey->public_key);
  }
  return 0;
}
