// Console accounts and sessions (issue 13; schemas/sql/007_users.sql). People sign in as
// themselves: a clerk or manager of one organisation, or bureau staff. Passwords are argon2id
// (libsodium), sessions are 256 random bits kept only as SHA-256, and every change to an account
// is one transaction with its log event naming the actor ("cli", "user:<username>"); no event
// carries a password or its hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/registry/store.h"

namespace agritrace {

inline constexpr size_t kMinPasswordChars = 8;    // code points, so 8 汉字 count as 8
inline constexpr size_t kMaxPasswordBytes = 256;  // argon2 takes any length; a form should not
inline constexpr size_t kMaxUsernameBytes = 32;
inline constexpr int64_t kSessionIdleSeconds = 8 * 3600;
inline constexpr int64_t kSessionAbsoluteSeconds = 7 * 24 * 3600;
// last_seen_at is rewritten at most this often, so reading pages does not mean a write each.
inline constexpr int64_t kSessionTouchSeconds = 60;

struct UserInput {
  std::string username;
  std::string role;    // clerk | manager | bureau | bureau-admin
  int64_t org_id = 0;  // required for clerk and manager, none for bureau roles
};

struct User {
  int64_t id = 0;
  std::string username, role;
  int64_t org_id = 0;
  bool must_change_password = false;
  bool disabled = false;
  std::string created_at;
  bool bureau() const { return role == "bureau" || role == "bureau-admin"; }
};
// {"id","username","role","org_id" (only for an organisation's account),
// "must_change_password","disabled","created_at"}: as `user list --json` prints an account.
void to_json(Json& j, const User& u);

// What disabling an account or setting its password did: the account, how many of its sessions
// ended, and who did it. Also the data of the change's log event.
struct AccountChange {
  int64_t id = 0;
  std::string username;
  int64_t sessions_ended = 0;
  std::string actor;
};
void to_json(Json& j, const AccountChange& c);

// An argon2id string from HashPassword; a type of its own so that a plain password is never
// stored by mistake.
struct PasswordHash {
  std::string text;
};

// Seconds since the Unix epoch now (sessions' clock; tests pass their own times).
int64_t UnixNow();

// The length rules: at least kMinPasswordChars characters, at most kMaxPasswordBytes bytes,
// valid UTF-8. Status::Invalid (reason "password-too-short" / "password-too-long") otherwise.
Status CheckNewPassword(const std::string& password);
// Checks the rules, then hashes (argon2id, ~0.1-0.3 s and 64 MiB: call it outside any lock).
Result<PasswordHash> HashPassword(const std::string& password);
// Whether `password` matches `hash`. Costs as much as hashing.
bool VerifyPassword(const PasswordHash& hash, const std::string& password);
// A random one-time password: 12 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
std::string GeneratePassword();

// Adds an account and returns it as stored; "user.added" names the actor. The organisation must
// exist.
Result<User> AddUser(Store& store, const UserInput& in, const PasswordHash& password,
                     bool must_change_password, const std::string& actor);
// Every account, oldest first.
std::vector<User> ListUsers(Store& store);
Result<User> FindUser(Store& store, const std::string& username);
Result<User> GetUser(Store& store, int64_t id);
// Disables the account and ends its sessions ("user.disabled").
Result<AccountChange> DisableUser(Store& store, const std::string& username,
                                  const std::string& actor);
// Sets a new one-time password and ends the account's sessions ("user.password-reset").
Result<AccountChange> ResetPassword(Store& store, const std::string& username,
                                    const PasswordHash& password, const std::string& actor);
// The user's own change: clears must_change_password and ends the user's other sessions
// (`keep_session` is the cookie value of the session that made the change, or "").
Result<AccountChange> ChangePassword(Store& store, int64_t user_id, const PasswordHash& password,
                                     const std::string& keep_session, const std::string& actor);

// What a sign-in needs from the store, read under the caller's lock; the slow password check
// (CheckSignIn) then runs outside it.
struct SignInRecord {
  User user;
  PasswordHash hash;
};
std::optional<SignInRecord> LoadSignIn(Store& store, const std::string& username);
// The account when `password` is right and the account is enabled; otherwise Status::Forbidden
// with reason "unknown-user", "wrong-password" or "disabled" (one message for all three, so the
// page does not tell which names exist). An unknown user costs a hash check all the same.
Result<User> CheckSignIn(const std::optional<SignInRecord>& record, const std::string& password);

struct NewSession {
  std::string id;    // the cookie value: base64url of 32 random bytes, shown only here
  std::string csrf;  // the session's form token
};
// Opens a session for `user_id` at `now`. Not a log event: sessions are bookkeeping, and the log
// would otherwise record every sign-in of every clerk.
Result<NewSession> CreateSession(Store& store, int64_t user_id, int64_t now);

struct Session {
  User user;
  std::string csrf;
  int64_t created_at = 0, last_seen_at = 0;
};
// The live session of cookie value `id` at `now`: the user exists and is enabled, the session is
// younger than kSessionAbsoluteSeconds and was seen within kSessionIdleSeconds. An expired
// session is deleted; a live one has last_seen_at moved to `now` (at most every
// kSessionTouchSeconds).
std::optional<Session> LookUpSession(Store& store, const std::string& id, int64_t now);
// Sign-out: deletes the session of cookie value `id` (nothing when there is none).
void EndSession(Store& store, const std::string& id);
int64_t CountSessions(Store& store, int64_t user_id);

// A failed sign-in for the bureau: the name tried (cut to 64 bytes), the salted network hash and
// the reason. Never the password.
void RecordSignInFailure(Store& store, const std::string& username, const std::string& net,
                         const std::string& reason);
// One failed sign-in as logged: {"id","at","username","net","reason"}.
struct SignInFailure {
  int64_t id = 0;
  std::string at;
  std::string username;  // the name tried, at most 64 bytes
  std::string net;       // salted hash of the client's network
  std::string reason;    // unknown-user | wrong-password | disabled
};
void to_json(Json& j, const SignInFailure& f);

// Failures with id > `after_id`, oldest first, at most `limit`.
std::vector<SignInFailure> ListSignInFailures(Store& store, int64_t after_id, int64_t limit);
// The newest `limit` failures, newest first (the bureau's overview).
std::vector<SignInFailure> RecentSignInFailures(Store& store, int64_t limit);

}  // namespace agritrace
