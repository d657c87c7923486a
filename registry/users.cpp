#include "agritrace/registry/users.h"

#include <openssl/rand.h>
#include <sodium.h>

#include <chrono>
#include <semaphore>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/encoding.h"
#include "registry/record_checks.h"

namespace agritrace {
namespace {

// argon2id at libsodium's "interactive" limits: 2 passes over 64 MiB, ~0.1-0.3 s on a server
// core. At most kHashSlots checks run at once, so a burst of sign-ins cannot take more than
// kHashSlots × 64 MiB of memory; the rest wait their turn.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
constexpr std::ptrdiff_t kHashSlots = 2;
std::counting_semaphore<kHashSlots> hash_slots(kHashSlots);

struct HashSlot {
  HashSlot() { hash_slots.acquire(); }
  ~HashSlot() { hash_slots.release(); }
};

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// The code points of valid UTF-8 text, or -1 when it is not valid UTF-8.
long Utf8Length(const std::string& s) {
  long n = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return -1;
    i += len;
    ++n;
  }
  return n;
}

Status CheckUsername(const std::string& name) {
  bool ok = name.size() >= 2 && name.size() <= kMaxUsernameBytes;
  for (char c : name)
    ok = ok &&
         ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  if (ok) return Status::Ok();
  return Status::Invalid("用户名应为 2 到 " + std::to_string(kMaxUsernameBytes) +
                             " 个小写字母、数字或 . _ -，例如 wang.fang：" + name,
                         "a user name is 2 to " + std::to_string(kMaxUsernameBytes) +
                             " lower-case letters, digits or . _ -, e.g. wang.fang: " + name)
      .with_reason("username-invalid");
}

Status UserNotFound(const std::string& username) {
  return Status::NotFound("没有用户 " + username + "；用 agritrace user list 查看已有用户",
                          "no user " + username + "; agritrace user list shows the users")
      .with_reason("user-unknown");
}

User ReadUser(sql::Statement& q) {
  User u;
  u.id = q.Column(0).Int64();
  u.username = q.Column(1).String();
  u.role = q.Column(2).String();
  u.org_id = q.Column(3).IsNull() ? 0 : q.Column(3).Int64();
  u.must_change_password = q.Column(4).Int() != 0;
  u.disabled = q.Column(5).Int() != 0;
  u.created_at = q.Column(6).String();
  return u;
}

constexpr const char* kUserColumns =
    "SELECT id, username, role, org_id, must_change_password, disabled, created_at, "
    "password_hash FROM users ";

int64_t DeleteSessions(Store& store, int64_t user_id, const std::string& keep_hash = "") {
  sql::Statement del(store.db(), "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?");
  del.Bind(1, user_id);
  del.BindBlob(2, keep_hash);
  return del.Exec();
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    return Status::Io("系统随机数不可用", "OS randomness unavailable");
  return out;
}

}  // namespace

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status CheckNewPassword(const std::string& password) {
  if (password.size() > kMaxPasswordBytes)
    return Status::Invalid(
               "密码太长：最多 " + std::to_string(kMaxPasswordBytes) + " 字节",
               "the password is too long: at most " + std::to_string(kMaxPasswordBytes) + " bytes")
        .with_reason("password-too-long");
  long chars = Utf8Length(password);
  if (chars < 0)
    return Status::Invalid("密码含有无效字符（不是 UTF-8 文本）",
                           "the password is not valid UTF-8 text")
        .with_reason("password-invalid");
  if (static_cast<size_t>(chars) < kMinPasswordChars)
    return Status::Invalid("密码太短：至少 " + std::to_string(kMinPasswordChars) + " 个字符",
                           "the password is too short: at least " +
                               std::to_string(kMinPasswordChars) + " characters")
        .with_reason("password-too-short");
  return Status::Ok();
}

Result<PasswordHash> HashPassword(const std::string& password) {
  if (Status s = CheckNewPassword(password); !s.ok()) return s;
  if (!SodiumReady()) return Status::Io("libsodium 初始化失败", "libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  HashSlot slot;
  if (crypto_pwhash_str(out, password.data(), password.size(), kOpsLimit, kMemLimit) != 0)
    return Status::Io("计算密码哈希失败（内存不足？）",
                      "hashing the password failed (out of memory?)");
  return PasswordHash{out};
}

bool VerifyPassword(const PasswordHash& hash, const std::string& password) {
  if (!SodiumReady() || password.size() > kMaxPasswordBytes) return false;
  HashSlot slot;
  return crypto_pwhash_str_verify(hash.text.c_str(), password.data(), password.size()) == 0;
}

std::string GeneratePassword() {
  // 54 symbols: log2(54^12) ≈ 69 bits, plenty for a password that must be changed at first use.
  static constexpr std::string_view kAlphabet =
      "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  while (out.size() < 12) {
    unsigned char b = 0;
    if (RAND_bytes(&b, 1) != 1) continue;
    // Rejection sampling keeps every symbol equally likely.
    if (b < 256 - 256 % kAlphabet.size()) out.push_back(kAlphabet[b % kAlphabet.size()]);
  }
  return out;
}

