// The cooperative's console pages over HTTP on 127.0.0.1 (issue 13): products added, refused
// and changed; a lot issued from pasted spreadsheet lines and from an uploaded CSV, previewed
// first; refusals beside their fields with everything typed kept and nothing written; the CSRF
// token, another organisation's product and bureau staff refused.
#include "agritrace/registry/products.h"
#include "tests/http/console_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

constexpr const char* kPassword = "茶园春天-2026";
const std::string kPaste =
    "户号\t公斤\t脱贫户\r\nH-0101\t60.5\t是\r\nH-0102\t30\t否\r\nH-0103\t9.5\t是\r\n";

// What may not change when a form is refused: every table but sessions (their last-seen time
// moves) and refusals (where a refused issue is counted for the bureau).
std::string State(ConsoleFixture& f) { return Snapshot(*f.store, "sessions"); }

// The markup from `id="{id}"` to the end of its fieldset: what is shown beside that field.
std::string Beside(const std::string& html, const std::string& id) {
  size_t from = html.find("id=\"" + id + "\"");
  if (from == std::string::npos) return "";
  return html.substr(from, html.find("</fieldset>", from) - from);
}

struct CoopFixture : ConsoleFixture {
  std::string cookie, csrf;
  CoopFixture() {
    AddAccount("wang.fang", "clerk", org, kPassword);
    Start();
    cookie = SignIn("wang.fang", kPassword);
    csrf = CsrfFor(cookie, "/console/lots/new");
  }
  // The lot form's fields for a tea lot of `units`, with the three pasted households.
  httplib::Params TeaForm(const std::string& action, const std::string& units = "100") {
    return {{"csrf", csrf},
            {"action", action},
            {"product_id", std::to_string(tea)},
            {"origin", "469025100201"},
            {"harvested", DaysAgo(10)},
            {"packed", DaysAgo(5)},
            {"units", units},
            {"certs", green},
            {"rows", "5"},
            {"paste", kPaste},
            {"in_agency_0", "海南省检测中心"},
            {"in_report_0", "HN2026-0777"},
            {"in_result_0", "pass"}};
  }
};

}  // namespace

TEST_CASE("console products: added with the user as actor, a bad GTIN refused beside its field",
          "[console]") {
  CoopFixture f;
  auto page = f.GetWith("/console/products", f.cookie);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(Contains(page->body, "白沙绿茶"));
  CHECK_FALSE(Contains(page->body, "昌江芒果"));              // another organisation's
  CHECK(Contains(page->body, "href=\"/console/lots/new\""));  // the nav

  const int64_t products = f.Rows("products");
  auto ok = f.PostForm("/console/products",
                       {{"csrf", f.csrf},
                        {"name", "白沙红茶"},
                        {"category", "茶叶"},
                        {"net_content_g", "500"},
                        {"gtin", "96385074"}},
                       f.cookie);
  REQUIRE(ok);
  INFO(ok->body);
  CHECK(ok->status == 303);
  CHECK(ok->get_header_value("Location") == "/console/products");
  CHECK(f.Rows("products") == products + 1);
  sql::Statement ev(f.store->db(),
                    "SELECT leaf FROM events WHERE kind = 'product.added' ORDER BY idx DESC");
  REQUIRE(ev.Step());
  CHECK(Contains(ev.Column(0).String(), "\"actor\":\"user:wang.fang\""));
  CHECK(Contains(ev.Column(0).String(), "白沙红茶"));
  CHECK(Contains(f.GetWith("/console/products", f.cookie)->body, "白沙红茶"));

  const std::string before = State(f);
  auto bad = f.PostForm("/console/products",
                        {{"csrf", f.csrf},
                         {"name", "白沙白茶"},
                         {"category", "茶叶"},
                         {"net_content_g", "250"},
                         {"gtin", "6901234567893"}},
                        f.cookie);
  REQUIRE(bad);
  CHECK(bad->status == 422);
  // The GTIN's refusal follows its input; what was typed is still there.
  const size_t gtin = bad->body.find("name=\"gtin\"");
  REQUIRE(gtin != std::string::npos);
  const std::string after_gtin = bad->body.substr(gtin, 600);
  CHECK(Contains(after_gtin, "value=\"6901234567893\""));
  CHECK(Contains(after_gtin, "class=\"ferr\""));
  CHECK(Contains(after_gtin, "校验位"));
  CHECK(Contains(bad->body, "value=\"白沙白茶\""));
  CHECK(Contains(bad->body, "value=\"250\""));
  CHECK(State(f) == before);

  // Net content that is not a number: beside its own field, nothing written.
  auto net = f.PostForm("/console/products",
                        {{"csrf", f.csrf},
                         {"name", "白沙白茶"},
                         {"category", "茶叶"},
                         {"net_content_g", "半斤"},
                         {"gtin", ""}},
                        f.cookie);
  CHECK(net->status == 422);
  const size_t net_at = net->body.find("name=\"net_content_g\"");
  CHECK(Contains(net->body.substr(net_at, 400), "class=\"ferr\""));
  CHECK(State(f) == before);
}

