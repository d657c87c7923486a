// Certifications (三品一标 and the SC licence, DESIGN.md §4). Never deleted: suspension,
// revocation and reinstatement are status changes, each with its logged event.
#pragma once

#include <string>
#include <vector>

#include "registry/store.h"

namespace agritrace {

struct CertificationInput {
  std::string type, number, issuer;
  int64_t holder = 0;
  std::vector<int64_t> products;
  std::string valid_from, valid_to;  // valid_to empty: derived from the type's validity
  int64_t annual_output_kg = -1;     // -1: not limited
  std::vector<std::string> area;     // a GI's protected area
};

// Each change's log event names `actor` ("cli", "token:<id>", "user:<username>").
Result<Json> AddCertification(Store& store, const CertificationInput& cert,
                              const std::string& actor);
// action: "suspend", "revoke" or "reinstate". A revoked certificate cannot be reinstated.
Result<Json> ChangeCertificationStatus(Store& store, const std::string& number,
                                       const std::string& action, const std::string& reason,
                                       const std::string& actor);
Result<Json> GetCertification(Store& store, const std::string& number);
Json ListCertifications(Store& store);
// The lots issued under a certificate, oldest first: {"number", "status", "lots": [{"code",
// "product_id", "product", "org_id", "origin", "harvested", "packed", "units", "total_g",
// "issued_at", "recalled"}]}.
Result<Json> ListCertificationLots(Store& store, const std::string& number);
// Adds live fields for today: "expired" and "days_to_expiry".
void AddValidityToday(Json& cert);

}  // namespace agritrace
