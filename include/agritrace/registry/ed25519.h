// Ed25519 keys, signatures and key ids through OpenSSL 3 EVP (DESIGN.md §6). Every OpenSSL
// handle is owned by a unique_ptr with its free function.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace agritrace {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* k) const;
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

class Ed25519PrivateKey {
 public:
  static Result<Ed25519PrivateKey> Generate();
  // Reads a PEM private key. Refuses a file that group or others can read (mode & 077).
  static Result<Ed25519PrivateKey> LoadPem(const std::string& path);
  // Writes the PEM with mode 0600; refuses to overwrite an existing file.
  Status SavePem(const std::string& path) const;

  std::string Sign(std::string_view message) const;  // 64 raw bytes
  std::string RawPublicKey() const;                  // 32 raw bytes
  std::string PublicKeyPem() const;

 private:
  explicit Ed25519PrivateKey(EvpPkeyPtr k) : key_(std::move(k)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// Verifies a raw 64-byte signature against a raw 32-byte public key.
bool Ed25519Verify(std::string_view raw_public_key, std::string_view message,
                   std::string_view signature);
// Raw 32-byte key from a PEM "PUBLIC KEY" block.
Result<std::string> Ed25519PublicKeyFromPem(std::string_view pem);
std::string Ed25519PublicKeyToPem(std::string_view raw_public_key);

// Key id: hex of the first 8 bytes of SHA-256 over the raw public key.
std::string KeyId(std::string_view raw_public_key);

}  // namespace agritrace