TEST_CASE("console products: one's own changed, another organisation's neither shown nor changed",
          "[console]") {
  CoopFixture f;
  const std::string own = "/console/products/" + std::to_string(f.coffee);
  auto edit = f.GetWith(own, f.cookie);
  REQUIRE(edit);
  CHECK(edit->status == 200);
  CHECK(Contains(edit->body, "value=\"白沙咖啡\""));
  auto saved = f.PostForm(own,
                          {{"csrf", f.csrf},
                           {"name", "白沙咖啡豆"},
                           {"category", "咖啡"},
                           {"net_content_g", "454"},
                           {"gtin", ""}},
                          f.cookie);
  REQUIRE(saved);
  CHECK(saved->status == 303);
  CHECK(GetProduct(*f.store, f.coffee)->name == "白沙咖啡豆");
  CHECK(GetProduct(*f.store, f.coffee)->net_content_g == 454);
  sql::Statement ev(f.store->db(), "SELECT leaf FROM events WHERE kind = 'product.updated'");
  REQUIRE(ev.Step());
  CHECK(Contains(ev.Column(0).String(), "\"actor\":\"user:wang.fang\""));

  const std::string before = State(f);
  const std::string theirs = "/console/products/" + std::to_string(f.other_product);
  auto look = f.GetWith(theirs, f.cookie);
  REQUIRE(look);
  CHECK(look->status == 404);
  CHECK_FALSE(Contains(look->body, "昌江芒果"));
  auto change = f.PostForm(theirs,
                           {{"csrf", f.csrf},
                            {"name", "改名"},
                            {"category", "水果"},
                            {"net_content_g", "1000"},
                            {"gtin", ""}},
                           f.cookie);
  REQUIRE(change);
  CHECK(change->status == 404);
  // Nor through the brand link form.
  auto link = f.PostForm(
      "/console/products/brand",
      {{"csrf", f.csrf}, {"product_id", std::to_string(f.other_product)}, {"brand_id", "1"}},
      f.cookie);
  CHECK(link->status == 404);
  CHECK(State(f) == before);
  CHECK(GetProduct(*f.store, f.other_product)->name == "昌江芒果");

  // Bureau staff read any organisation's products and change none.
  f.AddAccount("li.ju", "bureau", 0, kPassword);
  const std::string bureau = f.SignIn("li.ju", kPassword);
  auto list = f.GetWith("/console/products?org=" + std::to_string(f.other_org), bureau);
  REQUIRE(list);
  CHECK(list->status == 200);
  CHECK(Contains(list->body, "昌江芒果"));
  CHECK_FALSE(Contains(list->body, "name=\"net_content_g\""));
  const std::string bureau_csrf = ConsoleFixture::CsrfOf(list->body);
  const std::string before_bureau = State(f);
  auto add = f.PostForm(
      "/console/products",
      {{"csrf", bureau_csrf}, {"name", "x"}, {"category", "y"}, {"net_content_g", "1"}}, bureau);
  CHECK(add->status == 403);
  CHECK(State(f) == before_bureau);
  CHECK(f.Rows("products") == 3);
}

