// API bearer tokens (DESIGN.md §9): 256 random bits shown once, stored only as SHA-256.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agritrace/registry/store.h"

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

// A token as stored: never its secret, which only its SHA-256 is kept of.
struct Token {
  int64_t id = 0;
  std::string role, name;
  int64_t org_id = 0;  // 0 for bureau
  std::string created_at;
  std::optional<std::string> revoked_at;
};
// {"id","role","name","created_at"}, plus "org_id" and "revoked_at" when set.
void to_json(Json& j, const Token& t);

// A token just created, with its secret: the only time the secret is shown.
struct NewToken {
  Token token;
  std::string secret;  // "agt_" and base64url of 32 random bytes
};
// The token's JSON plus "token": the secret.
void to_json(Json& j, const NewToken& t);

struct RevokedToken {
  int64_t id = 0;
  std::string revoked_at;
};
void to_json(Json& j, const RevokedToken& t);

// Creates a token ("token.created").
Result<NewToken> CreateToken(Store& store, const TokenInput& in);
// Revokes an active token ("token.revoked"); NotFound when there is no active token `id`.
Result<RevokedToken> RevokeToken(Store& store, int64_t id);
// Every token, oldest first.
std::vector<Token> ListTokens(Store& store);
// The principal of a presented token, or nullopt for unknown and revoked tokens.
std::optional<Principal> Authenticate(Store& store, const std::string& token);
// Counts a token reaching for what it may not touch: one access_denials row per token, route,
// reason and UTC hour, with how many times and the first and latest time (migration 006).
void RecordAccessDenial(Store& store, int64_t token_id, const std::string& route,
                        const std::string& reason);
// One access_denials row: a token's (or a console user's) refusals on one route for one reason
// in one UTC hour.
struct AccessDenial {
  int64_t id = 0;
  std::string at;        // the latest refusal counted
  std::string first_at;  // the first, in the same hour
  int64_t count = 0;
  std::string route, reason;
  std::optional<int64_t> token_id;  // nullopt: no token (the console's denials)
  // The token's name and role, when it is known.
  std::optional<std::string> token_name, role;
  std::optional<int64_t> org_id;  // the token's organisation; nullopt for a bureau token
};
// {"id","at","first_at","count","route","reason"}, plus "token_id", "token_name", "role" and
// "org_id" when set (schemas/access-denials.schema.json).
void to_json(Json& j, const AccessDenial& d);

// Logged denials with id > `after_id`, oldest first, at most `limit`.
std::vector<AccessDenial> ListAccessDenials(Store& store, int64_t after_id, int64_t limit);
// The `limit` rows with the latest denials, latest first (the console's audit page).
std::vector<AccessDenial> RecentAccessDenials(Store& store, int64_t limit);

}  // namespace agritrace
