// agritrace brand add|link
#include "agritrace/registry/brands.h"
#include "cli/context.h"

namespace agritrace::cli {

void RegisterBrandCommands(CLI::App& app, Context& ctx) {
  auto* brand = app.add_subcommand("brand", "品牌（一村一品等） / brands");
  brand->require_subcommand(1);
  auto* add = brand->add_subcommand("add", "登记品牌 / add a brand");
  static BrandInput in;
  add->add_option("--name", in.name, "品牌名称 / name")->required();
  add->add_option("--scheme", in.scheme,
                  "one-village-one-product|one-township-one-product|one-county-one-product|regional-public")->required();
  add->add_option("--region", in.region, "品牌所属行政区划 / region code")->required();
  add->add_option("--level", in.level, "认定级别 national|provincial|municipal|county / level")->required();
  add->add_option("--year", in.year, "认定年份 / year recognised")->required();
  add->add_option("--recognised-by", in.recognised_by, "认定机构 / recognising body");
  add->add_option("--product", in.products, "包含的产品编号，可多个 / product ids");
  add->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = AddBrand(*store, in);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r),
                "已登记品牌 / added brand " + std::to_string(r->brand.id) + "：" + in.name);
    });
  });

  auto* link = brand->add_subcommand("link", "把产品加入品牌的产品清单 / list a product under a brand");
  static int64_t brand_id = 0, product_id = 0;
  link->add_option("--brand", brand_id, "品牌编号 / brand id")->required();
  link->add_option("--product", product_id, "产品编号 / product id")->required();
  link->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = LinkBrandProduct(*store, brand_id, product_id, "cli");
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已关联 / linked: 品牌 brand " + std::to_string(brand_id) +
                              " ← 产品 product " + std::to_string(product_id));
    });
  });
}

}  // namespace agritrace::cli