TEST_CASE("console lot form: three households pasted from a spreadsheet, previewed, issued",
          "[console]") {
  CoopFixture f;
  auto form = f.GetWith("/console/lots/new", f.cookie);
  REQUIRE(form);
  CHECK(form->status == 200);
  CHECK(Contains(form->body, "enctype=\"multipart/form-data\""));
  CHECK(Contains(form->body, "value=\"469025100201\""));     // 南溪村 among the villages
  CHECK(Contains(form->body, "value=\"" + f.green + "\""));  // the tea's active certificates
  CHECK(Contains(form->body, "name=\"hh_id_4\""));           // five empty rows
  CHECK_FALSE(Contains(form->body, "<script"));

  // The village search narrows the list, keeping what was typed.
  auto narrowed = f.PostForm("/console/lots/new",
                             {{"csrf", f.csrf},
                              {"action", "filter"},
                              {"origin_q", "元门"},
                              {"units", "77"},
                              {"rows", "5"},
                              {"hh_id_0", "H-9"}},
                             f.cookie);
  REQUIRE(narrowed);
  CHECK(narrowed->status == 200);
  CHECK(Contains(narrowed->body, "value=\"469025101202\""));
  CHECK_FALSE(Contains(narrowed->body, "value=\"469025100201\""));
  CHECK(Contains(narrowed->body, "value=\"77\""));
  CHECK(Contains(narrowed->body, "value=\"H-9\""));

  const std::string before = State(f);
  const int64_t refusals = f.Rows("refusals");
  auto preview = f.PostForm("/console/lots/new", f.TeaForm("preview"), f.cookie);
  REQUIRE(preview);
  INFO(preview->body);
  CHECK(preview->status == 200);
  // 100 units of 250 g; households 60.5 + 30 + 9.5 kg, of which 70 kg registered poor.
  CHECK(Contains(preview->body, "<b id=\"total-kg\">25</b>"));
  CHECK(Contains(preview->body, "<b id=\"households-kg\">100</b>"));
  CHECK(Contains(preview->body, "<b id=\"poor-share\">70.0%</b>"));
  CHECK(Contains(preview->body, "value=\"issue\""));
  // The pasted lines are now table rows; the paste box is empty.
  CHECK(Contains(preview->body, "name=\"hh_id_2\" value=\"H-0103\""));
  CHECK(Contains(preview->body, "name=\"hh_kg_0\" value=\"60.5\""));
  CHECK(State(f) == before);              // a preview writes nothing,
  CHECK(f.Rows("refusals") == refusals);  // not even a refusal

  auto issued = f.PostForm("/console/lots/new", f.TeaForm("issue"), f.cookie);
  REQUIRE(issued);
  INFO(issued->body);
  REQUIRE(issued->status == 303);
  const std::string location = issued->get_header_value("Location");
  REQUIRE(location.rfind("/console/lots/", 0) == 0);
  const std::string code = location.substr(14);
  auto lot = GetLot(*f.store, code);
  REQUIRE(lot.ok());
  const Json& record = lot->record;
  REQUIRE(record["households"].size() == 3);
  CHECK(record["households"][0] ==
        Json({{"id", "H-0101"}, {"grams", 60500}, {"registered_poor", true}}));
  CHECK(record["households"][1] ==
        Json({{"id", "H-0102"}, {"grams", 30000}, {"registered_poor", false}}));
  CHECK(record["households"][2]["grams"] == 9500);
  CHECK(record["units"] == 100);
  CHECK(record["inspections"][0]["report"] == "HN2026-0777");
  CHECK(record["certifications"][0]["number"] == f.green);
  sql::Statement ev(f.store->db(), "SELECT leaf FROM events WHERE kind = 'lot.issued'");
  REQUIRE(ev.Step());
  const Json leaf = Json::parse(ev.Column(0).String());
  CHECK(leaf["data"]["actor"] == "user:wang.fang");
  CHECK(leaf["data"]["record"]["code"] == code);
  // The home page lists it.
  CHECK(Contains(f.GetWith("/console/", f.cookie)->body, code));
}

