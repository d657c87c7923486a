// agritrace token create|list|revoke
#include "agritrace/registry/tokens.h"
#include "cli/context.h"

namespace agritrace::cli {

void RegisterTokenCommands(CLI::App& app, Context& ctx) {
  auto* token = app.add_subcommand("token", "API 令牌 / API tokens");
  token->require_subcommand(1);
  auto* create = token->add_subcommand("create", "新建令牌（只显示一次） / create a token (shown once)");
  static TokenInput in;
  create->add_option("--role", in.role, "bureau（农业农村局）|cooperative（合作社）")->required();
  create->add_option("--org", in.org_id, "合作社令牌所属主体编号 / organisation id for a cooperative token");
  create->add_option("--name", in.name, "用途说明 / what the token is for")->required();
  create->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = CreateToken(*store, in);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(*r, r->secret +
                        "\n请立即保存此令牌，之后无法再次查看 / save this token now: it is not shown again");
    });
  });
  token->add_subcommand("list", "列出令牌（不含密钥） / list tokens (no secrets)")->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      const std::vector<Token> all = ListTokens(*store);
      std::string human;
      for (const Token& t : all)
        human += std::to_string(t.id) + "  " + t.role + "  " + t.name +
                 (t.revoked_at ? "  已吊销 revoked" : "") + "\n";
      ctx.Print(all, human.empty() ? "还没有令牌 / no tokens" : human);
    });
  });
  auto* revoke = token->add_subcommand("revoke", "吊销令牌 / revoke a token");
  static int64_t id = 0;
  revoke->add_option("ID", id, "令牌编号 / token id")->required();
  revoke->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = RevokeToken(*store, id);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(*r, "已吊销令牌 / revoked token " + std::to_string(id));
    });
  });
}

}  // namespace agritrace::cli
