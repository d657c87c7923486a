// agritrace verify: checks a signed lot record offline, with only the registry's public key.
#include <fstream>
#include <sstream>

#include "cli/context.h"
#include "registry/ed25519.h"
#include "registry/encoding.h"

namespace agritrace::cli {
namespace {
Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("无法读取文件 " + path, "cannot read file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

void RegisterVerifyCommands(CLI::App& app, Context& ctx) {
  auto* verify = app.add_subcommand("verify", "离线验证批次记录的签名 / verify a lot record's signature offline");
  static std::string record_file, signature, pubkey_file;
  verify->add_option("--record", record_file,
                     "记录文件：签名的记录 JSON，或 lot show --json 的输出 / the record JSON or lot show --json output")->required();
  verify->add_option("--signature", signature,
                     "签名：base64url 文本，或含签名的文件（文本或 64 字节原始签名） / base64url text or a file")->required();
  verify->add_option("--pubkey", pubkey_file, "登记库公钥 PEM 文件（key export 导出） / public key PEM")->required();
  verify->callback([&ctx] {
    ctx.Run([&] {
      auto text = ReadFile(record_file);
      if (!text.ok()) return ctx.Fail(text.status());
      Json doc = Json::parse(*text, nullptr, false);
      if (doc.is_discarded() || !doc.is_object())
        return ctx.Fail(Status::Invalid("记录文件不是 JSON 对象：" + record_file, "the record file is not a JSON object: " + record_file));
      const Json& record = doc.contains("record") && doc["record"].is_object() ? doc["record"] : doc;
      auto canonical = CanonicalJson(record);
      if (!canonical.ok()) return ctx.Fail(canonical.status());

      std::string sig_text = signature;
      if (auto file = ReadFile(signature); file.ok()) sig_text = *file;
      std::optional<std::string> sig;
      if (sig_text.size() == 64) sig = sig_text;  // raw bytes
      if (!sig) {
        while (!sig_text.empty() && (sig_text.back() == '\n' || sig_text.back() == '\r' || sig_text.back() == '=')) sig_text.pop_back();
        sig = Base64UrlDecode(sig_text);
      }
      if (!sig || sig->size() != 64)
        return ctx.Fail(Status::Invalid("签名格式不对：应为 86 个字符的 base64url 或 64 字节文件",
                                        "the signature must be 86 base64url characters or a 64-byte file"));
      auto pem = ReadFile(pubkey_file);
      if (!pem.ok()) return ctx.Fail(pem.status());
      auto pub = Ed25519PublicKeyFromPem(*pem);
      if (!pub.ok()) return ctx.Fail(pub.status());
      bool ok = Ed25519Verify(*pub, *canonical, *sig);
      Json out = {{"valid", ok}, {"kid", KeyId(*pub)}};
      if (record.contains("code")) out["code"] = record["code"];
      if (!ok)
        return ctx.Fail(Status::Invalid("签名无效：记录被改动过，或不是这把公钥签的",
                                        "signature INVALID: the record was altered or signed by another key")
                            .with_reason("signature-invalid"));
      ctx.Print(out, "签名有效 / signature valid (kid " + KeyId(*pub) + ")");
    });
  });
}

}  // namespace agritrace::cli
