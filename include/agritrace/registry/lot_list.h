// Lists for the console's pages (issue 13): an organisation's lots a page at a time, newest
// first, and the registry's counts for the bureau's overview. Reads only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agritrace/registry/store.h"

namespace agritrace {

inline constexpr int64_t kMaxLotPageSize = 100;

// One line of an organisation's list of lots.
struct ListedLot {
  std::string code;
  std::string product;  // the product's name
  std::string packed;   // YYYY-MM-DD
  int64_t units = 0;
  int64_t codes_minted = 0;  // unit codes minted so far
  bool recalled = false;
};
// {"code","product","packed","units","codes_minted","recalled"}.
void to_json(Json& j, const ListedLot& lot);

// The organisation's lots with id order descending (newest issued first), skipping `offset`,
// at most `limit` (1..kMaxLotPageSize, else Status::Invalid).
Result<std::vector<ListedLot>> ListOrganisationLots(Store& store, int64_t org_id, int64_t offset,
                                                    int64_t limit);
int64_t CountOrganisationLots(Store& store, int64_t org_id);

// What the registry holds, for the bureau's overview.
struct RegistryTotals {
  int64_t organisations = 0;
  int64_t certifications = 0;
  int64_t active_certifications = 0;
  int64_t lots = 0;
  int64_t users = 0;  // accounts not disabled
};
// {"organisations","certifications","active_certifications","lots","users"}.
void to_json(Json& j, const RegistryTotals& t);
RegistryTotals RegistryCounts(Store& store);

}  // namespace agritrace
