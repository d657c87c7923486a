#include "agritrace/registry/ed25519.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "agritrace/registry/encoding.h"

namespace agritrace {

void EvpPkeyFree::operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }

namespace {
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::string BioString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}
}  // namespace

Result<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!k) return Status::Io("无法生成 Ed25519 密钥", "cannot generate an Ed25519 key");
  return Ed25519PrivateKey(EvpPkeyPtr(k));
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::LoadPem(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    return Status::NotFound("找不到签名私钥文件 " + path + "，请先运行 agritrace init",
                            "signing key file " + path + " not found; run agritrace init first");
  if (st.st_mode & 077)
    return Status::Invalid("私钥文件 " + path + " 的权限过宽，其他用户可读；请运行 chmod 600 " + path,
                           "key file " + path + " is readable by others; run chmod 600 " + path);
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return Status::Io("无法读取私钥文件 " + path, "cannot read key file " + path);
  EVP_PKEY* k = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  fclose(f);
  if (!k || EVP_PKEY_get_base_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    return Status::Corruption("私钥文件 " + path + " 不是 Ed25519 PEM 私钥",
                              "key file " + path + " is not an Ed25519 PEM private key");
  }
  return Ed25519PrivateKey(EvpPkeyPtr(k));
}

Status Ed25519PrivateKey::SavePem(const std::string& path) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr))
    return Status::Io("无法编码私钥", "cannot encode the private key");
  std::string pem = BioString(bio.get());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::Io("无法创建私钥文件 " + path + "（已存在或目录不可写）",
                      "cannot create key file " + path + " (exists or directory not writable)");
  bool ok = write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
  ok = fsync(fd) == 0 && ok;
  close(fd);
  if (!ok) return Status::Io("写入私钥文件失败 " + path, "failed writing key file " + path);
  return Status::Ok();
}

std::string Ed25519PrivateKey::Sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t len = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1)
    return {};
  return std::string(reinterpret_cast<char*>(sig), len);
}

std::string Ed25519PrivateKey::RawPublicKey() const {
  unsigned char raw[32];
  size_t len = sizeof raw;
  EVP_PKEY_get_raw_public_key(key_.get(), raw, &len);
  return std::string(reinterpret_cast<char*>(raw), len);
}

std::string Ed25519PrivateKey::PublicKeyPem() const { return Ed25519PublicKeyToPem(RawPublicKey()); }

bool Ed25519Verify(std::string_view raw_public_key, std::string_view message,
                   std::string_view signature) {
  if (raw_public_key.size() != 32 || signature.size() != 64) return false;
  EvpPkeyPtr k(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw_public_key.data()),
      raw_public_key.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!k || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, k.get()) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

Result<std::string> Ed25519PublicKeyFromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EvpPkeyPtr k(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!k || EVP_PKEY_get_base_id(k.get()) != EVP_PKEY_ED25519)
    return Status::Invalid("公钥文件不是 Ed25519 PEM 公钥（-----BEGIN PUBLIC KEY-----）",
                           "the public key is not an Ed25519 PEM public key");
  unsigned char raw[32];
  size_t len = sizeof raw;
  EVP_PKEY_get_raw_public_key(k.get(), raw, &len);
  return std::string(reinterpret_cast<char*>(raw), len);
}

std::string Ed25519PublicKeyToPem(std::string_view raw_public_key) {
  EvpPkeyPtr k(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw_public_key.data()),
      raw_public_key.size()));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!k || !PEM_write_bio_PUBKEY(bio.get(), k.get())) return {};
  return BioString(bio.get());
}

std::string KeyId(std::string_view raw_public_key) {
  return HexEncode(Sha256(raw_public_key).substr(0, 8));
}

}  // namespace agritrace
