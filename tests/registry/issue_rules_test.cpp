// Every issue rule refuses with a clear reason and leaves the registry unchanged but for one
// refusals row.
#include <catch2/catch.hpp>

#include "agritrace/registry/brands.h"
#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::DaysAgo;
using agritrace::testing::RegistryFixture;
using agritrace::testing::Snapshot;

namespace {
int64_t Refusals(Store& s) { return s.db().QueryValue("SELECT COUNT(*) FROM refusals").Int64(); }

// Issues `lot`, expects a refusal with `reason`, and checks that only a refusals row was written.
void ExpectRefused(RegistryFixture& f, const LotInput& lot, const std::string& reason) {
  std::string before = Snapshot(*f.store);
  int64_t refusals = Refusals(*f.store);
  auto r = IssueLot(*f.store, lot);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().reason() == reason);
  CHECK_FALSE(r.status().zh().empty());
  CHECK_FALSE(r.status().en().empty());
  CHECK(Snapshot(*f.store) == before);
  CHECK(Refusals(*f.store) == refusals + 1);
  sql::Statement q(f.store->db(), "SELECT reason FROM refusals ORDER BY id DESC LIMIT 1");
  REQUIRE(q.Step());
  CHECK(q.Column(0).String() == reason);
}
}  // namespace

TEST_CASE("a valid lot is signed over its canonical record", "[issue]") {
  RegistryFixture f;
  auto r = IssueLot(*f.store, f.TeaLot());
  REQUIRE(r.ok());
  std::string code = r->code;
  CHECK(code.size() == 10);
  const Json& rec = r->record;
  CHECK(rec["total_g"] == 25000);
  CHECK(rec["origin"]["full_name"] == "白沙黎族自治县牙叉镇南溪村");
  CHECK(rec["product"]["gtin"] == "06901234567892");
  CHECK(rec["households"][0]["grams"] == 12000);
  auto lot = GetLot(*f.store, code);
  REQUIRE(lot.ok());
  std::string canonical = lot->record_canonical;
  CHECK(canonical == *CanonicalJson(rec));
  CHECK(lot->record == rec);
  auto pub = PublicKeyOf(*f.store, lot->kid);
  auto sig = Base64UrlDecode(lot->signature);
  REQUIRE(sig.has_value());
  CHECK(Ed25519Verify(*pub, canonical, *sig));
  canonical[canonical.find("\"units\":100") + 9] = '9';
  CHECK_FALSE(Ed25519Verify(*pub, canonical, *sig));
  // The event carries the record and signature; the lot points at it.
  sql::Statement ev(f.store->db(), "SELECT kind, leaf FROM events WHERE idx = ?");
  ev.Bind(1, lot->event_index);
  REQUIRE(ev.Step());
  CHECK(ev.Column(0).String() == "lot.issued");
  CHECK(Json::parse(ev.Column(1).String())["data"]["signature"] == lot->signature);
}

