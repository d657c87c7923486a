// agritrace verify: checks a signed lot record, or an offline-signed label, with only the
// registry's public key.
#include "agritrace/labeler/code_parser.h"
#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/lot_code.h"
#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {

// --label: an offline-signed label's QR text, checked with the public key alone. The signature
// covers the origin the label points at; `expected_base` (--origin), when given, must be it.
void VerifyLabel(Context& ctx, const std::string& text, const std::string& pem,
                 const std::string& expected_base) {
  auto parsed = labeler::ParseCode(text);
  if (!parsed.ok()) return ctx.Fail(parsed.status());
  if (parsed->kind != labeler::CodeKind::kOfflineSigned)
    return ctx.Fail(Status::Invalid("这不是离线签名标签（应为「…/S/批次码.序号.密钥编号.签名」）；普通追溯码请扫码在线验证",
                                    "not an offline-signed label ('…/S/LOT.SERIAL.KID.SIG'); check other codes online")
                        .with_reason("not-offline-signed"));
  auto pub = Ed25519PublicKeyFromPem(pem);
  if (!pub.ok()) return ctx.Fail(pub.status());
  const labeler::OfflineLabel& label = parsed->offline;
  const std::string expected = expected_base.empty() ? "" : labeler::LabelOrigin(expected_base);
  if (!expected.empty() && !label.origin.empty() && expected != label.origin)
    return ctx.Fail(Status::Invalid("标签指向 " + label.origin + "，不是要求的 " + expected +
                                        "；这张标签不是该登记库的，谨防假冒",
                                    "the label points at " + label.origin + ", not the expected " +
                                        expected + "; it is not that registry's label, beware")
                        .with_reason("origin-mismatch"));
  const std::string origin = label.origin.empty() ? expected : label.origin;
  if (origin.empty())
    return ctx.Fail(Status::Invalid("只给了 /S/ 之后的部分：请给出完整的二维码网址，或用 --origin 给出登记库网址",
                                    "only the part after /S/ was given: give the whole QR URL, or the "
                                    "registry's address with --origin")
                        .with_reason("origin-missing"));
  if (KeyId(*pub) != label.kid)
    return ctx.Fail(Status::Invalid("标签由密钥 " + label.kid + " 签名，给出的公钥是 " + KeyId(*pub) +
                                        "；请用 key export --kid " + label.kid + " 导出的公钥",
                                    "the label is signed by key " + label.kid + ", the public key given is " +
                                        KeyId(*pub) + "; export that one with agritrace key export --kid " +
                                        label.kid)
                        .with_reason("key-mismatch"));
  switch (labeler::CheckOfflineLabel(label, origin, *pub)) {
    case labeler::LabelCheck::kValid:
      break;
    case labeler::LabelCheck::kUnbound:
      return ctx.Fail(Status::Invalid("标签用旧格式（v1）签名，未绑定登记库网址，可被复制到任何网站，不予认可；请重新打印标签",
                                      "the label is signed in the old v1 format, which binds no registry "
                                      "address and could be copied to any site, so it is refused; reprint it")
                          .with_reason("label-unbound"));
    case labeler::LabelCheck::kInvalid:
      return ctx.Fail(Status::Invalid("签名无效：标签不是 " + origin + " 的登记库签发的，或被改动过，谨防假冒",
                                      "signature INVALID: the label was not issued by the registry at " +
                                          origin + " or was altered")
                          .with_reason("signature-invalid"));
  }
  Json out = {{"valid", true}, {"kid", label.kid}, {"code", label.lot_code},
              {"serial", label.serial}, {"origin", origin}};
  ctx.Print(out, "签名有效 / signature valid: " + origin + " 批次 lot " +
                     labeler::FormatLotCode(label.lot_code) + " 序号 serial " +
                     std::to_string(label.serial) + " (kid " + label.kid + ")");
}

}  // namespace

void RegisterVerifyCommands(CLI::App& app, Context& ctx) {
  auto* verify = app.add_subcommand("verify", "离线验证批次记录或离线签名标签的签名 / verify a lot record's or an offline-signed label's signature offline");
  static std::string record_file, signature, pubkey_file, label_text, origin;
  auto* record_opt = verify->add_option("--record", record_file,
                     "记录文件：签名的记录 JSON，或 lot show --json 的输出 / the record JSON or lot show --json output");
  auto* signature_opt = verify->add_option("--signature", signature,
                     "签名：base64url 文本，或含签名的文件（文本或 64 字节原始签名） / base64url text or a file");
  auto* label_opt = verify->add_option("--label", label_text,
                     "离线签名标签的二维码内容（label print --offline-signed） / an offline-signed label's QR text");
  record_opt->needs(signature_opt);
  signature_opt->needs(record_opt);
  label_opt->excludes(record_opt)->excludes(signature_opt);
  verify->add_option("--origin,--base", origin,
                     "与 --label 同用：登记库网址，标签必须指向它 / with --label: the registry's address the label must point at")
      ->needs(label_opt);
  verify->add_option("--pubkey", pubkey_file, "登记库公钥 PEM 文件（key export 导出） / public key PEM")->required();
  verify->callback([&ctx, label_opt, record_opt] {
    ctx.Run([&] {
      if (!*label_opt && !*record_opt)
        return ctx.Fail(Status::Invalid("请给出 --record 和 --signature，或 --label",
                                        "give --record and --signature, or --label"));
      if (*label_opt) {
        auto pem = ReadInputFile(pubkey_file);
        if (!pem.ok()) return ctx.Fail(pem.status());
        return VerifyLabel(ctx, label_text, *pem, origin);
      }
      auto text = ReadInputFile(record_file);
      if (!text.ok()) return ctx.Fail(text.status());
      Json doc = Json::parse(*text, nullptr, false);
      if (doc.is_discarded() || !doc.is_object())
        return ctx.Fail(Status::Invalid("记录文件不是 JSON 对象：" + record_file, "the record file is not a JSON object: " + record_file));
      const Json& record = doc.contains("record") && doc["record"].is_object() ? doc["record"] : doc;
      auto canonical = CanonicalJson(record);
      if (!canonical.ok()) return ctx.Fail(canonical.status());

      std::string sig_text = signature;
      if (auto file = ReadInputFile(signature); file.ok()) sig_text = *file;
      std::optional<std::string> sig;
      if (sig_text.size() == 64) sig = sig_text;  // raw bytes
      if (!sig) {
        while (!sig_text.empty() && (sig_text.back() == '\n' || sig_text.back() == '\r' || sig_text.back() == '=')) sig_text.pop_back();
        sig = Base64UrlDecode(sig_text);
      }
      if (!sig || sig->size() != 64)
        return ctx.Fail(Status::Invalid("签名格式不对：应为 86 个字符的 base64url 或 64 字节文件",
                                        "the signature must be 86 base64url characters or a 64-byte file"));
      auto pem = ReadInputFile(pubkey_file);
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
