// The cooperative's products (issue 13): /console/products lists the organisation's products
// with their brands, adds one, links one to a brand; /console/products/{id} changes one. The
// same registry services as `agritrace product add` and POST /api/v1/products; a refusal shows
// beside its field, keeps what was typed and writes nothing. Clerks and managers act on their
// own organisation only; bureau staff read any organisation's list (?org=ID).
#include <httplib.h>

#include "agritrace/registry/brands.h"
#include "agritrace/registry/organisations.h"
#include "agritrace/registry/products.h"
#include "http/console/console_context.h"
#include "http/console/console_form.h"
#include "http/console/console_look.h"
#include "http/html_escape.h"

namespace agritrace::http {
namespace {

using Req = const httplib::Request&;
using Res = httplib::Response&;

// What the product form holds: as typed, and each field's refusal.
struct ProductForm {
  std::string name, category, net_content_g, gtin;
  Status top, e_name, e_category, e_net, e_gtin;

  static ProductForm FromRequest(Req req) {
    ProductForm f;
    f.name = FormValue(req, "name");
    f.category = FormValue(req, "category");
    f.net_content_g = FormValue(req, "net_content_g");
    f.gtin = FormValue(req, "gtin");
    return f;
  }
  static ProductForm FromProduct(const Product& p) {
    ProductForm f;
    f.name = p.name;
    f.category = p.category;
    f.net_content_g = std::to_string(p.net_content_g);
    f.gtin = p.gtin.value_or("");
    return f;
  }
  bool refused() const {
    return !top.ok() || !e_name.ok() || !e_category.ok() || !e_net.ok() || !e_gtin.ok();
  }
  // The registry's input, or a refusal beside the net-content field for text that is no number.
  std::optional<ProductInput> Input(int64_t org_id) {
    auto net = ParseWhole(net_content_g, 10);
    if (!net) {
      e_net = Status::Invalid("每件净含量请填克数（正整数），例如 250",
                              "enter the net content per unit in grams, a whole number, e.g. 250");
      return std::nullopt;
    }
    return ProductInput{org_id, TrimField(name), TrimField(category), *net, TrimField(gtin)};
  }
  // Places the service's refusal beside the field it concerns.
  void Place(const Status& s) {
    const std::string& r = s.reason();
    if (r == "gtin-format" || r == "gtin-check")
      e_gtin = s;
    else if (r == "product-net-content")
      e_net = s;
    else if (r == "product-name" && TrimField(name).empty())
      e_name = s;
    else if (r == "product-name")
      e_category = s;
    else
      top = s;
  }
};

std::string Input(const std::string& label, const std::string& name, const std::string& value,
                  const Status& why, const std::string& attrs, Lang lang) {
  return "<label>" + label + "<input name=\"" + name + "\" value=\"" + HtmlEscape(value) + "\"" +
         BadClass(why) + " " + attrs + ">" + FieldError(lang, why) + "</label>";
}

// The add or edit form; `action` is where it posts.
std::string FormHtml(Lang lang, const Session& s, const ProductForm& f, const std::string& action,
                     const std::string& button) {
  std::string out;
  if (!f.top.ok()) out += ErrorBox(lang, f.top.zh(), f.top.en());
  out += "<form class=\"stack\" method=\"post\" action=\"" + HtmlEscape(action) + "\">" +
         CsrfInput(s) + "<div class=\"grid\">" +
         Input(L(lang, "产品名称", "Product name"), "name", f.name, f.e_name,
               "maxlength=\"100\" required", lang) +
         Input(L(lang, "品类（如 茶叶）", "Category (e.g. tea)"), "category", f.category,
               f.e_category, "maxlength=\"50\" required", lang) +
         Input(L(lang, "每件净含量（克）", "Net content per unit (g)"), "net_content_g",
               f.net_content_g, f.e_net, "inputmode=\"numeric\" maxlength=\"10\" required", lang) +
         Input(L(lang, "商品条码 GTIN（可不填）", "GTIN barcode (optional)"), "gtin", f.gtin,
               f.e_gtin, "inputmode=\"numeric\" maxlength=\"14\"", lang) +
         "</div><div class=\"btns\"><button type=\"submit\">" + button + "</button></div></form>";
  return out;
}

std::string OrgName(Store& store, int64_t org_id) {
  auto org = GetOrganisation(store, org_id);
  return org.ok() ? org->name : "";
}

struct ListState {
  ProductForm add;
  std::string link_product, link_brand;
  Status link_error;
  std::string done;  // a note of what the last change did
};

std::string ListPage(Store& store, Lang lang, const Session& s, int64_t org_id,
                     const ListState& st) {
  const bool acts = ActsForOrganisation(s);
  const std::string org_name = OrgName(store, org_id);
  std::string out = ConsoleHead(lang, L(lang, "产品 · ", "Products · ") + org_name);
  out += ConsoleBar(lang, store.Meta("name"), s);
  if (!st.done.empty()) out += "<p class=\"ok\" role=\"status\">" + HtmlEscape(st.done) + "</p>";
  const std::vector<ListedProduct> products = ListOrganisationProducts(store, org_id);
  out += "<section><h1>" + L(lang, "产品 · ", "Products · ") + HtmlEscape(org_name) + "</h1>";
  const std::string h_name = L(lang, "名称", "Name"), h_cat = L(lang, "品类", "Category"),
                    h_net = L(lang, "净含量（克）", "Net content (g)"), h_gtin = "GTIN",
                    h_brands = L(lang, "品牌", "Brands"), h_act = L(lang, "操作", "Action");
  if (products.empty()) {
    out += "<p>" + L(lang, "还没有产品。", "No products yet.") + "</p>";
  } else {
    out += "<div class=\"scroll\"><table class=\"cards\"><thead><tr><th>" + h_name + "</th><th>" +
           h_cat + "</th><th class=\"n\">" + h_net + "</th><th>" + h_gtin + "</th><th>" + h_brands +
           "</th>" + (acts ? "<th>" + h_act + "</th>" : "") + "</tr></thead><tbody>";
    for (const ListedProduct& listed : products) {
      const Product& p = listed.product;
      std::string brands;
      for (const LinkedBrand& b : listed.brands)
        brands += (brands.empty() ? "" : "、") + HtmlEscape(b.name);
      const std::string id = std::to_string(p.id);
      out += "<tr><td data-h=\"" + h_name + "\">" + HtmlEscape(p.name) +
             " <small class=\"mut\">#" + id + "</small></td><td data-h=\"" + h_cat + "\">" +
             HtmlEscape(p.category) + "</td><td class=\"n\" data-h=\"" + h_net + "\">" +
             std::to_string(p.net_content_g) + "</td><td data-h=\"" + h_gtin + "\"><code>" +
             HtmlEscape(p.gtin.value_or("")) +
             "</code></td><td data-h=\"" + h_brands + "\">" + brands + "</td>";
      if (acts)
        out += "<td data-h=\"" + h_act + "\"><a href=\"/console/products/" + id + LangSuffix(lang) +
               "\">" + L(lang, "修改", "Edit") + "</a></td>";
      out += "</tr>";
    }
    out += "</tbody></table></div>";
  }
  out += "</section>";
  if (!acts) return out + ConsoleTail(lang, "/console/products");

  out += "<section><h2>" + L(lang, "登记新产品", "Add a product") + "</h2>" +
         FormHtml(lang, s, st.add, "/console/products" + LangSuffix(lang),
                  L(lang, "登记产品", "Add the product")) +
         "</section>";

  // Brands with a product list take this organisation's products by a link; open ones need none.
  const std::vector<Brand> brands = BrandsForOrganisation(store, org_id);
  std::string open, options;
  for (const Brand& b : brands) {
    const std::string name = HtmlEscape(b.name);
    if (b.products.empty()) {
      open += (open.empty() ? "" : "、") + name;
      continue;
    }
    const std::string id = std::to_string(b.id);
    options += "<option value=\"" + id + "\"" + (st.link_brand == id ? " selected" : "") + ">" +
               name + "（" + HtmlEscape(b.region) + "）</option>";
  }
  out += "<section><h2>" + L(lang, "关联品牌（一村一品等）", "Link to a brand (village brands)") +
         "</h2>";
  if (!open.empty())
    out += "<p class=\"mut\">" +
           L(lang, "不限产品、无需关联的品牌：", "Brands open to every product, no link needed: ") +
           open + "</p>";
  if (options.empty() || products.empty()) {
    out += "<p>" +
           L(lang, "本地区没有需要关联产品的品牌。", "No brand of this area lists products.") +
           "</p>";
  } else {
    std::string product_options;
    for (const ListedProduct& p : products) {
      const std::string id = std::to_string(p.product.id);
      product_options += "<option value=\"" + id + "\"" +
                         (st.link_product == id ? " selected" : "") + ">" +
                         HtmlEscape(p.product.name) + "</option>";
    }
    out += "<form class=\"stack\" method=\"post\" action=\"/console/products/brand" +
           LangSuffix(lang) + "\">" + CsrfInput(s) + "<div class=\"grid\"><label>" +
           L(lang, "产品", "Product") + "<select name=\"product_id\">" + product_options +
           "</select></label><label>" + L(lang, "品牌", "Brand") + "<select name=\"brand_id\"" +
           BadClass(st.link_error) + ">" + options + "</select>" + FieldError(lang, st.link_error) +
           "</label></div><div class=\"btns\"><button " + "type=\"submit\">" +
           L(lang, "关联", "Link") + "</button></div></form>";
  }
  out += "</section>";
  return out + ConsoleTail(lang, "/console/products");
}

std::string EditPage(Store& store, Lang lang, const Session& s, const std::string& id,
                     const ProductForm& f) {
  std::string out = ConsoleHead(lang, L(lang, "修改产品", "Edit a product"));
  out += ConsoleBar(lang, store.Meta("name"), s);
  out += "<section><h1>" + L(lang, "修改产品 #", "Edit product #") + id + "</h1><p class=\"mut\">" +
         L(lang, "已发放的批次保留签名时的产品信息，修改只影响今后的批次。",
           "Lots already issued keep the product as they were signed; a change affects later "
           "lots only.") +
         "</p>" +
         FormHtml(lang, s, f, "/console/products/" + id + LangSuffix(lang),
                  L(lang, "保存修改", "Save the changes")) +
         "<p><a href=\"/console/products" + LangSuffix(lang) + "\">" +
         L(lang, "返回产品列表", "Back to the products") + "</a></p></section>";
  return out + ConsoleTail(lang, "/console/products/" + id);
}

// The organisation a request's page is about: the user's own, or for bureau staff ?org=ID.
std::optional<int64_t> PageOrg(Req req, const Session& s) {
  if (!s.user.bureau()) return s.user.org_id ? std::optional<int64_t>(s.user.org_id) : std::nullopt;
  return ParseWhole(req.get_param_value("org"), 12);
}

// The session of a clerk or manager; bureau staff read products but change none.
std::optional<Session> Editor(ConsoleContext& ctx, Req req, Res res, bool changing) {
  return RequireOrganisationSession(
      ctx, req, res, changing, "只有合作社的文员和负责人可以登记或修改本主体的产品；未做任何修改。",
      "Only a cooperative's clerks and managers add or change its products; nothing was changed.");
}

// The product `id` when it is the user's organisation's; otherwise a 404 page (another
// organisation's product is not shown to exist).
std::optional<Product> OwnProduct(Store& store, Lang lang, const Session& s,
                                  const std::string& id, Res res) {
  auto p = GetProduct(store, std::stoll(id));
  if (p.ok() && p->org_id == s.user.org_id) return *p;
  RefusalPage(res, lang, store.Meta("name"), s, 404,
              "找不到本主体的产品 #" + id + "；请从产品列表打开。",
              "Your organisation has no product #" + id + "; open it from the products list.");
  return std::nullopt;
}

}  // namespace

void RegisterConsoleProducts(httplib::Server& svr, std::shared_ptr<ConsoleContext> owner) {
  svr.Get("/console/products", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = RequireSession(ctx, req, res);
    if (!s) return;
    auto org = PageOrg(req, *s);
    ctx.api.WithReportStore([&](Store& store) {
      if (!org || !GetOrganisation(store, *org).ok())
        return RefusalPage(res, lang, store.Meta("name"), *s, 404,
                           "请在地址后加 ?org=主体编号 查看该主体的产品。",
                           "Add ?org=ID to the address to see that organisation's products.");
      ListState st;
      if (req.has_param("done")) st.done = L(lang, "已保存。", "Saved.");
      SetConsolePage(res, 200, ListPage(store, lang, *s, *org, st), lang);
    });
  });

