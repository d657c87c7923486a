// 承诺达标合格证: issued within the lot's weight, signed over the canonical record, logged; every
// refusal writes nothing.
#include "agritrace/registry/hgz.h"

#include <catch2/catch.hpp>

#include <climits>

#include "agritrace/registry/crockford.h"
#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "tests/support/registry_fixture.h"

namespace agritrace {
namespace {

using testing::RegistryFixture;
using testing::Snapshot;

struct HgzFixture : RegistryFixture {
  std::string lot;
  HgzFixture() { lot = IssueLot(*store, TeaLot(100))->code; }  // 100 × 250 g = 25 kg

  HgzInput Weight(int64_t grams) const {
    HgzInput in;
    in.lot = lot;
    in.weight_g = grams;
    in.basis = "control";
    in.contact = "13800138000";
    return in;
  }
  HgzInput Pieces(int64_t n) const {
    HgzInput in = Weight(0);
    in.pieces = n;
    return in;
  }
  int64_t Rows(const std::string& table) {
    return store->db().QueryValue("SELECT COUNT(*) FROM " + table).Int64();
  }
};

TEST_CASE("a producer's certificate is signed over its canonical record and logged", "[hgz]") {
  HgzFixture f;
  auto r = IssueHgz(*f.store, f.Weight(12500));
  REQUIRE(r.ok());
  const std::string number = r->number;
  CHECK(number.size() == 11);
  CHECK(number[0] == 'H');
  CHECK(crockford::CheckValid(number.substr(1)));
  const Json& rec = r->record;
  CHECK(rec["schema"] == "agritrace.hgz.v1");
  CHECK(rec["lot"] == f.lot);
  CHECK(rec["weight_g"] == 12500);
  CHECK(rec["covered_g"] == 12500);
  CHECK_FALSE(rec.contains("pieces"));
  CHECK(rec["product"]["name"] == "白沙绿茶");
  CHECK(rec["origin"]["name"] == "南溪村");
  CHECK(rec["party"]["name"] == "白沙县牙叉镇茶叶专业合作社");
  CHECK(rec["party"]["credit_code"] == "91350100M000100Y43");
  CHECK(rec["style"] == "producer");
  CHECK(rec["commitment"] == "未使用禁用农药、兽药及其他化合物；使用的常规农药、兽药残留不超标。");
  CHECK(rec["basis_text"] == "质量安全控制符合要求");
  CHECK(rec["issued_on"] == TodayShanghai());
  CHECK_FALSE(rec.contains("received"));

  auto got = GetHgz(*f.store, number);
  REQUIRE(got.ok());
  CHECK(got->signature_valid);
  CHECK_FALSE(got->lot_recalled);
  CHECK(got->event_index == r->event_index);
  auto pub = PublicKeyOf(*f.store, got->kid);
  REQUIRE(pub.ok());
  const std::string canonical = got->record_canonical;
  CHECK(canonical == *CanonicalJson(rec));
  CHECK(Ed25519Verify(*pub, canonical, *Base64UrlDecode(got->signature)));
  // One flipped byte of the record and the signature no longer holds.
  std::string forged = canonical;
  forged.replace(forged.find("12500"), 5, "22500");
  CHECK_FALSE(
      Ed25519Verify(*pub, forged, *Base64UrlDecode(got->signature)));

  sql::Statement ev(f.store->db(), "SELECT kind, leaf FROM events WHERE idx = ?");
  ev.Bind(1, r->event_index);
  REQUIRE(ev.Step());
  CHECK(ev.Column(0).String() == "hgz.issued");
  CHECK(Json::parse(ev.Column(1).String())["data"]["record"] == rec);

  auto list = ListHgz(*f.store, f.lot);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  const HgzSummary& listed = (*list)[0];
  CHECK(listed.number == number);
  CHECK(listed.lot == f.lot);
  CHECK(listed.weight_g == 12500);
  CHECK_FALSE(listed.pieces);
  CHECK(listed.covered_g == 12500);
  CHECK(listed.party == "白沙县牙叉镇茶叶专业合作社");

  // What the API and `hgz show|list --json` print: the same keys as before the records were
  // structs (schemas/hgz.schema.json and the CLI's schema check the rest).
  const Json shown = *got;
  for (const char* key : {"number", "record", "record_canonical", "signature", "kid",
                          "event_index", "signature_valid", "lot_recalled"})
    CHECK(shown.contains(key));
  CHECK(shown.size() == 8);
  CHECK(shown["record"] == rec);
  const Json item = listed;
  CHECK(item == Json{{"number", number}, {"lot", f.lot}, {"issued_on", TodayShanghai()},
                     {"style", "producer"}, {"basis", "control"}, {"weight_g", 12500},
                     {"covered_g", 12500}, {"party", "白沙县牙叉镇茶叶专业合作社"}});
  CHECK(ListHgz(*f.store, "ZZZZZZZZZZ").status().code() == StatusCode::kNotFound);
  CHECK(GetHgz(*f.store, "H0000000000").status().reason() == "hgz-unknown");
}

TEST_CASE("certificates of a lot may not together exceed its weight", "[hgz]") {
  HgzFixture f;
  REQUIRE(IssueHgz(*f.store, f.Weight(20000)).ok());  // 20 of 25 kg
  const std::string before = Snapshot(*f.store);
  const int64_t hgz = f.Rows("hgz"), events = f.Rows("events"), refusals = f.Rows("refusals");

  auto over = IssueHgz(*f.store, f.Weight(5001));
  REQUIRE_FALSE(over.ok());
  CHECK(over.status().code() == StatusCode::kInvalid);
  CHECK(over.status().reason() == "hgz-over-lot");
  CHECK(over.status().zh().find("最多还能开 5 公斤（20 件）") != std::string::npos);
  CHECK(over.status().en().find("at most 5 kg (20 units) more") != std::string::npos);
  CHECK(IssueHgz(*f.store, f.Pieces(21)).status().reason() == "hgz-over-lot");
  // Pieces whose grams overflow int64 are refused, not wrapped round to a small number.
  CHECK(IssueHgz(*f.store, f.Pieces(INT64_MAX / 100)).status().reason() == "hgz-over-lot");
  CHECK(IssueHgz(*f.store, f.Weight(INT64_MAX)).status().reason() == "hgz-over-lot");
  CHECK(Snapshot(*f.store) == before);
  CHECK(f.Rows("hgz") == hgz);
  CHECK(f.Rows("events") == events);
  CHECK(f.Rows("refusals") == refusals);

  // Exactly what is left is fine, in pieces; then the lot is full.
  auto rest = IssueHgz(*f.store, f.Pieces(20));
  REQUIRE(rest.ok());
  CHECK(rest->record["pieces"] == 20);
  CHECK(rest->record["covered_g"] == 5000);
  CHECK(IssueHgz(*f.store, f.Weight(1)).status().reason() == "hgz-over-lot");
}

TEST_CASE("bad certificate input is refused with a reason and writes nothing", "[hgz]") {
  HgzFixture f;
  const std::string before = Snapshot(*f.store);
  const int64_t refusals = f.Rows("refusals");
  HgzInput in = f.Weight(1000);
  std::string reason;
  SECTION("no quantity") { in.weight_g = 0, reason = "hgz-quantity"; }
  SECTION("both weight and pieces") { in.pieces = 2, reason = "hgz-quantity"; }
  SECTION("negative pieces") { in = f.Pieces(-3), reason = "hgz-quantity"; }
  SECTION("unknown basis") { in.basis = "trust-me", reason = "hgz-basis"; }
  SECTION("a test without its report") { in.basis = "self-test", reason = "hgz-report"; }
  SECTION("a report under control") { in.report = "R-1", reason = "hgz-report"; }
  SECTION("a report with a control character") {
    in.basis = "commissioned-test", in.report = "R\n1", reason = "hgz-report";
  }
  SECTION("a report too long") {
    in.basis = "commissioned-test", in.report = std::string(65, 'R'), reason = "hgz-report";
  }
  SECTION("a short phone") { in.contact = "1380013800", reason = "hgz-contact"; }
  SECTION("a phone with letters") { in.contact = "1380013800a", reason = "hgz-contact"; }
  SECTION("unknown style") { in.style = "retailer", reason = "hgz-style"; }
  SECTION("a producer listing received certificates") {
    in.from = {"H0000000000"}, reason = "hgz-from";
  }
  SECTION("a collector listing one twice") {
    auto first = IssueHgz(*f.store, f.Weight(1000));
    REQUIRE(first.ok());
    in.style = "collector";
    in.from = {first->number, first->number};
    reason = "hgz-from";
  }
  SECTION("a mistyped received number") {
    in.style = "collector", in.from = {"H0000000001"}, reason = "hgz-number";
  }
  SECTION("an unknown received number") {
    std::string n = crockford::Random(9);
    in.style = "collector", in.from = {"H" + n + crockford::CheckChar(n)};
    reason = "hgz-from-unknown";
  }
  SECTION("an unknown lot") { in.lot = "ZZZZZZZZZZ", reason = "lot-unknown"; }
  const std::string snapshot = Snapshot(*f.store);  // a section may issue one first
  auto r = IssueHgz(*f.store, in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().reason() == reason);
  CHECK_FALSE(r.status().zh().empty());
  CHECK_FALSE(r.status().en().empty());
  CHECK(Snapshot(*f.store) == snapshot);
  CHECK(f.Rows("refusals") == refusals);
  (void)before;
}

TEST_CASE("a test basis carries its report, a landline is a contact too", "[hgz]") {
  HgzFixture f;
  HgzInput in = f.Weight(1000);
  in.basis = "commissioned-test";
  in.report = "HN2026-0412";
  in.contact = "0898-12345678";
  auto r = IssueHgz(*f.store, in);
  REQUIRE(r.ok());
  CHECK(r->record["report"] == "HN2026-0412");
  CHECK(r->record["basis_text"] == "委托检测合格");
  in.basis = "self-test";
  in.contact = "01012345678";
  auto s = IssueHgz(*f.store, in);
  REQUIRE(s.ok());
  CHECK(s->record["basis_text"] == "自行检测合格");
}

TEST_CASE("a collector's certificate names the certificates it received", "[hgz]") {
  HgzFixture f;
  auto a = IssueHgz(*f.store, f.Weight(1000));
  auto b = IssueHgz(*f.store, f.Weight(1000));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  HgzInput in = f.Weight(2000);
  in.style = "collector";
  // As typed from paper: lower case, a hyphen.
  std::string typed = b->number;
  for (char& c : typed) c = static_cast<char>(std::tolower(c));
  typed.insert(6, "-");
  in.from = {a->number, typed};
  auto c = IssueHgz(*f.store, in);
  REQUIRE(c.ok());
  const Json& rec = c->record;
  CHECK(rec["style"] == "collector");
  CHECK(rec["commitment"] ==
        "已按规定收取并保存该批次农产品承诺达标合格证或者其他质量安全合格证明；"
        "未违规使用保鲜剂、防腐剂、添加剂等。");
  CHECK(rec["received"] == Json::array({a->number, b->number}));
  CHECK(f.Rows("hgz_received") == 2);
  // Without received certificates a collector commits to holding other proofs.
  in.from.clear();
  auto d = IssueHgz(*f.store, in);
  REQUIRE(d.ok());
  CHECK(d->record["received"] == Json::array());
}

TEST_CASE("a recalled lot gets no certificate", "[hgz]") {
  HgzFixture f;
  REQUIRE(RecallLot(*f.store, f.lot, "抽检不合格").ok());
  const std::string before = Snapshot(*f.store);
  auto r = IssueHgz(*f.store, f.Weight(1000));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().reason() == "lot-recalled");
  CHECK(Snapshot(*f.store) == before);
}

TEST_CASE("certificate numbers are read as people type them", "[hgz]") {
  std::string payload = "7KQ2M9XW4";
  std::string number = "H" + payload + crockford::CheckChar(payload);
  std::string typed = "h7kq2m-9xw4" + std::string(1, static_cast<char>(std::tolower(number.back())));
  CHECK(*NormalizeHgzNumber(typed) == number);
  std::string wrong = number;
  wrong[3] = wrong[3] == '2' ? '3' : '2';
  CHECK(NormalizeHgzNumber(wrong).status().reason() == "hgz-number");
  CHECK(NormalizeHgzNumber("X7KQ2M9XW40").status().reason() == "hgz-number");
  CHECK(NormalizeHgzNumber("H7KQ").status().reason() == "hgz-number");
  CHECK(*ParseKilograms("120.5") == 120500);
  CHECK(*ParseKilograms("0.001") == 1);
  CHECK_FALSE(ParseKilograms("1e3").ok());
  CHECK_FALSE(ParseKilograms("-1").ok());
  CHECK_FALSE(ParseKilograms("1.0001").ok());
  CHECK_FALSE(ParseKilograms("1234567890").ok());
}

}  // namespace
}  // namespace agritrace
