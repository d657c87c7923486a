#include "agritrace/registry/tokens.h"

#include <openssl/rand.h>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/encoding.h"
#include "registry/record_checks.h"

namespace agritrace {
namespace {
constexpr const char* kPrefix = "agt_";
}

void to_json(Json& j, const Token& t) {
  j = {{"id", t.id}, {"role", t.role}, {"name", t.name}, {"created_at", t.created_at}};
  if (t.org_id) j["org_id"] = t.org_id;
  if (t.revoked_at) j["revoked_at"] = *t.revoked_at;
}

void to_json(Json& j, const NewToken& t) {
  to_json(j, t.token);
  j["token"] = t.secret;
}

void to_json(Json& j, const RevokedToken& t) { j = {{"id", t.id}, {"revoked_at", t.revoked_at}}; }

void to_json(Json& j, const AccessDenial& d) {
  j = {{"id", d.id},       {"at", d.at},       {"first_at", d.first_at},
       {"count", d.count}, {"route", d.route}, {"reason", d.reason}};
  if (d.token_id) j["token_id"] = *d.token_id;
  if (d.token_name) j["token_name"] = *d.token_name;
  if (d.role) j["role"] = *d.role;
  if (d.org_id) j["org_id"] = *d.org_id;
}

Result<NewToken> CreateToken(Store& store, const TokenInput& in) {
  if (in.role != "bureau" && in.role != "cooperative")
    return Status::Invalid("角色应为 bureau（农业农村局）或 cooperative（合作社）：" + in.role,
                           "role must be bureau or cooperative: " + in.role);
  if (in.role == "cooperative" && in.org_id == 0)
    return Status::Invalid("合作社令牌需要 --org 指定所属主体", "a cooperative token needs --org");
  if (in.role == "bureau" && in.org_id != 0)
    return Status::Invalid("农业农村局令牌不属于某个主体，请去掉 --org", "a bureau token has no --org");
  if (in.name.empty()) return Status::Invalid("请用 --name 写明令牌用途", "give the token a --name");
  unsigned char secret[32];
  if (RAND_bytes(secret, sizeof secret) != 1) return Status::Io("系统随机数不可用", "OS randomness unavailable");
  std::string token = kPrefix + Base64UrlEncode(std::string(reinterpret_cast<char*>(secret), sizeof secret));
  std::string hash = Sha256(token);
  NewToken out;
  Status s = store.Transact([&]() -> Status {
    if (in.org_id)
      if (Status r = RequireOrganisation(store, in.org_id); !r.ok()) return r;
    std::string now = NowUtc();
    sql::Statement ins(store.db(),
                       "INSERT INTO tokens(hash, role, org_id, name, created_at) VALUES (?, ?, ?, ?, ?)");
    ins.BindBlob(1, hash);
    ins.Bind(2, in.role);
    if (in.org_id) ins.Bind(3, in.org_id); else ins.Bind(3);
    ins.Bind(4, in.name);
    ins.Bind(5, now);
    ins.Exec();
    out.token = {store.db().LastInsertId(), in.role, in.name, in.org_id, now, std::nullopt};
    out.secret = token;
    // The stored hash is logged too (it reveals nothing of a 256-bit token), so the log audit
    // catches a swapped hash (registry/log_audit.h).
    Json logged_data = out.token;
    logged_data["hash_sha256"] = HexEncode(hash);
    return LogEvent(store, "token.created", logged_data);
  });
  if (!s.ok()) return s;
  return out;
}

Result<RevokedToken> RevokeToken(Store& store, int64_t id) {
  RevokedToken out;
  Status s = store.Transact([&]() -> Status {
    sql::Statement up(store.db(), "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    std::string now = NowUtc();
    up.Bind(1, now);
    up.Bind(2, id);
    if (up.Exec() == 0)
      return Status::NotFound("没有编号为 " + std::to_string(id) + " 的有效令牌",
                              "no active token with id " + std::to_string(id));
    out = {id, now};
    return LogEvent(store, "token.revoked", out);
  });
  if (!s.ok()) return s;
  return out;
}

std::vector<Token> ListTokens(Store& store) {
  std::vector<Token> out;
  sql::Statement q(store.db(), "SELECT id, role, org_id, name, created_at, revoked_at FROM tokens ORDER BY id");
  while (q.Step()) {
    Token t{q.Column(0).Int64(), q.Column(1).String(), q.Column(3).String(),
            q.Column(2).IsNull() ? 0 : q.Column(2).Int64(), q.Column(4).String(), std::nullopt};
    if (!q.Column(5).IsNull()) t.revoked_at = q.Column(5).String();
    out.push_back(std::move(t));
  }
  return out;
}

std::optional<Principal> Authenticate(Store& store, const std::string& token) {
  if (token.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::string hash = Sha256(token);
  sql::Statement q(store.db(),
                   "SELECT id, role, org_id, name FROM tokens WHERE hash = ? AND revoked_at IS NULL");
  q.BindBlob(1, hash);
  if (!q.Step()) return std::nullopt;
  return Principal{q.Column(0).Int64(), q.Column(1).String(),
                   q.Column(2).IsNull() ? 0 : q.Column(2).Int64(), q.Column(3).String()};
}

void RecordAccessDenial(Store& store, int64_t token_id, const std::string& route,
                        const std::string& reason) {
  const std::string now = NowUtc();
  const std::string hour = now.substr(0, 13);  // "YYYY-MM-DDTHH"
  sql::Transaction tx(store.db());
  sql::Statement up(store.db(),
                    "UPDATE access_denials SET count = count + 1, at = ? WHERE token_id IS NOT DISTINCT FROM ? "
                    "AND route = ? AND reason = ? AND hour = ?");
  up.Bind(1, now);
  if (token_id)
    up.Bind(2, token_id);
  else
    up.Bind(2);
  up.Bind(3, route);
  up.Bind(4, reason);
  up.Bind(5, hour);
  if (up.Exec() == 0) {
    sql::Statement ins(store.db(),
                       "INSERT INTO access_denials(token_id, route, reason, hour, first_at, at, "
                       "count) VALUES (?, ?, ?, ?, ?, ?, 1)");
    if (token_id)
      ins.Bind(1, token_id);
    else
      ins.Bind(1);
    ins.Bind(2, route);
    ins.Bind(3, reason);
    ins.Bind(4, hour);
    ins.Bind(5, now);
    ins.Bind(6, now);
    ins.Exec();
  }
  tx.Commit();
}

namespace {

constexpr const char* kDenialSelect =
    "SELECT d.id, d.at, d.route, d.reason, d.token_id, t.name, t.role, t.org_id, d.first_at, "
    "d.count FROM access_denials d LEFT JOIN tokens t ON t.id = d.token_id ";

std::vector<AccessDenial> ReadDenials(sql::Statement& q) {
  std::vector<AccessDenial> out;
  while (q.Step()) {
    AccessDenial d;
    d.id = q.Column(0).Int64();
    d.at = q.Column(1).String();
    d.first_at = q.Column(8).String();
    d.count = q.Column(9).Int64();
    d.route = q.Column(2).String();
    d.reason = q.Column(3).String();
    if (!q.Column(4).IsNull()) d.token_id = q.Column(4).Int64();
    if (!q.Column(5).IsNull()) {
      d.token_name = q.Column(5).String();
      d.role = q.Column(6).String();
    }
    if (!q.Column(7).IsNull()) d.org_id = q.Column(7).Int64();
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

std::vector<AccessDenial> ListAccessDenials(Store& store, int64_t after_id, int64_t limit) {
  sql::Statement q(store.db(),
                   std::string(kDenialSelect) + "WHERE d.id > ? ORDER BY d.id LIMIT ?");
  q.Bind(1, after_id);
  q.Bind(2, limit);
  return ReadDenials(q);
}

std::vector<AccessDenial> RecentAccessDenials(Store& store, int64_t limit) {
  // Rows are counted per hour in place: the latest denial is the greatest `at`.
  sql::Statement q(store.db(), std::string(kDenialSelect) + "ORDER BY d.at DESC LIMIT ?");
  q.Bind(1, limit);
  return ReadDenials(q);
}

}  // namespace agritrace
