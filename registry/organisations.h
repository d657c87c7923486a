// Organisations (经营主体): cooperatives, enterprises, family farms, service stations and village
// collectives, identified by their unified social credit code.
#pragma once

#include <string>

#include "registry/store.h"

namespace agritrace {

struct OrganisationInput {
  std::string name, credit_code, kind, region;
};

// "organisation.added" names `actor` ("cli", "token:<id>", "user:<username>").
Result<Json> AddOrganisation(Store& store, const OrganisationInput& org, const std::string& actor);
Result<Json> GetOrganisation(Store& store, int64_t id);

inline constexpr size_t kMaxOrganisationQueryBytes = 100;
// Organisations whose name contains `query` or whose credit code starts with it (case-folded),
// oldest first, skipping `offset`, at most `limit`; an empty query matches all. Each as
// GetOrganisation's. `total` gets the number matching.
Json SearchOrganisations(Store& store, const std::string& query, int64_t offset, int64_t limit,
                         int64_t* total);

}  // namespace agritrace