TEST_CASE("issue rules refuse and write nothing", "[issue]") {
  RegistryFixture f;
  SECTION("unknown product") {
    auto l = f.TeaLot();
    l.product_id = 999;
    ExpectRefused(f, l, "product-unknown");
  }
  SECTION("unknown origin") {
    auto l = f.TeaLot();
    l.origin = "469025100299";
    ExpectRefused(f, l, "region-unknown");
  }
  SECTION("harvest after packing") {
    auto l = f.TeaLot();
    l.harvested = DaysAgo(1);
    l.packed = DaysAgo(3);
    ExpectRefused(f, l, "date-order");
  }
  SECTION("packing after today") {
    auto l = f.TeaLot();
    l.packed = DaysAgo(-1);
    ExpectRefused(f, l, "date-future");
  }
  SECTION("malformed date") {
    auto l = f.TeaLot();
    l.packed = "2026-13-01";
    ExpectRefused(f, l, "date-format");
  }
  SECTION("certificate not held by the lot's organisation") {
    CertificationInput c{"organic", "124OP2300999", "某认证机构", f.other_org, {f.other_product},
                         DaysAgo(30), "", -1, {}};
    REQUIRE(AddCertification(*f.store, c, "cli").ok());
    auto l = f.TeaLot();
    l.certs = {"124OP2300999"};
    ExpectRefused(f, l, "cert-holder");
  }
  SECTION("certificate not covering the product") {
    auto l = f.TeaLot();
    l.product_id = f.coffee;
    ExpectRefused(f, l, "cert-product");
  }
  SECTION("certificate not yet valid on the packing date") {
    CertificationInput c{"sc-license", "SC11646902500013", "白沙县市场监督管理局", f.org, {f.tea},
                         DaysAgo(2), "", -1, {}};
    REQUIRE(AddCertification(*f.store, c, "cli").ok());
    auto l = f.TeaLot();
    l.certs = {"SC11646902500013"};
    ExpectRefused(f, l, "cert-not-valid-on-packing-date");
  }
  SECTION("certificate expired before the packing date") {
    CertificationInput c{"pollution-free", "WGH-HN-23-00123", "海南省农业农村厅", f.org, {f.tea},
                         DaysAgo(400), DaysAgo(20), -1, {}};
    REQUIRE(AddCertification(*f.store, c, "cli").ok());
    auto l = f.TeaLot();
    l.certs = {"WGH-HN-23-00123"};
    ExpectRefused(f, l, "cert-not-valid-on-packing-date");
  }
  SECTION("revoked certificate") {
    REQUIRE(ChangeCertificationStatus(*f.store, f.green, "revoke", "抽检不合格", "cli").ok());
    ExpectRefused(f, f.TeaLot(), "cert-revoked");
  }
  SECTION("suspended certificate, then reinstated") {
    REQUIRE(ChangeCertificationStatus(*f.store, f.green, "suspend", "整改", "cli").ok());
    ExpectRefused(f, f.TeaLot(), "cert-suspended");
    REQUIRE(ChangeCertificationStatus(*f.store, f.green, "reinstate", "整改完成", "cli").ok());
    CHECK(IssueLot(*f.store, f.TeaLot()).ok());
  }
  SECTION("unknown certificate") {
    auto l = f.TeaLot();
    l.certs = {"LB-18-2304460999A"};
    ExpectRefused(f, l, "cert-unknown");
  }
  SECTION("GI lot from outside the protected area") {
    auto l = f.TeaLot();
    l.certs = {f.gi};
    l.origin = "469025101202";  // 细水乡, outside 牙叉镇
    ExpectRefused(f, l, "gi-outside-area");
    l.origin = "469025100201";  // inside
    CHECK(IssueLot(*f.store, l).ok());
  }
  SECTION("certified annual output exceeded") {
    // 5000 kg a year; 250 g units: 20,000 units fit, one more does not.
    REQUIRE(IssueLot(*f.store, f.TeaLot(12000)).ok());
    ExpectRefused(f, f.TeaLot(8001), "cert-output-exceeded");
    CHECK(IssueLot(*f.store, f.TeaLot(8000)).ok());
    ExpectRefused(f, f.TeaLot(1), "cert-output-exceeded");
  }
  SECTION("failed inspection") {
    auto l = f.TeaLot();
    l.inspections = {{"海南省检测中心", "HN2026-0413", "fail"}};
    ExpectRefused(f, l, "inspection-failed");
  }
  SECTION("household id shaped like an identity number") {
    auto l = f.TeaLot();
    l.households = {{"46902519800101123X", 1000, true}};
    ExpectRefused(f, l, "household-personal-id");
  }
  SECTION("brand not covering the product") {
    BrandInput b{"白沙咖啡", "one-county-one-product", "469025", "provincial", "", 2020, {f.coffee}};
    auto brand = AddBrand(*f.store, b);
    REQUIRE(brand.ok());
    auto l = f.TeaLot();
    l.brand_id = brand->brand.id;
    ExpectRefused(f, l, "brand-product");
  }
  SECTION("zero units") {
    ExpectRefused(f, f.TeaLot(0), "units");
  }
}

