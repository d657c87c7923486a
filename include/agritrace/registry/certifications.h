// Certifications (三品一标 and the SC licence, DESIGN.md §4). Never deleted: suspension,
// revocation and reinstatement are status changes, each with its logged event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/registry/store.h"

namespace agritrace {

struct CertificationInput {
  std::string type, number, issuer;
  int64_t holder = 0;
  std::vector<int64_t> products;
  std::string valid_from, valid_to;  // valid_to empty: derived from the type's validity
  int64_t annual_output_kg = -1;     // -1: not limited
  std::vector<std::string> area;     // a GI's protected area
};

// A lot issued under a certificate, as GetCertification lists it.
struct CertificationLotBrief {
  std::string code;
  std::string packed;  // YYYY-MM-DD
  int64_t units = 0;
  int64_t total_g = 0;  // units × net content
};
void to_json(Json& j, const CertificationLotBrief& l);

// A certificate as registered, with its current status.
struct Certification {
  int64_t id = 0;
  std::string type;  // green-food, organic, geographic-indication, pollution-free, sc-license
  std::string number, issuer;
  int64_t holder = 0;  // the holder organisation's id
  std::string valid_from;
  std::optional<std::string> valid_to;      // nullopt: open-ended
  std::optional<int64_t> annual_output_kg;  // nullopt: not limited
  std::string status;                       // active, suspended or revoked
  std::optional<std::string> status_reason;  // the last status change's reason; nullopt: none
  std::string created_at;
  std::vector<int64_t> products;  // covered product ids, ascending
  std::vector<std::string> area;  // a GI's protected area (region codes, ascending); else empty
  // Live for today, set only by GetCertification and ListCertifications (AddValidityToday):
  std::optional<bool> expired;
  std::optional<int64_t> days_to_expiry;  // also nullopt when open-ended
  // Set only by GetCertification: the lots issued under it, oldest first.
  std::optional<std::vector<CertificationLotBrief>> lots;
};
// The JSON the API and `--json` print: optional fields absent when nullopt, "area" absent when
// empty.
void to_json(Json& j, const Certification& c);

// A lot issued under a certificate, as ListCertificationLots lists it.
struct CertificationLot {
  std::string code;
  int64_t product_id = 0;
  std::string product;  // the product's name
  int64_t org_id = 0;
  std::string origin;  // region code
  std::string harvested, packed;  // YYYY-MM-DD
  int64_t units = 0;
  int64_t total_g = 0;
  std::string issued_at;
  bool recalled = false;
};
void to_json(Json& j, const CertificationLot& l);

// A certificate's number and status with the lots issued under it, oldest first.
struct CertificationLotList {
  std::string number, status;
  std::vector<CertificationLot> lots;
};
void to_json(Json& j, const CertificationLotList& l);

// Each change's log event names `actor` ("cli", "token:<id>", "user:<username>").
// Returns the certificate as registered (no live validity, no lots).
Result<Certification> AddCertification(Store& store, const CertificationInput& cert,
                                       const std::string& actor);
// action: "suspend", "revoke" or "reinstate". A revoked certificate cannot be reinstated.
// Returns the certificate with its new status and reason (no live validity, no lots).
Result<Certification> ChangeCertificationStatus(Store& store, const std::string& number,
                                                const std::string& action,
                                                const std::string& reason,
                                                const std::string& actor);
// The certificate with its validity for today and the lots issued under it.
Result<Certification> GetCertification(Store& store, const std::string& number);
// All certificates, oldest first, each with its validity for today (no lots).
std::vector<Certification> ListCertifications(Store& store);
// The lots issued under a certificate, oldest first, with the certificate's number and status.
Result<CertificationLotList> ListCertificationLots(Store& store, const std::string& number);
// Sets the live fields for today: `expired`, and `days_to_expiry` when it has a valid_to.
void AddValidityToday(Certification& cert);

}  // namespace agritrace
