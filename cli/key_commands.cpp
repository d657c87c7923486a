// agritrace key rotate|list|export
#include <iostream>

#include "agritrace/registry/encoding.h"
#include "agritrace/registry/key_ring.h"
#include "cli/context.h"

namespace agritrace::cli {

void RegisterKeyCommands(CLI::App& app, Context& ctx) {
  auto* key = app.add_subcommand("key", "签名密钥 / signing keys");
  key->require_subcommand(1);

  key->add_subcommand("rotate", "换用新的签名密钥，旧密钥仍可验签 / make a new current key; old ones still verify")
      ->callback([&ctx] {
        ctx.Run([&] {
          auto store = ctx.Open();
          if (!store) return;
          NewSigningKey k;
          Status s = store->Transact([&]() -> Status {
            auto r = CreateSigningKey(*store);
            if (!r.ok()) return r.status();
            k = *r;
            return Status::Ok();
          });
          if (!s.ok()) return ctx.Fail(s);
          ctx.Print(Json(k), "新签名密钥 / new signing key: " + k.kid);
        });
      });

  key->add_subcommand("list", "列出签名密钥 / list signing keys")->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      const std::vector<ListedSigningKey> keys = ListSigningKeys(*store);
      std::string human;
      for (const auto& k : keys)
        human += k.kid + "  " + k.created_at +
                 (k.current() ? "  当前 current" : "  已停用 retired " + *k.retired_at) + "\n";
      ctx.Print(Json(keys), human);
    });
  });

  auto* exp = key->add_subcommand("export", "输出公钥（PEM） / print a public key as PEM");
  static std::string kid;
  exp->add_option("--kid", kid, "密钥编号，默认当前密钥 / key id, default the current one");
  exp->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      std::string id = kid;
      if (id.empty()) {
        for (const auto& k : ListSigningKeys(*store))
          if (k.current()) id = k.kid;
      }
      auto raw = PublicKeyOf(*store, id);
      if (!raw.ok()) return ctx.Fail(raw.status());
      std::string pem = Ed25519PublicKeyToPem(*raw);
      ctx.Print({{"kid", id}, {"public_key_pem", pem}, {"public_key", Base64Encode(*raw)}}, pem);
    });
  });
}

}  // namespace agritrace::cli
