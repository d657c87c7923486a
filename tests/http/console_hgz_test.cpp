// The console's 承诺达标合格证 form: a clerk issues one for the organisation's lot and downloads
// it; a refusal keeps what was typed and writes nothing; other organisations' lots, bureau
// accounts and forms without the CSRF token are refused.
#include "agritrace/registry/hgz.h"
#include "tests/http/console_fixture.h"
#include "tests/labeler/test_support.h"

using namespace agritrace;
using namespace agritrace::testing;
namespace lt = agritrace::labeler::testing;

TEST_CASE("a clerk issues and prints a 合格证 from the console", "[console][hgz]") {
  ConsoleFixture f;
  const std::string lot = f.Issue(f.TeaLot());  // 100 × 250 g
  const std::string other_lot = [&] {
    LotInput l = f.TeaLot();
    l.product_id = f.other_product;
    l.certs.clear();
    l.origin = "469026100201";
    return f.Issue(l);
  }();
  f.AddAccount("wang.fang", "clerk", f.org, "Kp7mQ2xR9tWz");
  f.AddAccount("li.ju", "bureau", 0, "Kp7mQ2xR9tWy");
  f.Start();
  const std::string cookie = f.SignIn("wang.fang", "Kp7mQ2xR9tWz");
  auto form = f.GetWith("/console/hgz?lot=" + lot, cookie);
  REQUIRE(form);
  CHECK(form->status == 200);
  CHECK(form->body.find("value=\"" + lot + "\"") != std::string::npos);
  const std::string csrf = ConsoleFixture::CsrfOf(form->body);
  REQUIRE_FALSE(csrf.empty());
  const httplib::Headers origin = {{"Origin", f.Origin()}};

  // Over the lot's 25 kg: refused, the form comes back with the reason and what was typed.
  const int64_t hgz = f.Rows("hgz"), events = f.Rows("events");
  auto over = f.PostForm("/console/hgz",
                         {{"csrf", csrf}, {"lot", lot}, {"weight_kg", "30"}, {"basis", "control"},
                          {"contact", "13800138000"}, {"style", "producer"}},
                         cookie, origin);
  REQUIRE(over);
  CHECK(over->status == 422);
  CHECK(over->body.find("超出批次数量") != std::string::npos);
  CHECK(over->body.find("value=\"30\"") != std::string::npos);
  // Another organisation's lot, and a form without its CSRF token.
  auto foreign = f.PostForm("/console/hgz",
                            {{"csrf", csrf}, {"lot", other_lot}, {"weight_kg", "1"},
                             {"basis", "control"}, {"contact", "13800138000"}},
                            cookie, origin);
  REQUIRE(foreign);
  CHECK(foreign->status == 403);
  auto forged = f.PostForm("/console/hgz",
                           {{"lot", lot}, {"weight_kg", "1"}, {"basis", "control"},
                            {"contact", "13800138000"}},
                           cookie, origin);
  REQUIRE(forged);
  CHECK(forged->status == 403);
  CHECK(f.Rows("hgz") == hgz);
  CHECK(f.Rows("events") == events);

  auto ok = f.PostForm("/console/hgz",
                       {{"csrf", csrf}, {"lot", lot}, {"weight_kg", "12.5"},
                        {"basis", "commissioned-test"}, {"report", "HN2026-0412"},
                        {"contact", "13800138000"}, {"style", "producer"}},
                       cookie, origin);
  REQUIRE(ok);
  INFO(ok->body);
  REQUIRE(ok->status == 303);
  const std::string location = ok->get_header_value("Location");
  REQUIRE(location.rfind("/console/hgz/H", 0) == 0);
  const std::string number = location.substr(13, 11);
  auto issued = GetHgz(*f.store, number);
  REQUIRE(issued.ok());
  CHECK(issued->record["weight_g"] == 12500);

  auto page = f.GetWith(location, cookie);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("承诺达标合格证") != std::string::npos);
  CHECK(page->body.find("/console/hgz/" + number + "/print?format=pdf&amp;size=100x70") !=
        std::string::npos);
  auto png = f.GetWith("/console/hgz/" + number + "/print?format=png&size=a5", cookie);
  REQUIRE(png);
  CHECK(png->status == 200);
  CHECK(png->get_header_value("Content-Type") == "image/png");
  TempDir dir;
  WriteFileText(dir / "hgz.png", png->body);
  CHECK(lt::DecodeOne(lt::LoadPng(dir / "hgz.png")) == "HTTPS://V.TEST.EXAMPLE/H/" + number);
  auto bad_size = f.GetWith("/console/hgz/" + number + "/print?format=pdf&size=9x9", cookie);
  REQUIRE(bad_size);
  CHECK(bad_size->status == 422);

  // Bureau staff do not issue; nobody sees another organisation's certificate.
  const std::string bureau = f.SignIn("li.ju", "Kp7mQ2xR9tWy");
  auto b = f.GetWith("/console/hgz", bureau);
  REQUIRE(b);
  CHECK(b->status == 403);
  // Signed out: to the sign-in page.
  auto anon = f.Get("/console/hgz");
  REQUIRE(anon);
  CHECK(anon->status == 303);
}