  svr.Post("/console/products", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = Editor(ctx, req, res, true);
    if (!s) return;
    ListState st;
    st.add = ProductForm::FromRequest(req);
    ctx.api.WithStore([&](Store& store) {
      if (auto in = st.add.Input(s->user.org_id)) {
        auto r = AddProduct(store, *in, ConsoleActor(*s));
        if (r.ok()) return res.set_redirect("/console/products" + LangSuffix(lang), 303);
        st.add.Place(r.status());
      }
      SetConsolePage(res, 422, ListPage(store, lang, *s, s->user.org_id, st), lang);
    });
  });

  svr.Post("/console/products/brand", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = Editor(ctx, req, res, true);
    if (!s) return;
    ListState st;
    st.link_product = FormValue(req, "product_id");
    st.link_brand = FormValue(req, "brand_id");
    ctx.api.WithStore([&](Store& store) {
      auto product = ParseWhole(st.link_product);
      auto brand = ParseWhole(st.link_brand);
      if (!product || !brand) {
        st.link_error = Status::Invalid("请选择产品和品牌", "choose a product and a brand");
      } else if (!OwnProduct(store, lang, *s, std::to_string(*product), res)) {
        return;
      } else {
        auto r = LinkBrandProduct(store, *brand, *product, ConsoleActor(*s));
        if (r.ok()) return res.set_redirect("/console/products" + LangSuffix(lang), 303);
        st.link_error = r.status();
      }
      SetConsolePage(res, 422, ListPage(store, lang, *s, s->user.org_id, st), lang);
    });
  });

  svr.Get(R"(/console/products/(\d{1,12}))", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = Editor(ctx, req, res, false);
    if (!s) return;
    const std::string id = req.matches[1];
    ctx.api.WithReportStore([&](Store& store) {
      auto p = OwnProduct(store, lang, *s, id, res);
      if (!p) return;
      SetConsolePage(res, 200, EditPage(store, lang, *s, id, ProductForm::FromProduct(*p)), lang);
    });
  });

  svr.Post(R"(/console/products/(\d{1,12}))", [owner](Req req, Res res) {
    ConsoleContext& ctx = *owner;
    const Lang lang = ConsoleLang(req);
    auto s = Editor(ctx, req, res, true);
    if (!s) return;
    const std::string id = req.matches[1];
    ProductForm f = ProductForm::FromRequest(req);
    ctx.api.WithStore([&](Store& store) {
      if (!OwnProduct(store, lang, *s, id, res)) return;
      if (auto in = f.Input(s->user.org_id)) {
        auto r = UpdateProduct(store, std::stoll(id), *in, ConsoleActor(*s));
        if (r.ok()) return res.set_redirect("/console/products" + LangSuffix(lang), 303);
        f.Place(r.status());
      }
      SetConsolePage(res, 422, EditPage(store, lang, *s, id, f), lang);
    });
  });
}

}  // namespace agritrace::http
