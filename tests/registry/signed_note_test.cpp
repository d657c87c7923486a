// C2SP signed-note and tlog-checkpoint: byte-for-byte agreement with golang.org/x/mod's note
// package and the signed-note spec's example, golden checkpoint text, and rejection of wrong
// keys, edited bodies and malformed notes.
#include "agritrace/registry/signed_note.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"

namespace agritrace {
namespace {

// golang.org/x/mod/sumdb/note's example key "PeterNeumann" (example_test.go), so our
// signatures can be compared with Go's; see testdata/README.md.
constexpr const char* kPeterVkey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kPeterText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr const char* kPeterNote =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

// LoadPem refuses a key others can read, and git does not keep mode 0600: load a private copy.
Ed25519PrivateKey PeterKey() {
  std::ifstream in(AGRITRACE_SOURCE_DIR "/tests/registry/testdata/golang_note_example_ed25519.pem");
  const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(!pem.empty());
  char dir_template[] = "/tmp/agritrace-note-XXXXXX";
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

NoteVerifier PeterVerifier() { return ParseVerifierKey(kPeterVkey).value(); }

TEST_CASE("Verifier keys round-trip and match golang.org/x/mod's", "[checkpoint]") {
  auto v = ParseVerifierKey(kPeterVkey);
  REQUIRE(v.ok());
  CHECK(v->name == "PeterNeumann");
  CHECK(v->public_key == PeterKey().RawPublicKey());
  CHECK(NoteKeyHash(v->name, v->public_key) == 0xc74f20a3u);
  CHECK(FormatVerifierKey(*v) == kPeterVkey);
  // Key hash = SHA-256(name || 0x0A || 0x01 || key)[:4], spelled out.
  std::string input = "PeterNeumann\n\x01" + v->public_key;
  CHECK(HexEncode(Sha256(input).substr(0, 4)) == "c74f20a3");
  // The signed-note spec's own example key.
  auto example =
      ParseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  REQUIRE(example.ok());
  CHECK(example->name == "example.com/foo");
  // Manglings are refused.
  const std::string vkey = kPeterVkey;
  CHECK_FALSE(
      ParseVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  CHECK_FALSE(
      ParseVerifierKey("PeterNeumanm+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  CHECK_FALSE(
      ParseVerifierKey("PeterNeumann+c74f20a3+AhpC2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  CHECK_FALSE(
      ParseVerifierKey("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  CHECK_FALSE(ParseVerifierKey(vkey.substr(0, vkey.size() - 4)).ok());
  CHECK_FALSE(ParseVerifierKey(vkey + "AAAA").ok());
  CHECK_FALSE(
      ParseVerifierKey("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  CHECK_FALSE(ParseVerifierKey("").ok());
}

TEST_CASE("Signed notes are byte-identical to golang.org/x/mod/sumdb/note", "[checkpoint]") {
  auto note = SignNote(kPeterText, "PeterNeumann", PeterKey());
  REQUIRE(note.ok());
  CHECK(*note == kPeterNote);
  auto opened = OpenNote(kPeterNote, {PeterVerifier()});
  REQUIRE(opened.ok());
  CHECK(opened->text == kPeterText);
  REQUIRE(opened->signatures.size() == 1);
  CHECK(opened->signatures[0].name == "PeterNeumann");
  CHECK(opened->signatures[0].key_hash == 0xc74f20a3u);
  CHECK(opened->unverified.empty());
  // The signed-note spec's example.
  auto example =
      ParseVerifierKey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  auto spec = OpenNote(
      "This is an example message.\n\n\xE2\x80\x94 example.com/foo "
      "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
      "\n",
      {*example});
  REQUIRE(spec.ok());
  CHECK(spec->text == "This is an example message.\n");
}

TEST_CASE("Checkpoint golden text: layout, key hash and signature", "[checkpoint]") {
  // RFC 6962 reference tree of 8 leaves, signed with the PeterNeumann seed under our name;
  // the expected bytes were produced independently with Python's `cryptography`.
  const std::string root =
      HexDecode("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328").value();
  auto body = FormatCheckpoint({"trace.test.example", 8, root, {}});
  REQUIRE(body.ok());
  CHECK(*body == "trace.test.example\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n");
  auto note = SignNote(*body, "trace.test.example", PeterKey());
  REQUIRE(note.ok());
  CHECK(*note ==
        "trace.test.example\n"
        "8\n"
        "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
        "\n"
        "\xE2\x80\x94 trace.test.example "
        "5DlwsoX9j7aGlNW2jKA5X36NWvVXuZQBPlm3qNo36mCJBcWd1eNmu847jVVju5nNZF6NBd2qiUE29KSmr+LiULVV+"
        "gM=\n");
  const NoteVerifier ours{"trace.test.example", PeterKey().RawPublicKey()};
  CHECK(NoteKeyHash(ours.name, ours.public_key) == 0xe43970b2u);
  CHECK(FormatVerifierKey(ours) ==
        "trace.test.example+e43970b2+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  auto opened = OpenNote(*note, {ours});
  REQUIRE(opened.ok());
  auto cp = ParseCheckpoint(opened->text);
  REQUIRE(cp.ok());
  CHECK(cp->origin == "trace.test.example");
  CHECK(cp->size == 8);
  CHECK(cp->root == root);
  CHECK(cp->extensions.empty());
}

TEST_CASE("A signed note round-trips and rejects wrong keys and edits", "[checkpoint]") {
  auto key = Ed25519PrivateKey::Generate().value();
  const NoteVerifier v{"trace.test.example", key.RawPublicKey()};
  const std::string body = "trace.test.example\n3\n" + Base64Encode(std::string(32, 'r')) + "\n";
  const std::string note = SignNote(body, v.name, key).value();
  REQUIRE(OpenNote(note, {v}).ok());

  SECTION("another key of the same name is unknown") {
    auto other = Ed25519PrivateKey::Generate().value();
    auto s = OpenNote(note, {{v.name, other.RawPublicKey()}});
    CHECK(s.status().reason() == "note-unverified");
  }
  SECTION("no keys at all") { CHECK(OpenNote(note, {}).status().reason() == "note-unverified"); }
  SECTION("the same key under another name is unknown") {
    CHECK(OpenNote(note, {{"other.example", v.public_key}}).status().reason() == "note-unverified");
  }
  SECTION("an edited body") {
    std::string edited = note;
    edited.replace(edited.find("\n3\n"), 3, "\n4\n");
    CHECK(OpenNote(edited, {v}).status().reason() == "note-bad-signature");
  }
  SECTION("a flipped signature byte") {
    const std::string line = note.substr(body.size() + 1);
    const std::string b64 = line.substr(line.rfind(' ') + 1, line.size() - line.rfind(' ') - 2);
    std::string blob = Base64Decode(b64).value();
    blob[10] = static_cast<char>(blob[10] ^ 1);
    std::string forged = note;
    forged.replace(forged.find(b64), b64.size(), Base64Encode(blob));
    CHECK(OpenNote(forged, {v}).status().reason() == "note-bad-signature");
  }
  SECTION("a truncated signature") {
    std::string forged = body + "\n\xE2\x80\x94 " + v.name + " " +
                         Base64Encode(Base64Decode(note.substr(note.rfind(' ') + 1,
                                                               note.size() - note.rfind(' ') - 2))
                                          ->substr(0, 40)) +
                         "\n";
    CHECK(OpenNote(forged, {v}).status().reason() == "note-bad-signature");
  }
  SECTION("a second signer is kept apart") {
    auto other = Ed25519PrivateKey::Generate().value();
    std::string cosigned = SignNote(body, "witness.example", other).value();
    std::string both = note + cosigned.substr(body.size() + 1);
    auto opened = OpenNote(both, {v});
    REQUIRE(opened.ok());
    CHECK(opened->signatures.size() == 1);
    REQUIRE(opened->unverified.size() == 1);
    CHECK(opened->unverified[0].name == "witness.example");
    auto by_both = OpenNote(both, {v, {"witness.example", other.RawPublicKey()}});
    REQUIRE(by_both.ok());
    CHECK(by_both->signatures.size() == 2);
  }
}

TEST_CASE("Malformed notes are rejected", "[checkpoint]") {
  const NoteVerifier v = PeterVerifier();
  const std::string good = kPeterNote;
  const std::string sig_line = good.substr(good.find("\xE2\x80\x94"));
  auto malformed = [&](const std::string& note) {
    auto parsed = ParseNote(note);
    INFO(note);
    CHECK(parsed.status().reason() == "note-malformed");
    CHECK(OpenNote(note, {v}).status().reason() == "note-malformed");
  };
  malformed("");
  malformed(kPeterText);                                             // no signatures
  malformed(std::string(kPeterText) + "\n");                         // blank line, no signatures
  malformed(good.substr(0, good.size() - 1));                        // last line without newline
  malformed(std::string(kPeterText) + sig_line);                     // no blank line
  malformed(std::string(kPeterText) + "\n- " + sig_line.substr(4));  // ASCII dash
  malformed(std::string(kPeterText) + "\n\xE2\x80\x94" + sig_line.substr(4));  // no space
  malformed(std::string(kPeterText) + "\n\xE2\x80\x94 PeterNeumann\n");        // no signature
  malformed(std::string(kPeterText) + "\n\xE2\x80\x94 PeterNeumann A*AA\n");   // bad base64
  malformed(std::string(kPeterText) + "\n\xE2\x80\x94 PeterNeumann AAAA\n");   // < 5 bytes
  malformed(std::string(kPeterText) + "\n\xE2\x80\x94 Peter+Neumann " +
            sig_line.substr(sig_line.rfind(' ') + 1));          // '+' in the name
  malformed(std::string(kPeterText) + "\n" + sig_line + "\n");  // blank line after signatures
  malformed("tab\there\n\n" + sig_line);                        // control character
  malformed("bad \xFF utf-8\n\n" + sig_line);                   // invalid UTF-8
  std::string many = kPeterText + std::string("\n");
  for (int i = 0; i < 101; ++i) many += sig_line;
  malformed(many);
  // Duplicates of one good signature are fine.
  CHECK(OpenNote(std::string(kPeterText) + "\n" + sig_line + sig_line, {v}).ok());
}

TEST_CASE("SignNote refuses text that could not be parsed back", "[checkpoint]") {
  auto key = Ed25519PrivateKey::Generate().value();
  CHECK_FALSE(SignNote("", "a", key).ok());
  CHECK_FALSE(SignNote("no final newline", "a", key).ok());
  CHECK_FALSE(SignNote("nul\x01\n", "a", key).ok());
  CHECK_FALSE(SignNote("ok\n", "", key).ok());
  CHECK_FALSE(SignNote("ok\n", "a b", key).ok());
  CHECK_FALSE(SignNote("ok\n", "a+b", key).ok());
  CHECK_FALSE(SignNote("ok\n",
                       "a\xE3\x80\x80"
                       "b",
                       key)
                  .ok());  // ideographic space
  CHECK(SignNote("ok\n", "白沙.example", key).ok());
}

TEST_CASE("Checkpoint bodies are parsed strictly", "[checkpoint]") {
  const std::string root = Base64Encode(std::string(32, '\x07'));
  auto parsed = ParseCheckpoint("o.example/log\n0\n" + root + "\n");
  REQUIRE(parsed.ok());
  CHECK(parsed->size == 0);
  auto ext = ParseCheckpoint("o.example\n18446744073709551615\n" + root + "\nTimestamp: 1\n");
  REQUIRE(ext.ok());
  CHECK(ext->size == UINT64_MAX);
  CHECK(ext->extensions == std::vector<std::string>{"Timestamp: 1"});
  CHECK(FormatCheckpoint(*ext).value() ==
        "o.example\n18446744073709551615\n" + root + "\nTimestamp: 1\n");

  for (const std::string& bad : {
           std::string("o.example\n1\n") + root,                            // no final newline
           std::string("\n1\n") + root + "\n",                              // empty origin
           std::string("o.example\n01\n") + root + "\n",                    // leading zero
           std::string("o.example\n+1\n") + root + "\n",                    // sign
           std::string("o.example\n 1\n") + root + "\n",                    // space
           std::string("o.example\n18446744073709551616\n") + root + "\n",  // overflow
           std::string("o.example\n1\n") + root.substr(4) + "\n",           // short root
           std::string("o.example\n1\n") + Base64Encode(std::string(33, 'x')) + "\n",
           std::string("o.example\n1\n") + root + "\n\n",  // empty extension line
           std::string("o.example\n1\n"),                  // no root
       }) {
    INFO(bad);
    CHECK(ParseCheckpoint(bad).status().reason() == "checkpoint-malformed");
  }
  CHECK_FALSE(FormatCheckpoint({"", 1, std::string(32, 'x'), {}}).ok());
  CHECK_FALSE(FormatCheckpoint({"a\nb", 1, std::string(32, 'x'), {}}).ok());
  CHECK_FALSE(FormatCheckpoint({"a", 1, std::string(31, 'x'), {}}).ok());
  CHECK_FALSE(FormatCheckpoint({"a", 1, std::string(32, 'x'), {""}}).ok());
}

TEST_CASE("Randomly mutated notes, checkpoints and keys never crash and never verify",
          "[checkpoint]") {
  std::mt19937 rng(20261122);
  const NoteVerifier v = PeterVerifier();
  const std::string checkpoint =
      "trace.test.example\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
  auto mutate = [&](std::string s) {
    for (unsigned edits = 1 + rng() % 3; edits > 0; --edits) {
      const size_t pos = rng() % (s.size() + 1);
      const char c = static_cast<char>(rng() % 4 == 0 ? "\n \xE2+="[rng() % 5] : rng());
      switch (rng() % 3) {
        case 0:
          if (pos < s.size()) s[pos] = c;
          break;
        case 1:
          s.insert(pos, 1, c);
          break;
        default:
          if (pos < s.size()) s.erase(pos, 1);
      }
    }
    return s;
  };
  int verified = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string note = mutate(kPeterNote);
    auto opened = OpenNote(note, {v});
    if (opened.ok()) {
      // Only an edit that leaves the signed text and a valid signature intact may pass.
      CHECK(opened->text == kPeterText);
      ++verified;
    }
    (void)ParseNote(note);
    if (auto cp = ParseCheckpoint(mutate(checkpoint)); cp.ok()) CHECK(cp->root.size() == 32);
    if (auto key = ParseVerifierKey(mutate(kPeterVkey)); key.ok()) {
      CHECK(key->name == v.name);
      CHECK(key->public_key == v.public_key);
    }
  }
  CHECK(verified < 200);
}

}  // namespace
}  // namespace agritrace
