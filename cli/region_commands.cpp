// agritrace region add|import
#include "agritrace/registry/regions.h"
#include "cli/context.h"

namespace agritrace::cli {

void RegisterRegionCommands(CLI::App& app, Context& ctx) {
  auto* region = app.add_subcommand("region", "行政区划 / regions");
  region->require_subcommand(1);

  auto* add = region->add_subcommand("add", "登记一个行政区划 / add a region");
  static RegionInput in;
  add->add_option("--code", in.code, "6 位县级或 12 位村级代码 / 6- or 12-digit code")->required();
  add->add_option("--name", in.name, "名称 / name")->required();
  add->add_flag("--poverty-registered", in.poverty_registered, "建档立卡贫困村 / registered-poor village");
  add->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = AddRegion(*store, in);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已登记行政区划 / added region " + r->code + " " + r->name);
    });
  });

  auto* imp = region->add_subcommand(
      "import", "从 CSV 或 Excel 导入（代码,名称[,贫困村]） / import CSV or Excel: code,name[,poverty_registered]");
  static std::string file;
  imp->add_option("FILE", file,
                  "CSV（UTF-8 或 GBK）或 .xlsx 文件 / CSV (UTF-8 or GBK) or .xlsx file")
      ->required();
  imp->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = ImportRegionsFile(*store, file);
      if (!r.ok()) return ctx.Fail(r.status());
      const std::string n = std::to_string(r->imported);
      ctx.Print(Json(*r), "已导入 " + n + " 个行政区划 / imported " + n + " regions");
    });
  });
}

}  // namespace agritrace::cli
