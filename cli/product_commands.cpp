// agritrace product add
#include "cli/context.h"
#include "registry/products.h"

namespace agritrace::cli {

void RegisterProductCommands(CLI::App& app, Context& ctx) {
  auto* product = app.add_subcommand("product", "产品 / products");
  product->require_subcommand(1);
  auto* add = product->add_subcommand("add", "登记产品 / add a product");
  static ProductInput in;
  add->add_option("--org", in.org_id, "主体编号 / organisation id")->required();
  add->add_option("--name", in.name, "产品名称 / name")->required();
  add->add_option("--category", in.category, "品类，如 茶叶 / category")->required();
  add->add_option("--net-content-g", in.net_content_g, "每件净含量（克） / net content per unit, grams")->required();
  add->add_option("--gtin", in.gtin, "商品条码 GTIN-8/12/13/14（可选） / optional GTIN");
  add->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = AddProduct(*store, in);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(*r, "已登记产品 / added product " + (*r)["id"].dump() + "：" + in.name);
    });
  });
}

}  // namespace agritrace::cli
