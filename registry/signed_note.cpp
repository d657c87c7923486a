#include "agritrace/registry/signed_note.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include "agritrace/registry/encoding.h"
#include "agritrace/registry/merkle.h"

namespace agritrace {
namespace {

// U+2014 EM DASH and a space: the start of every signature line (signed-note §Format).
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";
// golang.org/x/mod/sumdb/note refuses more; so do we, to bound work on hostile input.
constexpr size_t kMaxSignatures = 100;

Status Malformed(const std::string& zh, const std::string& en) {
  return Status::Invalid("签名注记格式错误：" + zh, "malformed signed note: " + en)
      .with_reason("note-malformed");
}

Status BadCheckpoint(const std::string& zh, const std::string& en) {
  return Status::Invalid("检查点格式错误：" + zh, "malformed checkpoint: " + en)
      .with_reason("checkpoint-malformed");
}

// Decodes one UTF-8 code point at `pos`, advancing it; -1 for an invalid, overlong or
// surrogate sequence.
int32_t NextCodePoint(std::string_view s, size_t& pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(pos);
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || pos + len > s.size()) return -1;
  int32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (int i = 1; i < len; ++i) {
    unsigned char cc = byte(pos + i);
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  pos += len;
  return cp;
}

// Go's unicode.IsSpace: the White_Space property.
bool IsUnicodeSpace(int32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Note text rule (signed-note §Format): valid UTF-8, no ASCII control character but '\n'.
bool IsValidNoteText(std::string_view s) {
  for (size_t pos = 0; pos < s.size();) {
    int32_t cp = NextCodePoint(s, pos);
    if (cp < 0 || (cp < 0x20 && cp != '\n')) return false;
  }
  return true;
}

uint32_t ReadBigEndian32(std::string_view b) {
  return (uint32_t{static_cast<unsigned char>(b[0])} << 24) |
         (uint32_t{static_cast<unsigned char>(b[1])} << 16) |
         (uint32_t{static_cast<unsigned char>(b[2])} << 8) | static_cast<unsigned char>(b[3]);
}

std::string BigEndian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string Hex8(uint32_t v) { return HexEncode(BigEndian32(v)); }

// Splits at the first `sep`: (before, after); after is empty when there is no separator.
std::pair<std::string_view, std::string_view> Chop(std::string_view s, char sep) {
  size_t i = s.find(sep);
  if (i == std::string_view::npos) return {s, {}};
  return {s.substr(0, i), s.substr(i + 1)};
}

// A line of a checkpoint body: non-empty note text without newline.
bool IsValidCheckpointLine(std::string_view line) {
  return !line.empty() && line.find('\n') == std::string_view::npos && IsValidNoteText(line);
}

}  // namespace

uint32_t NoteKeyHash(std::string_view key_name, std::string_view raw_public_key) {
  std::string input(key_name);
  input.push_back('\n');
  input.push_back(static_cast<char>(kNoteAlgEd25519));
  input.append(raw_public_key);
  return ReadBigEndian32(Sha256(input));
}

bool IsValidNoteKeyName(std::string_view key_name) {
  if (key_name.empty()) return false;
  for (size_t pos = 0; pos < key_name.size();) {
    int32_t cp = NextCodePoint(key_name, pos);
    if (cp < 0 || cp < 0x20 || cp == '+' || IsUnicodeSpace(cp)) return false;
  }
  return true;
}

std::string FormatVerifierKey(const NoteVerifier& verifier) {
  std::string key(1, static_cast<char>(kNoteAlgEd25519));
  key += verifier.public_key;
  return verifier.name + "+" + Hex8(NoteKeyHash(verifier.name, verifier.public_key)) + "+" +
         Base64Encode(key);
}

Result<NoteVerifier> ParseVerifierKey(std::string_view vkey) {
  auto bad = [&](const std::string& zh, const std::string& en) {
    return Status::Invalid("验证公钥字符串无效：" + zh, "invalid verifier key: " + en)
        .with_reason("verifier-key-invalid");
  };
  // The name has no '+', the hash is hex: only the base64 part may contain '+'.
  auto [name, rest] = Chop(vkey, '+');
  auto [hash_hex, key_b64] = Chop(rest, '+');
  if (!IsValidNoteKeyName(name)) return bad("名称无效", "bad key name");
  auto hash = hash_hex.size() == 8 ? HexDecode(hash_hex) : std::nullopt;
  if (!hash) return bad("密钥哈希不是 8 位十六进制", "key hash is not 8 hex digits");
  auto key = Base64Decode(key_b64);
  if (!key || key->size() != 33 || static_cast<unsigned char>((*key)[0]) != kNoteAlgEd25519)
    return bad("不是 Ed25519 公钥（0x01 + 32 字节）", "not an Ed25519 key (0x01 + 32 bytes)");
  NoteVerifier v{std::string(name), key->substr(1)};
  if (NoteKeyHash(v.name, v.public_key) != ReadBigEndian32(*hash))
    return bad("密钥哈希与名称和公钥不符", "key hash does not match name and key");
  return v;
}

Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                             const Ed25519PrivateKey& key) {
  if (text.empty() || text.back() != '\n' || !IsValidNoteText(text))
    return Malformed(
        "正文须非空、以换行结尾、不含控制字符",
        "text must be non-empty UTF-8 ending in a newline, without control characters");
  if (!IsValidNoteKeyName(key_name))
    return Malformed("密钥名称无效", "key name is empty or has a space or '+'");
  const uint32_t key_hash = NoteKeyHash(key_name, key.RawPublicKey());
  std::string note(text);
  note += "\n";
  note += kSigPrefix;
  note += key_name;
  note += " ";
  note += Base64Encode(BigEndian32(key_hash) + key.Sign(text));
  note += "\n";
  return note;
}

Result<SignedNote> ParseNote(std::string_view note) {
  if (!IsValidNoteText(note))
    return Malformed("含无效 UTF-8 或控制字符", "invalid UTF-8 or a control character");
  // The signature block follows the last blank line.
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos)
    return Malformed("缺少正文与签名之间的空行", "no blank line before the signatures");
  SignedNote out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n')
    return Malformed("签名行缺失或未以换行结尾", "signature lines missing or not newline-ended");
  while (!sigs.empty()) {
    const size_t eol = sigs.find('\n');
    std::string_view line = sigs.substr(0, eol);
    sigs.remove_prefix(eol + 1);
    if (line.substr(0, kSigPrefix.size()) != kSigPrefix)
      return Malformed("签名行须以“— ”开头", "a signature line does not start with \"— \"");
    line.remove_prefix(kSigPrefix.size());
    auto [name, b64] = Chop(line, ' ');
    auto blob = Base64Decode(b64);
    if (!IsValidNoteKeyName(name) || b64.empty() || !blob || blob->size() < 5)
      return Malformed("签名行的名称或 base64 无效", "bad name or base64 in a signature line");
    if (out.signatures.size() == kMaxSignatures)
      return Malformed("签名过多", "too many signatures");
    out.signatures.push_back({std::string(name), ReadBigEndian32(*blob), blob->substr(4)});
  }
  return out;
}

