// What the console's lot form offers to choose from (issue 13): the registered villages that
// match a search, and the certificates an organisation may apply to a product's lot. Reads
// only; the lot's issue rules still judge what is chosen.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/registry/store.h"

namespace agritrace {

inline constexpr int64_t kMaxVillageChoices = 200;

// A registered village as the lot form offers it: {"code","name","full_name","poverty_registered"}.
struct VillageChoice {
  std::string code, name;
  std::string full_name;  // RegionFullName: "海南省白沙黎族自治县牙叉镇南溪村"
  bool poverty_registered = false;
};
void to_json(Json& j, const VillageChoice& v);

// {"villages": [...], "more": bool}
struct VillageChoices {
  std::vector<VillageChoice> villages;
  bool more = false;  // others matched beyond the limit
};
void to_json(Json& j, const VillageChoices& v);

// Registered villages (12-digit codes below a township) whose code starts with `query`, or
// whose name or township's name contains it; all villages for an empty query. At most `limit`
// (1..kMaxVillageChoices) by code, and whether others matched.
VillageChoices FindVillages(Store& store, const std::string& query, int64_t limit);

// An active certificate as the lot form offers it: what a clerk needs to choose it.
struct CertificationChoice {
  std::string number, type, valid_from;
  std::optional<std::string> valid_to;      // nullopt: open-ended
  std::optional<int64_t> annual_output_kg;  // nullopt: not limited
  std::vector<int64_t> products;            // covered product ids, ascending
};
// Optional fields absent when nullopt.
void to_json(Json& j, const CertificationChoice& c);

// The organisation's active certificates that cover `product_id` (any of its products for 0),
// oldest first.
std::vector<CertificationChoice> ActiveCertificationsFor(Store& store, int64_t org_id,
                                                         int64_t product_id);

}  // namespace agritrace
