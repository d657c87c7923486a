// agritrace cert add|revoke|suspend|reinstate|list|show
#include "agritrace/registry/certifications.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {
std::string Line(const Certification& c) {
  std::string s = c.number + "  " + c.type + "  " + c.status + "  " + c.valid_from + " ~ " +
                  c.valid_to.value_or("长期 open-ended");
  if (c.expired.value_or(false)) s += "  已过期 expired";
  return s;
}
}  // namespace

void RegisterCertCommands(CLI::App& app, Context& ctx) {
  auto* cert = app.add_subcommand("cert", "认证证书（三品一标、SC） / certifications");
  cert->require_subcommand(1);

  auto* add = cert->add_subcommand("add", "登记证书 / register a certification");
  static CertificationInput in;
  add->add_option("--type", in.type, "green-food|organic|geographic-indication|pollution-free|sc-license")->required();
  add->add_option("--number", in.number, "证书编号 / certificate number")->required();
  add->add_option("--issuer", in.issuer, "发证机构 / issuing body")->required();
  add->add_option("--holder", in.holder, "持证主体编号 / holder organisation id")->required();
  add->add_option("--product", in.products, "覆盖的产品编号，可多个 / covered product ids")->required();
  add->add_option("--valid-from", in.valid_from, "有效期起 YYYY-MM-DD / valid from")->required();
  add->add_option("--valid-to", in.valid_to, "有效期止（默认按类型推算） / valid to (default by type)");
  add->add_option("--annual-output-kg", in.annual_output_kg, "年核定产量（公斤） / certified annual output, kg");
  add->add_option("--area", in.area, "地理标志保护区域（行政区划代码，可多个） / GI protected area");
  add->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = AddCertification(*store, in, "cli");
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已登记证书 / registered certificate " + in.number);
    });
  });

  static std::string number, reason;
  for (const char* action : {"revoke", "suspend", "reinstate"}) {
    const char* help = std::string(action) == "revoke"    ? "撤销证书（不可恢复） / revoke (final)"
                       : std::string(action) == "suspend" ? "暂停证书 / suspend"
                                                          : "恢复暂停的证书 / reinstate a suspended certificate";
    auto* c = cert->add_subcommand(action, help);
    c->add_option("NUMBER", number, "证书编号 / certificate number")->required();
    c->add_option("--reason", reason, "原因 / reason")->required();
    c->callback([&ctx, action] {
      ctx.Run([&] {
        auto store = ctx.Open();
        if (!store) return;
        auto r = ChangeCertificationStatus(*store, number, action, reason, "cli");
        if (!r.ok()) return ctx.Fail(r.status());
        ctx.Print(Json(*r), "证书 " + number + " 现为 / is now " + r->status);
      });
    });
  }

  cert->add_subcommand("list", "列出证书 / list certifications")->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      const std::vector<Certification> all = ListCertifications(*store);
      std::string human;
      for (const auto& c : all) human += Line(c) + "\n";
      if (all.empty()) human = "还没有登记证书 / no certifications yet";
      ctx.Print(Json(all), human);
    });
  });

  auto* show = cert->add_subcommand("show", "查看证书及其批次 / show a certification and its lots");
  show->add_option("NUMBER", number, "证书编号 / certificate number")->required();
  show->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = GetCertification(*store, number);
      if (!r.ok()) return ctx.Fail(r.status());
      const Json shown = *r;
      ctx.Print(shown, Line(*r) + "\n" + shown.dump(2));
    });
  });
}

}  // namespace agritrace::cli
