// API bearer tokens (DESIGN.md §9): 256 random bits shown once, stored only as SHA-256.
#pragma once

#include <optional>
#include <string>

#include "registry/store.h"

namespace agritrace {

struct TokenInput {
  std::string role;  // bureau | cooperative
  int64_t org_id = 0;  // required for cooperative
  std::string name;
};

// Who a presented token belongs to.
struct Principal {
  int64_t token_id = 0;
  std::string role;
  int64_t org_id = 0;  // 0 for bureau
  std::string name;
};

// Creates a token; the returned JSON's "token" is the only time the secret is shown.
Result<Json> CreateToken(Store& store, const TokenInput& in);
Result<Json> RevokeToken(Store& store, int64_t id);
Json ListTokens(Store& store);
// The principal of a presented token, or nullopt for unknown and revoked tokens.
std::optional<Principal> Authenticate(Store& store, const std::string& token);
// Counts a token reaching for what it may not touch: one access_denials row per token, route,
// reason and UTC hour, with how many times and the first and latest time (migration 006).
void RecordAccessDenial(Store& store, int64_t token_id, const std::string& route,
                        const std::string& reason);
// Logged denials with id > `after_id`, oldest first, at most `limit`: {"id", "at" (the latest),
// "first_at", "count", "route", "reason"} and, when the token is known, "token_id",
// "token_name", "role", "org_id".
Json ListAccessDenials(Store& store, int64_t after_id, int64_t limit);
// The `limit` rows with the latest denials, latest first (the console's audit page).
Json RecentAccessDenials(Store& store, int64_t limit);

}  // namespace agritrace
