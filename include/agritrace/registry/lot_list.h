// Lists for the console's pages (issue 13): an organisation's lots a page at a time, newest
// first, and the registry's counts for the bureau's overview. Reads only.
#pragma once

#include <cstdint>

#include "agritrace/registry/store.h"

namespace agritrace {

inline constexpr int64_t kMaxLotPageSize = 100;

// The organisation's lots with id order descending (newest issued first), skipping `offset`,
// at most `limit` (1..kMaxLotPageSize, else Status::Invalid): {"code","product","packed",
// "units","codes_minted","recalled"}.
Result<Json> ListOrganisationLots(Store& store, int64_t org_id, int64_t offset, int64_t limit);
int64_t CountOrganisationLots(Store& store, int64_t org_id);
// {"organisations","certifications","active_certifications","lots","users"}.
Json RegistryCounts(Store& store);

}  // namespace agritrace
