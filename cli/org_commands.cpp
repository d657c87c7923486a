// agritrace org add
#include "agritrace/registry/organisations.h"
#include "cli/context.h"

namespace agritrace::cli {

void RegisterOrgCommands(CLI::App& app, Context& ctx) {
  auto* org = app.add_subcommand("org", "经营主体 / organisations");
  org->require_subcommand(1);
  auto* add = org->add_subcommand("add", "登记经营主体 / add an organisation");
  static OrganisationInput in;
  add->add_option("--name", in.name, "名称 / name")->required();
  add->add_option("--credit-code", in.credit_code, "18 位统一社会信用代码 / unified social credit code")->required();
  add->add_option("--kind", in.kind, "cooperative|enterprise|family-farm|station|collective")->required();
  add->add_option("--region", in.region, "所在行政区划代码 / region code")->required();
  add->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = AddOrganisation(*store, in, "cli");
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r),
                "已登记主体 / added organisation " + std::to_string(r->id) + "：" + in.name);
    });
  });
}

}  // namespace agritrace::cli
