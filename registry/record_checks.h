// Look-ups shared by the record services: "does X exist", with the message a clerk can act on.
#pragma once

#include <string>

#include "agritrace/registry/store.h"

namespace agritrace {

Status RequireRegion(Store& store, const std::string& code);
Status OrganisationNotFound(int64_t id);
Status ProductNotFound(int64_t id);
Status RequireOrganisation(Store& store, int64_t id);
Status RequireProduct(Store& store, int64_t id);
// Appends the event inside the current transaction, as a Status.
Status LogEvent(Store& store, std::string_view kind, const Json& data);

}  // namespace agritrace