void to_json(Json& j, const User& u) {
  j = {{"id", u.id},
       {"username", u.username},
       {"role", u.role},
       {"must_change_password", u.must_change_password},
       {"disabled", u.disabled},
       {"created_at", u.created_at}};
  if (u.org_id) j["org_id"] = u.org_id;
}

void to_json(Json& j, const AccountChange& c) {
  j = {{"id", c.id}, {"username", c.username}, {"sessions_ended", c.sessions_ended},
       {"actor", c.actor}};
}

Result<User> AddUser(Store& store, const UserInput& in, const PasswordHash& password,
                     bool must_change_password, const std::string& actor) {
  if (Status s = CheckUsername(in.username); !s.ok()) return s;
  const bool org_role = in.role == "clerk" || in.role == "manager";
  if (!org_role && in.role != "bureau" && in.role != "bureau-admin")
    return Status::Invalid(
               "角色应为 clerk（文员）、manager（负责人）、bureau（农业农村局）或 "
               "bureau-admin（农业农村局管理员）：" +
                   in.role,
               "role must be clerk, manager, bureau or bureau-admin: " + in.role)
        .with_reason("role-invalid");
  if (org_role && in.org_id == 0)
    return Status::Invalid("clerk 和 manager 账号需要用 --org 指定所属主体",
                           "a clerk or manager account needs --org")
        .with_reason("org-required");
  if (!org_role && in.org_id != 0)
    return Status::Invalid("农业农村局账号不属于某个主体，请去掉 --org",
                           "a bureau account has no --org")
        .with_reason("org-not-allowed");
  if (password.text.rfind("$argon2id$", 0) != 0)
    return Status::Invalid("内部错误：密码未经哈希", "internal error: the password is not hashed");
  User out;
  Status s = store.Transact([&]() -> Status {
    if (in.org_id)
      if (Status r = RequireOrganisation(store, in.org_id); !r.ok()) return r;
    sql::Statement exists(store.db(), "SELECT 1 FROM users WHERE username = ?");
    exists.Bind(1, in.username);
    if (exists.Step())
      return Status::Conflict("用户名 " + in.username + " 已被使用，请换一个",
                              "user name " + in.username + " is taken; choose another")
          .with_reason("username-taken");
    const std::string now = NowUtc();
    sql::Statement ins(
        store.db(),
        "INSERT INTO users(username, role, org_id, password_hash, "
        "must_change_password, disabled, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)");
    ins.Bind(1, in.username);
    ins.Bind(2, in.role);
    if (in.org_id)
      ins.Bind(3, in.org_id);
    else
      ins.Bind(3);
    ins.Bind(4, password.text);
    ins.Bind(5, must_change_password ? 1 : 0);
    ins.Bind(6, now);
    ins.Exec();
    out.id = store.db().LastInsertId();
    out.username = in.username;
    out.role = in.role;
    out.org_id = in.org_id;
    out.must_change_password = must_change_password;
    out.created_at = now;
    Json logged = {{"id", out.id},
                   {"username", in.username},
                   {"role", in.role},
                   {"created_at", now},
                   {"actor", actor}};
    if (in.org_id) logged["org_id"] = in.org_id;
    // The event commits to the stored hash (SHA-256 of the argon2id string, whose random salt
    // keeps it from being guessed at) so that `log verify` catches a swapped password hash.
    logged["must_change_password"] = must_change_password;
    logged["password_hash_sha256"] = HexEncode(Sha256(password.text));
    return LogEvent(store, "user.added", logged);
  });
  if (!s.ok()) return s;
  return out;
}

std::vector<User> ListUsers(Store& store) {
  std::vector<User> out;
  sql::Statement q(store.db(), std::string(kUserColumns) + "ORDER BY id");
  while (q.Step()) out.push_back(ReadUser(q));
  return out;
}

