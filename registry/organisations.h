// Organisations (经营主体): cooperatives, enterprises, family farms, service stations and village
// collectives, identified by their unified social credit code.
#pragma once

#include <string>

#include "registry/store.h"

namespace agritrace {

struct OrganisationInput {
  std::string name, credit_code, kind, region;
};

Result<Json> AddOrganisation(Store& store, const OrganisationInput& org);
Result<Json> GetOrganisation(Store& store, int64_t id);

}  // namespace agritrace
