// C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 keys, and the C2SP
// tlog-checkpoint body it carries (https://c2sp.org/tlog-checkpoint). Interoperates with
// golang.org/x/mod/sumdb/note and transparency-dev/formats; the bytes are in
// docs/formats/log.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/status.h"

namespace agritrace {

inline constexpr unsigned char kNoteAlgEd25519 = 0x01;

// Key hash (signed-note §Signatures): the first 4 bytes, big-endian, of
// SHA-256(name || 0x0A || 0x01 || 32-byte public key).
uint32_t NoteKeyHash(std::string_view key_name, std::string_view raw_public_key);

// A key name: non-empty UTF-8 without Unicode spaces or '+'.
bool IsValidNoteKeyName(std::string_view key_name);

// A public key a note may be signed with.
struct NoteVerifier {
  std::string name;
  std::string public_key;  // raw 32-byte Ed25519 key
};

// "<name>+<8 hex digits of key hash>+<base64(0x01 || public key)>".
std::string FormatVerifierKey(const NoteVerifier& verifier);
// Parses and checks a verifier key string, including that its key hash matches.
Result<NoteVerifier> ParseVerifierKey(std::string_view vkey);

struct NoteSignature {
  std::string name;
  uint32_t key_hash = 0;
  std::string signature;  // what follows the key hash: 64 raw bytes for Ed25519
};

struct SignedNote {
  std::string text;                       // the signed body, ending in '\n'
  std::vector<NoteSignature> signatures;  // verified ones after OpenNote, all after ParseNote
  std::vector<NoteSignature> unverified;  // OpenNote only: signatures by keys not given
};

// text + "\n" + "— <name> <base64(key hash || signature)>\n". `text` must be non-empty, end in
// '\n', be UTF-8 without control characters other than '\n'.
Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                             const Ed25519PrivateKey& key);
// Splits a note into text and signature lines without checking any signature. Malformed notes
// are Status::Invalid (reason "note-malformed").
Result<SignedNote> ParseNote(std::string_view note);
// Parses and verifies: a signature whose (name, key hash) matches a verifier must verify, and at
// least one must. Signatures by other keys are returned in `unverified`. Failures are
// Status::Invalid with reason "note-malformed", "note-bad-signature" or "note-unverified".
Result<SignedNote> OpenNote(std::string_view note, const std::vector<NoteVerifier>& verifiers);

// tlog-checkpoint body: "<origin>\n<size>\n<base64 root>\n" then optional extension lines.
struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  std::string root;                     // raw 32 bytes
  std::vector<std::string> extensions;  // non-empty lines, without their '\n'
};

// The body text; Status::Invalid if the origin or an extension is empty, has a newline or a
// control character, or the root is not 32 bytes.
Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint);
// Strict: decimal size without leading zeros, base64 of exactly 32 bytes, final '\n'.
Result<Checkpoint> ParseCheckpoint(std::string_view body);

}  // namespace agritrace