Result<SignedNote> OpenNote(std::string_view note, const std::vector<NoteVerifier>& verifiers) {
  auto parsed = ParseNote(note);
  if (!parsed.ok()) return parsed.status();
  SignedNote out;
  out.text = std::move(parsed->text);
  std::vector<uint32_t> hashes;
  for (const NoteVerifier& v : verifiers) hashes.push_back(NoteKeyHash(v.name, v.public_key));
  std::set<std::pair<std::string, uint32_t>> seen;
  for (NoteSignature& sig : parsed->signatures) {
    const NoteVerifier* verifier = nullptr;
    for (size_t i = 0; i < verifiers.size() && !verifier; ++i)
      if (verifiers[i].name == sig.name && hashes[i] == sig.key_hash) verifier = &verifiers[i];
    if (!verifier) {
      auto same = [&](const NoteSignature& u) {
        return u.name == sig.name && u.key_hash == sig.key_hash && u.signature == sig.signature;
      };
      if (std::none_of(out.unverified.begin(), out.unverified.end(), same))
        out.unverified.push_back(std::move(sig));
      continue;
    }
    // One signature per key counts; a repeated one is dropped like golang.org/x/mod's note.
    if (!seen.emplace(sig.name, sig.key_hash).second) continue;
    if (sig.signature.size() != 64 || !Ed25519Verify(verifier->public_key, out.text, sig.signature))
      return Status::Invalid("签名注记中密钥 " + sig.name + " 的签名无法验证",
                             "the signature by key " + sig.name + " does not verify")
          .with_reason("note-bad-signature");
    out.signatures.push_back(std::move(sig));
  }
  if (out.signatures.empty())
    return Status::Invalid("签名注记没有已知密钥的签名", "the note has no signature by a known key")
        .with_reason("note-unverified");
  return out;
}

Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  if (!IsValidCheckpointLine(checkpoint.origin))
    return BadCheckpoint("来源行须非空、单行、无控制字符",
                         "origin must be one non-empty line without control characters");
  if (checkpoint.root.size() != merkle::kHashSize)
    return BadCheckpoint("根哈希须为 32 字节", "root hash must be 32 bytes");
  std::string body = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                     Base64Encode(checkpoint.root) + "\n";
  for (const std::string& ext : checkpoint.extensions) {
    if (!IsValidCheckpointLine(ext))
      return BadCheckpoint("扩展行须非空、单行", "extension lines must be single non-empty lines");
    body += ext + "\n";
  }
  return body;
}

Result<Checkpoint> ParseCheckpoint(std::string_view body) {
  if (body.empty() || body.back() != '\n' || !IsValidNoteText(body))
    return BadCheckpoint("须为以换行结尾的 UTF-8 文本", "must be UTF-8 text ending in a newline");
  std::vector<std::string_view> lines;
  for (std::string_view rest = body; !rest.empty();) {
    const size_t eol = rest.find('\n');
    lines.push_back(rest.substr(0, eol));
    rest.remove_prefix(eol + 1);
  }
  if (lines.size() < 3) return BadCheckpoint("少于三行", "fewer than three lines");
  Checkpoint out;
  if (lines[0].empty()) return BadCheckpoint("来源行为空", "empty origin line");
  out.origin = std::string(lines[0]);
  // Tree size: ASCII decimal, no sign, no leading zeros (tlog-checkpoint §Note text).
  const std::string_view size = lines[1];
  const bool digits = !size.empty() && std::all_of(size.begin(), size.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), out.size);
  if (!digits || (size.size() > 1 && size[0] == '0') || ec != std::errc() ||
      end != size.data() + size.size())
    return BadCheckpoint("树大小不是规范的十进制数", "tree size is not a canonical decimal");
  auto root = Base64Decode(lines[2]);
  if (!root || root->size() != merkle::kHashSize)
    return BadCheckpoint("根哈希不是 32 字节的 base64", "root hash is not base64 of 32 bytes");
  out.root = std::move(*root);
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return BadCheckpoint("扩展行为空", "empty extension line");
    out.extensions.emplace_back(lines[i]);
  }
  return out;
}

}  // namespace agritrace