Result<User> FindUser(Store& store, const std::string& username) {
  sql::Statement q(store.db(), std::string(kUserColumns) + "WHERE username = ?");
  q.Bind(1, username);
  if (!q.Step()) return UserNotFound(username);
  return ReadUser(q);
}

Result<User> GetUser(Store& store, int64_t id) {
  sql::Statement q(store.db(), std::string(kUserColumns) + "WHERE id = ?");
  q.Bind(1, id);
  if (!q.Step()) return UserNotFound("#" + std::to_string(id));
  return ReadUser(q);
}

Result<AccountChange> DisableUser(Store& store, const std::string& username,
                                  const std::string& actor) {
  AccountChange out;
  Status s = store.Transact([&]() -> Status {
    auto u = FindUser(store, username);
    if (!u.ok()) return u.status();
    if (u->disabled)
      return Status::Conflict("用户 " + username + " 已经停用",
                              "user " + username + " is already disabled")
          .with_reason("user-disabled");
    sql::Statement up(store.db(), "UPDATE users SET disabled = 1 WHERE id = ?");
    up.Bind(1, u->id);
    up.Exec();
    out = {u->id, username, DeleteSessions(store, u->id), actor};
    return LogEvent(store, "user.disabled", out);
  });
  if (!s.ok()) return s;
  return out;
}

Result<AccountChange> ResetPassword(Store& store, const std::string& username,
                                    const PasswordHash& password, const std::string& actor) {
  AccountChange out;
  Status s = store.Transact([&]() -> Status {
    auto u = FindUser(store, username);
    if (!u.ok()) return u.status();
    sql::Statement up(
        store.db(), "UPDATE users SET password_hash = ?, must_change_password = 1 WHERE id = ?");
    up.Bind(1, password.text);
    up.Bind(2, u->id);
    up.Exec();
    out = {u->id, username, DeleteSessions(store, u->id), actor};
    Json logged = out;
    logged["password_hash_sha256"] = HexEncode(Sha256(password.text));  // as in user.added
    return LogEvent(store, "user.password-reset", logged);
  });
  if (!s.ok()) return s;
  return out;
}

Result<AccountChange> ChangePassword(Store& store, int64_t user_id, const PasswordHash& password,
                                     const std::string& keep_session, const std::string& actor) {
  AccountChange out;
  Status s = store.Transact([&]() -> Status {
    auto u = GetUser(store, user_id);
    if (!u.ok()) return u.status();
    if (u->disabled)
      return Status::Forbidden("账号已停用", "the account is disabled")
          .with_reason("user-disabled");
    sql::Statement up(
        store.db(), "UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?");
    up.Bind(1, password.text);
    up.Bind(2, user_id);
    up.Exec();
    int64_t ended =
        DeleteSessions(store, user_id, keep_session.empty() ? "" : Sha256(keep_session));
    out = {user_id, u->username, ended, actor};
    Json logged = out;
    logged["password_hash_sha256"] = HexEncode(Sha256(password.text));  // as in user.added
    return LogEvent(store, "user.password-changed", logged);
  });
  if (!s.ok()) return s;
  return out;
}

std::optional<SignInRecord> LoadSignIn(Store& store, const std::string& username) {
  if (username.empty() || username.size() > kMaxUsernameBytes) return std::nullopt;
  sql::Statement q(store.db(), std::string(kUserColumns) + "WHERE username = ?");
  q.Bind(1, username);
  if (!q.Step()) return std::nullopt;
  return SignInRecord{ReadUser(q), PasswordHash{q.Column(7).String()}};
}

Result<User> CheckSignIn(const std::optional<SignInRecord>& record, const std::string& password) {
  auto refuse = [](const char* reason) {
    return Status::Forbidden("用户名或密码不对，或账号已停用",
                             "wrong user name or password, or the account is disabled")
        .with_reason(reason);
  };
  if (!record) {
    // The same work as a real check, so the answer's timing does not reveal unknown names.
    static const PasswordHash dummy = [] {
      auto h = HashPassword("agritrace-no-such-user");
      return h.ok() ? *h : PasswordHash{};
    }();
    VerifyPassword(dummy, password);
    return refuse("unknown-user");
  }
  if (!VerifyPassword(record->hash, password)) return refuse("wrong-password");
  if (record->user.disabled) return refuse("disabled");
  return record->user;
}

