// Ed25519 signing, key files, encodings and the Crockford/Luhn check character.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "agritrace/registry/crockford.h"
#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "tests/support/process.h"

using namespace agritrace;
using agritrace::testing::TempDir;

TEST_CASE("Ed25519 signatures verify and one changed byte fails", "[crypto]") {
  auto key = Ed25519PrivateKey::Generate();
  REQUIRE(key.ok());
  std::string msg = R"({"code":"AN2TNVPFV0","units":100})";
  std::string sig = key->Sign(msg);
  REQUIRE(sig.size() == 64);
  CHECK(Ed25519Verify(key->RawPublicKey(), msg, sig));
  for (size_t i = 0; i < msg.size(); ++i) {
    std::string tampered = msg;
    tampered[i] ^= 1;
    CHECK_FALSE(Ed25519Verify(key->RawPublicKey(), tampered, sig));
  }
  std::string bad_sig = sig;
  bad_sig[10] ^= 0x80;
  CHECK_FALSE(Ed25519Verify(key->RawPublicKey(), msg, bad_sig));
  auto other = Ed25519PrivateKey::Generate();
  CHECK_FALSE(Ed25519Verify(other->RawPublicKey(), msg, sig));
  CHECK(KeyId(key->RawPublicKey()).size() == 16);
  CHECK(*Ed25519PublicKeyFromPem(key->PublicKeyPem()) == key->RawPublicKey());
}

TEST_CASE("private key files are 0600 and readable-by-others files are refused", "[crypto]") {
  TempDir dir;
  auto key = Ed25519PrivateKey::Generate();
  std::string path = dir / "k.pem";
  REQUIRE(key->SavePem(path).ok());
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(key->SavePem(path).ok());  // never overwrites a key
  auto loaded = Ed25519PrivateKey::LoadPem(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->RawPublicKey() == key->RawPublicKey());
  chmod(path.c_str(), 0644);
  auto refused = Ed25519PrivateKey::LoadPem(path);
  CHECK(refused.status().code() == StatusCode::kInvalid);
  CHECK(refused.status().zh().find("chmod 600") != std::string::npos);
}

TEST_CASE("base64, base64url and hex round-trip and reject garbage", "[crypto]") {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\x10", 3)}) {
    CHECK(*Base64Decode(Base64Encode(s)) == s);
    CHECK(*Base64UrlDecode(Base64UrlEncode(s)) == s);
    CHECK(*HexDecode(HexEncode(s)) == s);
  }
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
  CHECK_FALSE(Base64Decode("Zm8").has_value());
  CHECK_FALSE(Base64Decode("Zm9=").has_value());  // non-canonical trailing bits
  CHECK_FALSE(Base64UrlDecode("a+b").has_value());
  CHECK_FALSE(HexDecode("zz").has_value());
  CHECK(HexEncode(Sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("Luhn mod 32 catches every single-character substitution", "[crypto]") {
  for (int trial = 0; trial < 50; ++trial) {
    std::string payload = crockford::Random(15);
    std::string code = payload + crockford::CheckChar(payload);
    REQUIRE(crockford::CheckValid(code));
    for (size_t i = 0; i < code.size(); ++i)
      for (char c : crockford::kAlphabet) {
        if (c == code[i]) continue;
        std::string typo = code;
        typo[i] = c;
        CHECK_FALSE(crockford::CheckValid(typo));
      }
  }
  CHECK(crockford::Normalize("abcd-efgh ijkl-mnop") == "ABCDEFGH1JK1MN0P");
  CHECK(crockford::Group("ABCDEFGHJK", 5) == "ABCDE-FGHJK");
}
