// Organisations (经营主体): cooperatives, enterprises, family farms, service stations and village
// collectives, identified by their unified social credit code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agritrace/registry/store.h"

namespace agritrace {

struct OrganisationInput {
  std::string name, credit_code, kind, region;
};

// An organisation as registered.
struct Organisation {
  int64_t id = 0;
  std::string name, credit_code, kind, region;
  std::string created_at;  // UTC, 2024-05-01T08:00:00Z
};
// {"id","name","credit_code","kind","region","created_at"}: the API's and `org add --json`'s form.
void to_json(Json& j, const Organisation& o);

// "organisation.added" names `actor` ("cli", "token:<id>", "user:<username>"). Returns the
// organisation as registered.
Result<Organisation> AddOrganisation(Store& store, const OrganisationInput& org,
                                     const std::string& actor);
Result<Organisation> GetOrganisation(Store& store, int64_t id);

// One page of a search and the number of all that match.
struct OrganisationSearch {
  std::vector<Organisation> items;
  int64_t total = 0;
};

inline constexpr size_t kMaxOrganisationQueryBytes = 100;
// Organisations whose name contains `query` or whose credit code starts with it (case-folded),
// oldest first, skipping `offset`, at most `limit`; an empty query matches all. `total` counts
// all that match.
OrganisationSearch SearchOrganisations(Store& store, const std::string& query, int64_t offset,
                                       int64_t limit);

}  // namespace agritrace
