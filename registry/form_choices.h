// What the console's lot form offers to choose from (issue 13): the registered villages that
// match a search, and the certificates an organisation may apply to a product's lot. Reads
// only; the lot's issue rules still judge what is chosen.
#pragma once

#include <string>

#include "registry/store.h"

namespace agritrace {

inline constexpr int64_t kMaxVillageChoices = 200;

// Registered villages (12-digit codes below a township) whose code starts with `query`, or
// whose name or township's name contains it; all villages for an empty query. At most `limit`
// (1..kMaxVillageChoices) by code, plus "more": whether others matched.
// {"villages": [{"code","name","full_name","poverty_registered"}], "more": bool}
Json FindVillages(Store& store, const std::string& query, int64_t limit);
// The organisation's active certificates that cover `product_id` (any of its products for 0),
// oldest first: [{"number","type","valid_from","valid_to"?,"annual_output_kg"?,"products":[ids]}].
Json ActiveCertificationsFor(Store& store, int64_t org_id, int64_t product_id);

}  // namespace agritrace
