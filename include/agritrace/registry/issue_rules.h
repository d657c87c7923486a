// The rules a lot must pass before it is signed (DESIGN.md §4 "Issue rules"). Each refusal
// carries a stable reason key (for audits) and a message a clerk can act on.
#pragma once

#include "agritrace/registry/lots.h"

namespace agritrace {

struct CheckedLot {
  Json product, producer, origin, brand;  // brand null when none
  Json certifications = Json::array();    // as they appear in the record
  std::vector<int64_t> cert_ids;
  std::string harvested, packed;  // normalised dates
  int64_t net_content_g = 0, total_g = 0;
};

// Reads what the lot refers to and checks every rule; must run inside a transaction so that
// the certified-output sum cannot race another issue.
Result<CheckedLot> CheckIssueRules(Store& store, const LotInput& lot);

}  // namespace agritrace
