// agritrace product add|edit
#include "agritrace/registry/products.h"
#include "cli/context.h"

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
      ctx.Print(Json(*r),
                "已登记产品 / added product " + std::to_string(r->product.id) + "：" + in.name);
    });
  });

  // Options left out keep the product's current values.
  auto* edit = product->add_subcommand("edit", "修改产品 / change a product");
  static int64_t id = 0, net = 0;
  static std::string name, category, gtin;
  edit->add_option("ID", id, "产品编号 / product id")->required();
  static CLI::Option* given[] = {
      edit->add_option("--name", name, "产品名称 / name"),
      edit->add_option("--category", category, "品类 / category"),
      edit->add_option("--net-content-g", net, "每件净含量（克） / net content per unit, grams"),
      edit->add_option("--gtin", gtin, "商品条码，空字符串为去掉 / GTIN, \"\" to remove")};
  edit->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto current = GetProduct(*store, id);
      if (!current.ok()) return ctx.Fail(current.status());
      const Product& c = *current;
      ProductInput p{c.org_id, given[0]->count() ? name : c.name,
                     given[1]->count() ? category : c.category,
                     given[2]->count() ? net : c.net_content_g,
                     given[3]->count() ? gtin : c.gtin.value_or("")};
      auto r = UpdateProduct(*store, id, p, "cli");
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已修改产品 / changed product " + std::to_string(id) + "：" + p.name);
    });
  });
}

}  // namespace agritrace::cli