Result<NewSession> CreateSession(Store& store, int64_t user_id, int64_t now) {
  auto id = RandomBytes(32);
  auto csrf = RandomBytes(32);
  if (!id.ok()) return id.status();
  if (!csrf.ok()) return csrf.status();
  NewSession out{Base64UrlEncode(*id), Base64UrlEncode(*csrf)};
  const std::string hash = Sha256(out.id);
  sql::Statement ins(store.db(),
                     "INSERT INTO sessions(id_hash, user_id, csrf, created_at, last_seen_at) "
                     "VALUES (?, ?, ?, ?, ?)");
  ins.BindBlob(1, hash);
  ins.Bind(2, user_id);
  ins.Bind(3, out.csrf);
  ins.Bind(4, now);
  ins.Bind(5, now);
  ins.Exec();
  return out;
}

std::optional<Session> LookUpSession(Store& store, const std::string& id, int64_t now) {
  // A session id is 43 base64url characters; anything else cannot be one.
  if (id.size() != 43) return std::nullopt;
  const std::string hash = Sha256(id);
  sql::Statement q(store.db(),
                   "SELECT u.id, u.username, u.role, u.org_id, u.must_change_password, "
                   "u.disabled, u.created_at, s.csrf, s.created_at, s.last_seen_at "
                   "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?");
  q.BindBlob(1, hash);
  if (!q.Step()) return std::nullopt;
  Session s{ReadUser(q), q.Column(7).String(), q.Column(8).Int64(),
            q.Column(9).Int64()};
  q.Reset();
  int64_t age = 0, idle = 0;
  const bool overflow = __builtin_sub_overflow(now, s.created_at, &age) ||
                        __builtin_sub_overflow(now, s.last_seen_at, &idle);
  if (overflow || s.user.disabled || age >= kSessionAbsoluteSeconds ||
      idle >= kSessionIdleSeconds) {
    EndSession(store, id);
    return std::nullopt;
  }
  if (idle >= kSessionTouchSeconds) {
    sql::Statement up(store.db(), "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?");
    up.Bind(1, now);
    up.BindBlob(2, hash);
    up.Exec();
    s.last_seen_at = now;
  }
  return s;
}

void EndSession(Store& store, const std::string& id) {
  const std::string hash = Sha256(id);
  sql::Statement del(store.db(), "DELETE FROM sessions WHERE id_hash = ?");
  del.BindBlob(1, hash);
  del.Exec();
}

int64_t CountSessions(Store& store, int64_t user_id) {
  sql::Statement q(store.db(), "SELECT COUNT(*) FROM sessions WHERE user_id = ?");
  q.Bind(1, user_id);
  q.Step();
  return q.Column(0).Int64();
}

void RecordSignInFailure(Store& store, const std::string& username, const std::string& net,
                         const std::string& reason) {
  // Cut at a character boundary so that the stored name stays valid UTF-8.
  size_t keep = std::min<size_t>(username.size(), 64);
  while (keep > 0 && keep < username.size() &&
         (static_cast<unsigned char>(username[keep]) & 0xC0) == 0x80)
    --keep;
  sql::Statement ins(
      store.db(), "INSERT INTO sign_in_failures(at, username, net, reason) VALUES (?, ?, ?, ?)");
  ins.Bind(1, NowUtc());
  ins.Bind(2, username.substr(0, keep));
  ins.Bind(3, net);
  ins.Bind(4, reason);
  ins.Exec();
}

void to_json(Json& j, const SignInFailure& f) {
  j = {{"id", f.id}, {"at", f.at}, {"username", f.username}, {"net", f.net}, {"reason", f.reason}};
}

namespace {
std::vector<SignInFailure> FailureRows(sql::Statement& q) {
  std::vector<SignInFailure> out;
  while (q.Step())
    out.push_back({q.Column(0).Int64(), q.Column(1).String(), q.Column(2).String(),
                   q.Column(3).String(), q.Column(4).String()});
  return out;
}
}  // namespace

std::vector<SignInFailure> ListSignInFailures(Store& store, int64_t after_id, int64_t limit) {
  sql::Statement q(store.db(),
                   "SELECT id, at, username, net, reason FROM sign_in_failures WHERE id > ? "
                   "ORDER BY id LIMIT ?");
  q.Bind(1, after_id);
  q.Bind(2, limit);
  return FailureRows(q);
}

std::vector<SignInFailure> RecentSignInFailures(Store& store, int64_t limit) {
  sql::Statement q(store.db(),
                   "SELECT id, at, username, net, reason FROM sign_in_failures "
                   "ORDER BY id DESC LIMIT ?");
  q.Bind(1, limit);
  return FailureRows(q);
}

}  // namespace agritrace