TEST_CASE("household and inspection arguments parse exactly", "[issue]") {
  auto h = ParseHousehold("H-0001:120.5:poor");
  REQUIRE(h.ok());
  CHECK(h->grams == 120500);
  CHECK(h->registered_poor);
  CHECK(ParseHousehold("H-2:0.001")->grams == 1);
  CHECK_FALSE(ParseHousehold("H-2:1.0001").ok());
  CHECK_FALSE(ParseHousehold("H-2:1e3").ok());
  CHECK_FALSE(ParseHousehold("H-2:12:rich").ok());
  auto i = ParseInspection("海南省检测中心:HN:2026:pass");
  REQUIRE(i.ok());
  CHECK(i->agency == "海南省检测中心:HN");
  CHECK(i->report == "2026");
  CHECK_FALSE(ParseInspection("x:y:maybe").ok());
}

TEST_CASE("key rotation: new lots use the new key, old lots still verify", "[issue][keys]") {
  RegistryFixture f;
  auto first = IssueLot(*f.store, f.TeaLot());
  REQUIRE(first.ok());
  REQUIRE(f.store->Transact([&]() -> Status { return CreateSigningKey(*f.store).status(); }).ok());
  auto second = IssueLot(*f.store, f.TeaLot());
  REQUIRE(second.ok());
  CHECK(first->kid != second->kid);
  for (const auto& lot : {*first, *second}) {
    auto shown = GetLot(*f.store, lot.code);
    auto pub = PublicKeyOf(*f.store, lot.kid);
    REQUIRE(pub.ok());
    CHECK(Ed25519Verify(*pub, shown->record_canonical, *Base64UrlDecode(lot.signature)));
  }
  const std::vector<ListedSigningKey> keys = ListSigningKeys(*f.store);
  REQUIRE(keys.size() == 2);
  CHECK_FALSE(keys[0].current());
  CHECK(keys[1].current());
  CHECK(keys[1].kid == second->kid);
}

TEST_CASE("recall and trace events are logged, never edits", "[issue]") {
  RegistryFixture f;
  auto lot = IssueLot(*f.store, f.TeaLot());
  std::string code = lot->code;
  std::string record_before = GetLot(*f.store, code)->record_canonical;
  REQUIRE(AddTraceEvent(*f.store, code, "shipping", "2026-04-11T09:00:00+08:00", "469025", "顺丰", "发往海口").ok());
  CHECK(AddTraceEvent(*f.store, code, "teleporting", "2026-04-11", "469025", "", "").status().code() == StatusCode::kInvalid);
  CHECK(AddTraceEvent(*f.store, code, "shipping", "yesterday", "469025", "", "").status().code() == StatusCode::kInvalid);
  REQUIRE(RecallLot(*f.store, code, "农残超标").ok());
  CHECK(RecallLot(*f.store, code, "again").status().code() == StatusCode::kConflict);
  auto shown = GetLot(*f.store, code);
  CHECK(shown->recalled);
  REQUIRE(shown->trace.size() == 2);
  CHECK(shown->trace[0].step == "shipping");
  CHECK(shown->trace[0].place == "469025");
  CHECK(shown->trace[0].actor == "顺丰");
  CHECK(shown->trace[0].note == "发往海口");
  CHECK(shown->trace[1].step == "recall");
  CHECK_FALSE(shown->trace[1].place.has_value());
  CHECK(shown->trace[1].note == "农残超标");
  CHECK(shown->record_canonical == record_before);
  CHECK(GetLot(*f.store, "0000000000").status().code() == StatusCode::kNotFound);
}

TEST_CASE("certification status changes are final once revoked", "[issue]") {
  RegistryFixture f;
  CHECK(ChangeCertificationStatus(*f.store, f.green, "reinstate", "x", "cli").status().code() == StatusCode::kConflict);
  REQUIRE(ChangeCertificationStatus(*f.store, f.green, "revoke", "抽检不合格", "cli").ok());
  CHECK(ChangeCertificationStatus(*f.store, f.green, "reinstate", "申诉", "cli").status().reason() == "cert-revoked");
  CHECK(ChangeCertificationStatus(*f.store, "AGI99999", "revoke", "x", "cli").status().code() == StatusCode::kNotFound);
  auto c = GetCertification(*f.store, f.green);
  REQUIRE(c.ok());
  CHECK(c->status == "revoked");
  CHECK(c->status_reason == "抽检不合格");
}
