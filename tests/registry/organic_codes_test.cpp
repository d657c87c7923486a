// 有机码: the certifier's list is read strictly, each code goes to one unit in serial order in
// one transaction with its event, and every refusal leaves the registry as it was.
#include "agritrace/registry/organic_codes.h"

#include <catch2/catch.hpp>

#include "agritrace/registry/crockford.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/unit_store.h"
#include "tests/support/registry_fixture.h"

namespace agritrace {
namespace {

using testing::RegistryFixture;
using testing::Snapshot;

constexpr const char* kOrganicCert = "151OP2600123";

std::string Code(int i) {  // a 17-digit 有机码
  char buf[24];
  snprintf(buf, sizeof buf, "1512400%010d", i);
  return buf;
}

std::vector<std::string> Codes(int first, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(Code(first + i));
  return out;
}

std::string UnitCode() {
  std::string c = crockford::Random(15);
  c.push_back(crockford::CheckChar(c));
  return c;
}

// The fixture with an organic certificate and an organic tea lot of `units` minted units.
struct OrganicFixture : RegistryFixture {
  std::string lot;
  int64_t lot_id = 0;

  explicit OrganicFixture(int units = 10) {
    CertificationInput organic{"organic", kOrganicCert, "中绿华夏有机食品认证中心",
                               org,       {tea},        testing::DaysAgo(30),
                               "",        5000,         {}};
    REQUIRE(AddCertification(*store, organic, "cli").ok());
    LotInput l = TeaLot(50);
    l.certs = {green, kOrganicCert};
    auto issued = IssueLot(*store, l);
    REQUIRE(issued.ok());
    lot = issued->code;
    sql::Statement q(store->db(), "SELECT id FROM lots WHERE code = ?");
    q.Bind(1, lot);
    REQUIRE(q.Step());
    lot_id = q.Column(0).Int64();
    Mint(units);
  }
  void Mint(int n) {
    std::vector<std::string> codes;
    for (int i = 0; i < n; ++i) codes.push_back(UnitCode());
    REQUIRE(InsertUnits(store->db(), lot_id, codes, false).ok());
  }
  // serial → 有机码 ("" for none), through the reader the labeler prints with.
  std::vector<std::string> Printed(int64_t first, int64_t last) {
    auto reader = OrganicCodeReader::Open(store->db(), lot_id, first, last);
    REQUIRE(reader.ok());
    std::vector<std::string> out;
    for (int64_t s = first; s <= last; ++s) {
      Result<std::string> c = (*reader)->For(s);
      REQUIRE(c.ok());
      out.push_back(*c);
    }
    return out;
  }
};

TEST_CASE("organic codes: the list's format, 17 or 18 digits a line", "[organic_codes]") {
  // As a Chinese input method types it: full-width digits (U+FF10 …).
  std::string full_width;
  for (char c : std::string("15124000000000009")) {
    full_width += "\xEF\xBC";
    full_width.push_back(static_cast<char>(0x90 + (c - '0')));
  }
  Result<std::vector<std::string>> codes =
      ParseOrganicCodes("\xEF\xBB\xBF" + Code(1) + "\r\n\n  1512 4000 0000 00002 \n" + full_width +
                        "\n151240000000000004\n");
  REQUIRE(codes.ok());
  CHECK(*codes ==
        std::vector<std::string>{Code(1), Code(2), "15124000000000009", "151240000000000004"});

  Result<std::vector<std::string>> short_code = ParseOrganicCodes(Code(1) + "\n1512400000000001\n");
  CHECK(short_code.status().reason() == "organic-code-format");
  CHECK(short_code.status().zh().find("第 2 行") != std::string::npos);
  CHECK(short_code.status().en().find("17 digits, or 18") != std::string::npos);
  CHECK(ParseOrganicCodes("1512400000000000123\n").status().reason() == "organic-code-format");
  CHECK(ParseOrganicCodes("15124000000000A01\n").status().reason() == "organic-code-format");
  CHECK(ParseOrganicCodes("有机码\n" + Code(1)).status().zh().find("第 1 行") != std::string::npos);

  Result<std::vector<std::string>> twice =
      ParseOrganicCodes(Code(1) + "\n" + Code(2) + "\n" + Code(1));
  CHECK(twice.status().reason() == "organic-code-repeated");
  CHECK(twice.status().zh().find("第 3 行") != std::string::npos);
  CHECK(twice.status().zh().find("第 1 行") != std::string::npos);
  CHECK(ParseOrganicCodes("\n \r\n").status().reason() == "organic-codes-empty");
}

TEST_CASE("organic codes go to the units in serial order, with their event", "[organic_codes]") {
  OrganicFixture f(10);
  Result<LoadedOrganicCodes> first = LoadOrganicCodes(*f.store, f.lot, Codes(1, 4));
  REQUIRE(first.ok());
  CHECK(first->lot == f.lot);
  CHECK(first->loaded == 4);
  CHECK(first->first_serial == 1);
  CHECK(first->last_serial == 4);
  CHECK(first->waiting == 6);
  CHECK(first->certification == kOrganicCert);
  std::string joined;
  for (const std::string& c : Codes(1, 4)) joined += c + "\n";
  CHECK(first->codes_sha256 == HexEncode(Sha256(joined)));
  // `label organic-codes --json` (schemas/label-organic-codes.schema.json).
  CHECK(Json(*first) == Json{{"lot", f.lot},
                             {"certification", kOrganicCert},
                             {"loaded", 4},
                             {"first_serial", 1},
                             {"last_serial", 4},
                             {"waiting", 6},
                             {"codes_sha256", HexEncode(Sha256(joined))},
                             {"event_index", first->event_index}});
  // The event is in the log, in the same transaction; its data is the answer without the
  // waiting count and the event's own index.
  sql::Statement ev(f.store->db(), "SELECT kind, leaf FROM events WHERE idx = ?");
  ev.Bind(1, first->event_index);
  REQUIRE(ev.Step());
  CHECK(ev.Column(0).String() == "organic_codes.loaded");
  Json answer = Json(*first);
  answer.erase("waiting");
  answer.erase("event_index");
  CHECK(Json::parse(ev.Column(1).String())["data"] == answer);

  // A second list continues with the next units; one code of 18 digits.
  std::vector<std::string> more = Codes(100, 2);
  more.push_back("151240000000000777");
  Result<LoadedOrganicCodes> second = LoadOrganicCodes(*f.store, f.lot, more);
  REQUIRE(second.ok());
  CHECK(second->first_serial == 5);
  CHECK(second->last_serial == 7);
  std::vector<std::string> want = Codes(1, 4);
  want.insert(want.end(), more.begin(), more.end());
  want.insert(want.end(), {"", "", ""});
  CHECK(f.Printed(1, 10) == want);
  CHECK(f.Printed(6, 6) == std::vector<std::string>{more[1]});
  CHECK(*CountUnitsWithoutOrganicCode(f.store->db(), f.lot_id, 1, 10) == 3);
  CHECK(*CountUnitsWithoutOrganicCode(f.store->db(), f.lot_id, 1, 7) == 0);
  CHECK(*OrganicCertificate(f.store->db(), f.lot_id) == kOrganicCert);
}

TEST_CASE("organic codes: refusals name the fault and write nothing", "[organic_codes]") {
  OrganicFixture f(5);
  REQUIRE(LoadOrganicCodes(*f.store, f.lot, Codes(1, 2)).ok());
  const std::string before = Snapshot(*f.store);

  SECTION("a code already loaded, for this lot or another") {
    std::vector<std::string> again = Codes(50, 1);
    again.push_back(Code(2));
    Result<LoadedOrganicCodes> r = LoadOrganicCodes(*f.store, f.lot, again);
    CHECK(r.status().code() == StatusCode::kConflict);
    CHECK(r.status().reason() == "organic-code-taken");
    CHECK(r.status().zh().find(Code(2)) != std::string::npos);
  }
  SECTION("more codes than units waiting for one") {
    Result<LoadedOrganicCodes> r = LoadOrganicCodes(*f.store, f.lot, Codes(10, 4));
    CHECK(r.status().reason() == "organic-codes-exceed-units");
    CHECK(r.status().zh().find("只有 3 个") != std::string::npos);
    CHECK(r.status().zh().find("label mint") != std::string::npos);
  }
  SECTION("a lot without an organic certificate") {
    auto lot = IssueLot(*f.store, f.TeaLot(5));
    REQUIRE(lot.ok());
    const std::string plain = Snapshot(*f.store);
    Result<LoadedOrganicCodes> r = LoadOrganicCodes(*f.store, lot->code, Codes(10, 1));
    CHECK(r.status().reason() == "not-organic");
    CHECK(r.status().zh().find("没有有机产品认证") != std::string::npos);
    CHECK(Snapshot(*f.store) == plain);
    return;
  }
  SECTION("a suspended organic certificate") {
    REQUIRE(ChangeCertificationStatus(*f.store, kOrganicCert, "suspend", "抽检不合格", "cli").ok());
    const std::string suspended = Snapshot(*f.store);
    Result<LoadedOrganicCodes> r = LoadOrganicCodes(*f.store, f.lot, Codes(10, 1));
    CHECK(r.status().reason() == "cert-inactive");
    CHECK(r.status().zh().find("已暂停") != std::string::npos);
    CHECK(Snapshot(*f.store) == suspended);
    return;
  }
  SECTION("a recalled lot") {
    REQUIRE(RecallLot(*f.store, f.lot, "农残超标").ok());
    const std::string recalled = Snapshot(*f.store);
    Result<LoadedOrganicCodes> r = LoadOrganicCodes(*f.store, f.lot, Codes(10, 1));
    CHECK(r.status().reason() == "lot-recalled");
    CHECK(Snapshot(*f.store) == recalled);
    return;
  }
  SECTION("an unknown lot") {
    Result<LoadedOrganicCodes> r = LoadOrganicCodes(*f.store, "0000000000", Codes(10, 1));
    CHECK(r.status().code() == StatusCode::kNotFound);
  }
  CHECK(Snapshot(*f.store) == before);
}

}  // namespace
}  // namespace agritrace