TEST_CASE("console lot form: households from an uploaded CSV, a multipart form", "[console]") {
  CoopFixture f;
  httplib::MultipartFormDataItems items = {
      {"csrf", f.csrf, "", ""},
      {"action", "preview", "", ""},
      {"product_id", std::to_string(f.tea), "", ""},
      {"origin", "469025100201", "", ""},
      {"harvested", DaysAgo(3), "", ""},
      {"packed", DaysAgo(2), "", ""},
      {"units", "40", "", ""},
      {"certs", f.green, "", ""},
      {"certs", f.gi, "", ""},
      {"rows", "1", "", ""},
      {"hh_id_0", "H-0001", "", ""},
      {"hh_kg_0", "4", "", ""},
      {"hh_poor_0", "1", "", ""},
      {"paste", "", "", ""},
      {"households_csv", "\xEF\xBB\xBF户号,公斤,脱贫户\nH-0002,5.5,否\n\"H-0003\",0.5,是\n",
       "农户.csv", "text/csv"}};
  auto c = f.Client();
  auto r = c.Post("/console/lots/new", {{"Cookie", "agritrace_console=" + f.cookie}}, items);
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == 200);
  CHECK(Contains(r->body, "<b id=\"total-kg\">10</b>"));  // 40 × 250 g
  CHECK(Contains(r->body, "<b id=\"households-kg\">10</b>"));
  CHECK(Contains(r->body, "<b id=\"poor-share\">45.0%</b>"));  // (4 + 0.5) / 10
  CHECK(Contains(r->body, "value=\"H-0003\""));

  // A bad line in the file: its line number beside the upload, nothing written.
  const std::string before = State(f);
  items.back().content = "H-0002,5.5,否\nH-0003,半斤,是\n";
  items[1].content = "issue";
  auto bad = c.Post("/console/lots/new", {{"Cookie", "agritrace_console=" + f.cookie}}, items);
  REQUIRE(bad);
  CHECK(bad->status == 422);
  const size_t upload = bad->body.find("name=\"households_csv\"");
  REQUIRE(upload != std::string::npos);
  CHECK(Contains(bad->body.substr(upload, 600), "第 2 行"));
  CHECK(State(f) == before);
}

TEST_CASE("console lot form: rows added and removed keep what was typed", "[console]") {
  CoopFixture f;
  httplib::Params p = {{"csrf", f.csrf},   {"action", "add_rows"}, {"rows", "2"},
                       {"hh_id_0", "H-1"}, {"hh_kg_0", "1"},       {"hh_id_1", "H-2"},
                       {"hh_kg_1", "2"},   {"hh_poor_1", "1"},     {"units", "12"}};
  auto more = f.PostForm("/console/lots/new", p, f.cookie);
  REQUIRE(more);
  CHECK(more->status == 200);
  CHECK(Contains(more->body, "name=\"rows\" value=\"7\""));
  CHECK(Contains(more->body, "name=\"hh_id_6\""));
  CHECK(Contains(more->body, "name=\"hh_id_1\" value=\"H-2\""));
  CHECK(Contains(
      more->body,
      "name=\"hh_poor_1\" value=\"1\" style=\"width:auto\" aria-label=\"脱贫户\" checked"));
  CHECK(Contains(more->body, "value=\"12\""));

  p.erase("action");
  p.emplace("remove", "0");
  auto fewer = f.PostForm("/console/lots/new", p, f.cookie);
  REQUIRE(fewer);
  CHECK(Contains(fewer->body, "name=\"rows\" value=\"1\""));
  CHECK(Contains(fewer->body, "name=\"hh_id_0\" value=\"H-2\""));
  CHECK_FALSE(Contains(fewer->body, "value=\"H-1\""));
}

