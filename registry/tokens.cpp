#include "registry/tokens.h"

#include <openssl/rand.h>

#include "registry/dates.h"
#include "registry/encoding.h"
#include "registry/record_checks.h"

namespace agritrace {
namespace {
constexpr const char* kPrefix = "agt_";
}

Result<Json> CreateToken(Store& store, const TokenInput& in) {
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
  Json out;
  Status s = store.Transact([&]() -> Status {
    if (in.org_id)
      if (Status r = RequireOrganisation(store, in.org_id); !r.ok()) return r;
    std::string now = NowUtc();
    SQLite::Statement ins(store.db(),
                          "INSERT INTO tokens(hash, role, org_id, name, created_at) VALUES (?, ?, ?, ?, ?)");
    ins.bind(1, hash.data(), static_cast<int>(hash.size()));
    ins.bind(2, in.role);
    if (in.org_id) ins.bind(3, in.org_id); else ins.bind(3);
    ins.bind(4, in.name);
    ins.bind(5, now);
    ins.exec();
    out = {{"id", store.db().getLastInsertRowid()}, {"role", in.role}, {"name", in.name}, {"created_at", now}};
    if (in.org_id) out["org_id"] = in.org_id;
    // The stored hash is logged too (it reveals nothing of a 256-bit token), so the log audit
    // catches a swapped hash (registry/log_audit.h).
    Json logged_data = out;
    logged_data["hash_sha256"] = HexEncode(hash);
    Status logged = LogEvent(store, "token.created", logged_data);
    out["token"] = token;
    return logged;
  });
  if (!s.ok()) return s;
  return out;
}

Result<Json> RevokeToken(Store& store, int64_t id) {
  Json out;
  Status s = store.Transact([&]() -> Status {
    SQLite::Statement up(store.db(), "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    std::string now = NowUtc();
    up.bind(1, now);
    up.bind(2, id);
    if (up.exec() == 0)
      return Status::NotFound("没有编号为 " + std::to_string(id) + " 的有效令牌",
                              "no active token with id " + std::to_string(id));
    out = {{"id", id}, {"revoked_at", now}};
    return LogEvent(store, "token.revoked", out);
  });
  if (!s.ok()) return s;
  return out;
}

Json ListTokens(Store& store) {
  Json out = Json::array();
  SQLite::Statement q(store.db(), "SELECT id, role, org_id, name, created_at, revoked_at FROM tokens ORDER BY id");
  while (q.executeStep()) {
    Json t = {{"id", q.getColumn(0).getInt64()}, {"role", q.getColumn(1).getString()},
              {"name", q.getColumn(3).getString()}, {"created_at", q.getColumn(4).getString()}};
    if (!q.getColumn(2).isNull()) t["org_id"] = q.getColumn(2).getInt64();
    if (!q.getColumn(5).isNull()) t["revoked_at"] = q.getColumn(5).getString();
    out.push_back(t);
  }
  return out;
}

std::optional<Principal> Authenticate(Store& store, const std::string& token) {
  if (token.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::string hash = Sha256(token);
  SQLite::Statement q(store.db(),
                      "SELECT id, role, org_id, name FROM tokens WHERE hash = ? AND revoked_at IS NULL");
  q.bind(1, hash.data(), static_cast<int>(hash.size()));
  if (!q.executeStep()) return std::nullopt;
  return Principal{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                   q.getColumn(2).isNull() ? 0 : q.getColumn(2).getInt64(), q.getColumn(3).getString()};
}

void RecordAccessDenial(Store& store, int64_t token_id, const std::string& route,
                        const std::string& reason) {
  const std::string now = NowUtc();
  const std::string hour = now.substr(0, 13);  // "YYYY-MM-DDTHH"
  SQLite::Transaction tx(store.db());
  SQLite::Statement up(store.db(),
                       "UPDATE access_denials SET count = count + 1, at = ? WHERE token_id IS ? "
                       "AND route = ? AND reason = ? AND hour = ?");
  up.bind(1, now);
  if (token_id)
    up.bind(2, token_id);
  else
    up.bind(2);
  up.bind(3, route);
  up.bind(4, reason);
  up.bind(5, hour);
  if (up.exec() == 0) {
    SQLite::Statement ins(store.db(),
                          "INSERT INTO access_denials(token_id, route, reason, hour, first_at, at, "
                          "count) VALUES (?, ?, ?, ?, ?, ?, 1)");
    if (token_id)
      ins.bind(1, token_id);
    else
      ins.bind(1);
    ins.bind(2, route);
    ins.bind(3, reason);
    ins.bind(4, hour);
    ins.bind(5, now);
    ins.bind(6, now);
    ins.exec();
  }
  tx.commit();
}

namespace {

constexpr const char* kDenialSelect =
    "SELECT d.id, d.at, d.route, d.reason, d.token_id, t.name, t.role, t.org_id, d.first_at, "
    "d.count FROM access_denials d LEFT JOIN tokens t ON t.id = d.token_id ";

Json ReadDenials(SQLite::Statement& q) {
  Json out = Json::array();
  while (q.executeStep()) {
    Json d = {{"id", q.getColumn(0).getInt64()},        {"at", q.getColumn(1).getString()},
              {"first_at", q.getColumn(8).getString()}, {"count", q.getColumn(9).getInt64()},
              {"route", q.getColumn(2).getString()},    {"reason", q.getColumn(3).getString()}};
    if (!q.getColumn(4).isNull()) d["token_id"] = q.getColumn(4).getInt64();
    if (!q.getColumn(5).isNull()) {
      d["token_name"] = q.getColumn(5).getString();
      d["role"] = q.getColumn(6).getString();
    }
    if (!q.getColumn(7).isNull()) d["org_id"] = q.getColumn(7).getInt64();
    out.push_back(d);
  }
  return out;
}

}  // namespace

Json ListAccessDenials(Store& store, int64_t after_id, int64_t limit) {
  SQLite::Statement q(store.db(),
                      std::string(kDenialSelect) + "WHERE d.id > ? ORDER BY d.id LIMIT ?");
  q.bind(1, after_id);
  q.bind(2, limit);
  return ReadDenials(q);
}

Json RecentAccessDenials(Store& store, int64_t limit) {
  // Rows are counted per hour in place: the latest denial is the greatest `at`.
  SQLite::Statement q(store.db(), std::string(kDenialSelect) + "ORDER BY d.at DESC LIMIT ?");
  q.bind(1, limit);
  return ReadDenials(q);
}

}  // namespace agritrace
