#include "agritrace/registry/key_ring.h"

#include <sys/stat.h>

#include <cstdlib>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/encoding.h"
#include "registry/postgresql_connection.h"

namespace agritrace {

void to_json(Json& j, const NewSigningKey& k) {
  j = {{"kid", k.kid}, {"public_key", Base64Encode(k.public_key)}, {"created_at", k.created_at}};
}

void to_json(Json& j, const ListedSigningKey& k) {
  j = {{"kid", k.kid},
       {"public_key", Base64Encode(k.public_key)},
       {"created_at", k.created_at},
       {"current", k.current()}};
  if (k.retired_at) j["retired_at"] = *k.retired_at;
}

std::string KeyDirFor(const std::string& db_path) {
  if (!sql::IsPostgresqlUrl(db_path)) return db_path + ".keys";
  const char* dir = std::getenv("AGRITRACE_KEY_DIR");
  return dir ? dir : "";
}

Result<NewSigningKey> CreateSigningKey(Store& store) {
  std::string dir = KeyDirFor(store.path());
  if (dir.empty())
    return Status::Invalid(
               "PostgreSQL 登记库的签名私钥存放在本机目录：请用环境变量 AGRITRACE_KEY_DIR 指定",
               "a PostgreSQL registry keeps its private signing keys in a local folder: set "
               "AGRITRACE_KEY_DIR to it")
        .with_reason("key-dir-unset");
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::Io("无法创建密钥目录 " + dir, "cannot create key folder " + dir);
  auto key = Ed25519PrivateKey::Generate();
  if (!key.ok()) return key.status();
  std::string raw = key->RawPublicKey();
  std::string kid = KeyId(raw);
  Status s = key->SavePem(dir + "/" + kid + ".pem");
  if (!s.ok()) return s;
  auto& db = store.db();
  std::string now = NowUtc();
  bool first = db.QueryValue("SELECT COUNT(*) FROM signing_keys").Int() == 0;
  sql::Statement retire(db, "UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL");
  retire.Bind(1, now);
  retire.Exec();
  sql::Statement ins(db,
                     "INSERT INTO signing_keys(kid, public_key, created_at) VALUES (?, ?, ?)");
  ins.Bind(1, kid);
  ins.BindBlob(2, raw);
  ins.Bind(3, now);
  ins.Exec();
  NewSigningKey out{kid, raw, now};
  auto ev = store.AppendEvent(first ? "key.created" : "key.rotated", Json(out));
  if (!ev.ok()) return ev.status();
  return out;
}

Result<SigningKey> CurrentSigningKey(Store& store) {
  sql::Statement q(store.db(), "SELECT kid FROM signing_keys WHERE retired_at IS NULL");
  if (!q.Step())
    return Status::NotFound("登记库还没有签名密钥，请先运行 agritrace init",
                            "the registry has no signing key; run agritrace init");
  std::string kid = q.Column(0).String();
  auto key = Ed25519PrivateKey::LoadPem(KeyDirFor(store.path()) + "/" + kid + ".pem");
  if (!key.ok()) return key.status();
  return SigningKey{kid, std::move(key).value()};
}

Result<std::string> PublicKeyOf(Store& store, const std::string& kid) {
  sql::Statement q(store.db(), "SELECT public_key FROM signing_keys WHERE kid = ?");
  q.Bind(1, kid);
  if (!q.Step())
    return Status::NotFound("未知的签名密钥 " + kid, "unknown signing key " + kid);
  return q.Column(0).Blob();
}

std::vector<ListedSigningKey> ListSigningKeys(Store& store) {
  std::vector<ListedSigningKey> keys;
  sql::Statement q(store.db(),
                   "SELECT kid, public_key, created_at, retired_at FROM signing_keys "
                   "ORDER BY created_at, rowid");
  while (q.Step()) {
    ListedSigningKey k{q.Column(0).String(), q.Column(1).Blob(), q.Column(2).String(),
                       std::nullopt};
    if (!q.Column(3).IsNull()) k.retired_at = q.Column(3).String();
    keys.push_back(std::move(k));
  }
  return keys;
}

std::vector<NoteVerifier> NoteVerifiers(Store& store) {
  std::vector<NoteVerifier> out;
  std::string name = store.Meta("name");
  sql::Statement q(store.db(), "SELECT public_key FROM signing_keys ORDER BY created_at, rowid");
  while (q.Step()) {
    auto pub = q.Column(0);
    out.push_back({name, pub.Blob()});
  }
  return out;
}

}  // namespace agritrace
