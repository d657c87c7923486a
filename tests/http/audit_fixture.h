// A registry seeded with known answers for the bureau's reports, a bureau and a cooperative token,
// and the verify server on a loopback port (VerifyFixture):
//  - certificate WGH-HN-23-00124 certifies 10 kg; its lot issues 40 × 250 g = 10 kg and 44 unit
//    codes are minted, so 11 kg are labelled: over output;
//  - certificate WGH-HN-23-00123 expires in 30 days;
//  - the fixture's green-food and GI certificates: four certificates in all;
//  - one refused issue whose certificate number is hostile HTML, and a holder named with a script;
//  - unit code C100001 scanned 7 times (copied), two scans of unknown codes.
#pragma once

#include "agritrace/registry/tokens.h"
#include "tests/http/verify_fixture.h"
#include "tests/support/audit_seed.h"

namespace agritrace::testing {

inline constexpr const char* kHostileHolder = "合作社<script>alert(\"x\")</script>";
inline constexpr const char* kHostileCert = "<img src=x onerror=alert(1)>";

struct AuditFixture : VerifyFixture {
  std::string bureau_token, coop_token;
  std::string over_cert = "WGH-HN-23-00124", soon_cert = "WGH-HN-23-00123";
  std::string lot, year, month;

  AuditFixture() {
    CertificationInput over{"pollution-free",
                            over_cert,
                            "海南省农业农村厅",
                            org,
                            {tea},
                            DaysAgo(100),
                            DaysAgo(-400),
                            10,
                            {}};
    REQUIRE(AddCertification(*store, over, "cli").ok());
    CertificationInput soon{"pollution-free",
                            soon_cert,
                            "海南省农业农村厅",
                            org,
                            {tea},
                            DaysAgo(300),
                            DaysAgo(-30),
                            -1,
                            {}};
    REQUIRE(AddCertification(*store, soon, "cli").ok());
    LotInput l = TeaLot(40);
    l.certs = {over_cert};
    lot = Issue(l);
    year = l.packed.substr(0, 4);
    month = l.packed.substr(0, 7);
    AddUnitCodes(*store, lot, 44, "C");
    LotInput refused = TeaLot();
    refused.certs = {kHostileCert};
    REQUIRE_FALSE(IssueLot(*store, refused).ok());
    store->db().Exec("UPDATE organisations SET name = '" + std::string(kHostileHolder) +
                     "' WHERE id = " + std::to_string(org));
    for (int i = 0; i < 7; ++i)
      AddScan(*store, "C100001", "unit", l.packed + "T01:00:00Z", "net-a");
    AddScan(*store, "C100002", "unit", l.packed + "T02:00:00Z", "net-a");
    AddScan(*store, "ZZZZZZZZZZZZZZZZ", "unknown", "2026-04-12T03:00:00Z", "net-x");
    AddScan(*store, "YYYY", "malformed", "2026-04-12T04:00:00Z", "net-y");
    bureau_token = CreateToken(*store, {"bureau", 0, "县农业农村局稽查"})->secret;
    coop_token = CreateToken(*store, {"cooperative", org, "合作社文员"})->secret;
  }

  httplib::Result GetAs(const std::string& token, const std::string& path) {
    return Get(path, {{"Authorization", "Bearer " + token}});
  }

  int64_t Denials() {
    return store->db().QueryValue("SELECT COUNT(*) FROM access_denials").Int64();
  }
};

}  // namespace agritrace::testing