TEST_CASE(
    "console lot form: over the certified output, refused beside the certificates, "
    "everything kept, nothing written",
    "[console]") {
  CoopFixture f;
  const std::string before = State(f);
  const int64_t lots = f.Rows("lots"), events = f.Rows("events");
  // 20,001 units of 250 g: 5,000.25 kg against the green-food certificate's 5,000 kg a year.
  for (const char* action : {"preview", "issue"}) {
    INFO(action);
    auto r = f.PostForm("/console/lots/new", f.TeaForm(action, "20001"), f.cookie);
    REQUIRE(r);
    CHECK(r->status == 422);
    const std::string certs = Beside(r->body, "certs");
    CHECK(Contains(certs, "class=\"ferr\""));
    CHECK(Contains(certs, "年核定产量 5000 公斤"));
    CHECK(Contains(certs, "certifies 5000 kg a year"));
    CHECK(Contains(certs, "value=\"" + f.green + "\" checked"));
    CHECK(Contains(r->body, "name=\"units\" value=\"20001\""));
    CHECK(Contains(r->body, "name=\"hh_id_0\" value=\"H-0101\""));
    CHECK(Contains(r->body, "value=\"HN2026-0777\""));
    CHECK(Contains(r->body, "value=\"" + DaysAgo(10) + "\""));
    CHECK_FALSE(
        Contains(r->body, "value=\"issue\""));  // no signing button without a passing preview
  }
  CHECK(f.Rows("lots") == lots);
  CHECK(f.Rows("events") == events);
  CHECK(State(f) == before);

  // Dates in the wrong order: beside the harvest date.
  httplib::Params p = f.TeaForm("issue");
  p.erase("harvested");
  p.emplace("harvested", DaysAgo(1));
  auto dates = f.PostForm("/console/lots/new", p, f.cookie);
  CHECK(dates->status == 422);
  const size_t harvested = dates->body.find("name=\"harvested\"");
  CHECK(Contains(dates->body.substr(harvested, 500), "晚于包装日期"));
  CHECK(State(f) == before);
}

TEST_CASE(
    "console lot form: no CSRF token, another organisation's product, bureau staff: 403, "
    "nothing written",
    "[console]") {
  CoopFixture f;
  f.AddAccount("li.ju", "bureau", 0, kPassword);
  const std::string bureau = f.SignIn("li.ju", kPassword);
  const std::string before = State(f);
  const int64_t refusals = f.Rows("refusals");
  CHECK(f.GetWith("/console/lots/new", bureau)->status == 403);
  auto bureau_post = f.PostForm("/console/lots/new", f.TeaForm("issue"), bureau);
  CHECK(bureau_post->status == 403);  // its own CSRF token is not the clerk's; either way, refused

  httplib::Params no_token = f.TeaForm("issue");
  no_token.erase("csrf");
  auto r = f.PostForm("/console/lots/new", no_token, f.cookie);
  REQUIRE(r);
  CHECK(r->status == 403);
  auto product = f.PostForm("/console/products",
                            {{"name", "x"}, {"category", "y"}, {"net_content_g", "1"}}, f.cookie);
  CHECK(product->status == 403);

  httplib::Params theirs = f.TeaForm("issue");
  theirs.erase("product_id");
  theirs.emplace("product_id", std::to_string(f.other_product));
  auto other = f.PostForm("/console/lots/new", theirs, f.cookie);
  REQUIRE(other);
  CHECK(other->status == 403);
  CHECK(Contains(other->body, "不属于本主体"));

  CHECK(State(f) == before);
  CHECK(f.Rows("refusals") == refusals);
  CHECK(f.Rows("lots") == 0);
}
