#include "agritrace/registry/log_audit.h"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/encoding.h"

namespace agritrace {
namespace {

std::string N(int64_t v) { return std::to_string(v); }


// A JSON member as the text a column holds ("" for absent or null), to compare with a column's
// StringOrEmpty().
std::string Member(const Json& obj, const char* name) {
  if (!obj.is_object() || !obj.contains(name) || obj[name].is_null()) return {};
  const Json& v = obj[name];
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::optional<int64_t> Int(const Json& obj, const char* name) {
  if (!obj.is_object() || !obj.contains(name) || !obj[name].is_number_integer()) return {};
  return obj[name].get<int64_t>();
}

std::optional<bool> Bool(const Json& obj, const char* name) {
  if (!obj.is_object() || !obj.contains(name) || !obj[name].is_boolean()) return {};
  return obj[name].get<bool>();
}

std::string ColumnText(const sql::Value& c) {
  if (c.IsNull()) return {};
  if (c.IsInteger()) return N(c.Int64());
  return c.String();
}

// Event kinds whose rows are looked up from the row side, one byte per event.
enum Mark : uint8_t { kOther, kLot, kLotSeen, kTrace, kTraceSeen, kHgz, kHgzSeen };

struct Mint {
  int64_t event = 0, lot_id = 0, first = 0, last = 0, regular = 0;
  std::string lot, sha256;
};

struct Expected {
  int64_t event = 0;
  Json data;
  bool seen = false;
};

class Auditor {
 public:
  Auditor(sql::Connection& db, size_t max) : db_(db), max_(max) {}

  LogAuditReport Run() {
    ReadEvents();
    CheckRegistryMeta();
    CheckKeys();
    CheckOrganisations();
    CheckCertifications();
    CheckTokens();
    CheckUsers();
    CheckLots();
    CheckTrace();
    CheckHgz();
    CheckUnits();
    CheckPrintRuns();
    CheckCodeExports();
    CheckCheckpoints();
    return std::move(report_);
  }

 private:
  void Add(std::string table, std::string key, int64_t event, std::string reason, std::string zh,
           std::string en) {
    ++report_.mismatch_count;
    if (report_.mismatches.size() >= max_) return;
    // Every message names its table and row first, the way the CLI prints it.
    std::string where_zh = "表 " + table + " 行 " + key + "：",
                where_en = "table " + table + " row " + key + ": ";
    report_.mismatches.push_back(
        {std::move(table), std::move(key), event, std::move(reason), where_zh + zh, where_en + en});
  }

  // A row's columns against its event: `diffs` names each column that differs.
  void Differs(const std::string& table, const std::string& key, int64_t event,
               const std::vector<std::string>& diffs) {
    if (diffs.empty()) return;
    std::string cols;
    for (const auto& d : diffs) cols += (cols.empty() ? "" : ", ") + d;
    Add(table, key, event, "row-differs", "与日志事件 " + N(event) + " 不符：" + cols,
        "differs from log event " + N(event) + " in " + cols);
  }

  void WithoutEvent(const std::string& table, const std::string& key, const std::string& zh,
                    const std::string& en) {
    Add(table, key, -1, "row-without-event", "没有对应的日志事件" + zh, "has no log event" + en);
  }

  void WithoutRow(const std::string& table, const std::string& key, int64_t event,
                  const std::string& kind) {
    Add(table, key, event, "event-without-row",
        "缺失：日志事件 " + N(event) + "（" + kind + "）记录了这一行，表中却没有",
        "missing: log event " + N(event) + " (" + kind + ") records this row, the table lacks it");
  }

  // The leaf of event `idx` parsed, or null when there is no such event.
  Json LeafAt(int64_t idx) {
    if (!leaf_at_)
      leaf_at_ = std::make_unique<sql::Statement>(db_, "SELECT leaf FROM events WHERE idx = ?");
    leaf_at_->Reset();
    leaf_at_->Bind(1, idx);
    if (!leaf_at_->Step()) return nullptr;
    Json leaf = Json::parse(leaf_at_->Column(0).String(), nullptr, false);
    return leaf.is_discarded() ? Json(nullptr) : leaf;
  }

  void ReadEvents() {
    sql::Statement q(db_, "SELECT idx, kind, at, leaf FROM events ORDER BY idx");
    while (q.Step()) {
      const int64_t idx = q.Column(0).Int64();
      ++report_.rows_checked;
      if (idx < 0 || static_cast<uint64_t>(idx) != marks_.size()) return;  // VerifyLog's to report
      marks_.push_back(kOther);
      Json leaf = Json::parse(q.Column(3).String(), nullptr, false);
      if (leaf.is_discarded() || !leaf.is_object()) {
        Add("events", "idx=" + N(idx), idx, "event-row-differs", "leaf 不是 JSON 对象",
            "its leaf is not a JSON object");
        continue;
      }
      const std::string kind = Member(leaf, "kind");
      // kind and at are columns beside the hashed leaf: readers filter on them.
      if (kind != q.Column(1).String() || Member(leaf, "at") != q.Column(2).String() ||
          Int(leaf, "seq") != idx)
        Add("events", "idx=" + N(idx), idx, "event-row-differs",
            "kind/at 列与已签入日志的 leaf 不符",
            "its kind/at columns differ from its logged leaf");
      const Json& data = leaf.contains("data") ? leaf["data"] : Json(nullptr);
      if (kind == "lot.issued") {
        marks_.back() = kLot;
      } else if (kind == "hgz.issued") {
        marks_.back() = kHgz;
      } else if (kind == "lot.trace" || kind == "lot.recalled") {
        marks_.back() = kTrace;
      } else if (kind == "registry.initialised") {
        init_ = Expected{idx, data};
      } else if (kind == "key.created" || kind == "key.rotated") {
        keys_.push_back({idx, data});
      } else if (kind == "organisation.added") {
        if (auto id = Int(data, "id")) orgs_[*id] = {idx, data};
      } else if (kind == "product.added") {
        if (auto id = Int(data, "id")) products_[*id] = {idx, data};
      } else if (kind == "product.updated") {
        // The event carries the whole row: the latest one is what the table must hold.
        if (auto id = Int(data, "id"); id && products_.count(*id)) products_[*id] = {idx, data};
      } else if (kind == "certification.added") {
        Json cert = data;
        cert["status_event"] = idx;
        certs_[Member(data, "number")] = {idx, cert};
      } else if (kind.rfind("certification.", 0) == 0) {
        auto it = certs_.find(Member(data, "number"));
        if (it == certs_.end()) continue;  // its row check reports the certificate
        it->second.data["status"] = data.value("to", "");
        it->second.data["status_reason"] = data.value("reason", "");
        it->second.data["status_event"] = idx;
      } else if (kind == "token.created") {
        if (auto id = Int(data, "id")) tokens_[*id] = {idx, data};
      } else if (kind == "token.revoked") {
        if (auto id = Int(data, "id"); id && tokens_.count(*id)) {
          tokens_[*id].data["revoked_at"] = data.value("revoked_at", "");
          tokens_[*id].data["revoked_event"] = idx;
        }
      } else if (kind == "user.added") {
        if (auto id = Int(data, "id")) users_[*id] = {idx, data};
      } else if (kind.rfind("user.", 0) == 0) {
        auto id = Int(data, "id");
        if (!id || !users_.count(*id)) continue;  // its row check names the account
        Json& user = users_[*id].data;
        if (kind == "user.disabled") {
          user["disabled"] = true;
          user["disabled_event"] = idx;
        } else if (kind == "user.password-reset" || kind == "user.password-changed") {
          user["must_change_password"] = kind == "user.password-reset";
          user["password_event"] = idx;
          if (data.contains("password_hash_sha256"))
            user["password_hash_sha256"] = data["password_hash_sha256"];
          else
            user.erase("password_hash_sha256");  // an older event: the earlier hash is gone
        }
      } else if (kind == "units.minted") {
        Mint m;
        m.event = idx;
        m.lot = Member(data, "lot");
        m.first = Int(data, "first_serial").value_or(0);
        m.last = Int(data, "last_serial").value_or(-1);
        m.regular = Int(data, "minted").value_or(0);
        m.sha256 = Member(data, "codes_sha256");
        mints_.push_back(std::move(m));
      } else if (kind == "log.checkpoint") {
        checkpoint_events_.push_back({idx, data});
      } else if (kind == "codes.exported") {
        if (auto id = Int(data, "id")) code_exports_[*id] = {idx, data};
      } else if (kind == "labels.print-started") {
        if (auto id = Int(data, "id")) print_runs_[*id] = {idx, data};
      } else if (kind == "labels.print-ended") {
        auto id = Int(data, "id");
        if (!id || !print_runs_.count(*id)) continue;  // its row check names the run
        Json& run = print_runs_[*id].data;
        for (const char* k : {"outcome", "sent_through", "ended_at"})
          run[k] = data.contains(k) ? data[k] : Json(nullptr);
        run["end_event"] = idx;
      }
    }
  }

  void CheckRegistryMeta() {
    if (!init_) return;
    sql::Statement q(db_, "SELECT value FROM registry_meta WHERE key = ?");
    for (const char* key : {"name", "base_url"}) {
      q.Reset();
      q.Bind(1, key);
      const std::string value = q.Step() ? q.Column(0).String() : "";
      if (value != Member(init_->data, key))
        Differs("registry_meta", std::string("key=") + key, init_->event, {"value"});
    }
  }

  void CheckKeys() {
    std::map<std::string, size_t> by_kid;
    for (size_t i = 0; i < keys_.size(); ++i) by_kid[Member(keys_[i].data, "kid")] = i;
    sql::Statement q(
        db_, "SELECT kid, public_key, created_at, retired_at FROM signing_keys ORDER BY kid");
    while (q.Step()) {
      ++report_.rows_checked;
      const std::string kid = q.Column(0).String(), key = "kid=" + kid;
      auto it = by_kid.find(kid);
      if (it == by_kid.end()) {
        WithoutEvent("signing_keys", key, "（key.created / key.rotated）",
                     " (key.created / key.rotated)");
        continue;
      }
      Expected& e = keys_[it->second];
      e.seen = true;
      std::vector<std::string> diffs;
      if (Base64Encode(q.Column(1).Blob()) != Member(e.data, "public_key"))
        diffs.push_back("public_key");
      if (q.Column(2).StringOrEmpty() != Member(e.data, "created_at")) diffs.push_back("created_at");
      // Rotation retires the previous key at the new key's creation time.
      const std::string retired =
          it->second + 1 < keys_.size() ? Member(keys_[it->second + 1].data, "created_at") : "";
      if (q.Column(3).StringOrEmpty() != retired) diffs.push_back("retired_at");
      Differs("signing_keys", key, e.event, diffs);
    }
    for (const Expected& e : keys_)
      if (!e.seen) WithoutRow("signing_keys", "kid=" + Member(e.data, "kid"), e.event, "key");
  }

  // A table whose rows are written once, by one event each, every column named as in `data`.
  void CheckFlat(const std::string& table, const std::vector<const char*>& cols,
                 std::map<int64_t, Expected>& expected, const std::string& kind) {
    std::string sql = "SELECT id";
    for (const char* c : cols) sql += std::string(", ") + c;
    sql::Statement q(db_, sql + " FROM " + table + " ORDER BY id");
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t id = q.Column(0).Int64();
      const std::string key = "id=" + N(id);
      auto it = expected.find(id);
      if (it == expected.end()) {
        WithoutEvent(table, key, "（" + kind + "）", " (" + kind + ")");
        continue;
      }
      it->second.seen = true;
      std::vector<std::string> diffs;
      for (size_t c = 0; c < cols.size(); ++c)
        if (ColumnText(q.Column(static_cast<int>(c) + 1)) != Member(it->second.data, cols[c]))
          diffs.push_back(cols[c]);
      Differs(table, key, it->second.event, diffs);
    }
    for (const auto& [id, e] : expected)
      if (!e.seen) WithoutRow(table, "id=" + N(id), e.event, kind);
  }

  void CheckOrganisations() {
    CheckFlat("organisations", {"name", "credit_code", "kind", "region", "created_at"}, orgs_,
              "organisation.added");
    CheckFlat("products", {"org_id", "name", "category", "net_content_g", "gtin", "created_at"},
              products_, "product.added");
  }

  void CheckCertifications() {
    sql::Statement q(db_,
                     "SELECT id, type, number, issuer, holder_org_id, valid_from, valid_to, "
                     "annual_output_kg, status, status_reason, created_at FROM certifications "
                     "ORDER BY id");
    sql::Statement products(db_,
                            "SELECT product_id FROM cert_products WHERE cert_id = ? ORDER BY 1");
    sql::Statement areas(db_, "SELECT region FROM cert_areas WHERE cert_id = ? ORDER BY 1");
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t id = q.Column(0).Int64();
      const std::string number = q.Column(2).String();
      const std::string key = "id=" + N(id) + " number=" + number;
      auto it = certs_.find(number);
      if (it == certs_.end()) {
        WithoutEvent("certifications", key, "（certification.added）", " (certification.added)");
        continue;
      }
      Expected& e = it->second;
      e.seen = true;
      cert_ids_[number] = Int(e.data, "id").value_or(-1);
      std::vector<std::string> diffs;
      if (Int(e.data, "id") != id) diffs.push_back("id");
      const char* cols[] = {"type",       "issuer",   "holder",
                            "valid_from", "valid_to", "annual_output_kg"};
      const int col_of[] = {1, 3, 4, 5, 6, 7};
      for (int c = 0; c < 6; ++c)
        if (ColumnText(q.Column(col_of[c])) != Member(e.data, cols[c]))
          diffs.push_back(cols[c] == std::string("holder") ? "holder_org_id" : cols[c]);
      if (q.Column(10).StringOrEmpty() != Member(e.data, "created_at")) diffs.push_back("created_at");
      Differs("certifications", key, e.event, diffs);
      // Status is what the newest status event says (the added event when none).
      const int64_t status_event = Int(e.data, "status_event").value_or(e.event);
      std::vector<std::string> status_diffs;
      if (q.Column(8).StringOrEmpty() != Member(e.data, "status")) status_diffs.push_back("status");
      if (q.Column(9).StringOrEmpty() != Member(e.data, "status_reason"))
        status_diffs.push_back("status_reason");
      Differs("certifications", key, status_event, status_diffs);

      Json got_products = Json::array(), got_area = Json::array();
      products.Reset();
      products.Bind(1, id);
      while (products.Step()) got_products.push_back(products.Column(0).Int64());
      areas.Reset();
      areas.Bind(1, id);
      while (areas.Step()) got_area.push_back(areas.Column(0).String());
      if (got_products != e.data.value("products", Json::array()))
        Differs("cert_products", "cert_id=" + N(id), e.event, {"product_id"});
      if (got_area != e.data.value("area", Json::array()))
        Differs("cert_areas", "cert_id=" + N(id), e.event, {"region"});
    }
    for (const auto& [number, e] : certs_)
      if (!e.seen) WithoutRow("certifications", "number=" + number, e.event, "certification.added");
  }

  void CheckTokens() {
    sql::Statement q(db_,
                     "SELECT id, hash, role, org_id, name, created_at, revoked_at FROM tokens "
                     "ORDER BY id");
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t id = q.Column(0).Int64();
      const std::string key = "id=" + N(id);
      auto it = tokens_.find(id);
      if (it == tokens_.end()) {
        WithoutEvent("tokens", key, "（token.created）：可能是闯入者自建的令牌",
                     " (token.created): possibly a token an intruder made");
        continue;
      }
      Expected& e = it->second;
      e.seen = true;
      std::vector<std::string> diffs;
      // Events logged before the hash was logged cannot vouch for it.
      if (e.data.contains("hash_sha256") &&
          HexEncode(q.Column(1).Blob()) != Member(e.data, "hash_sha256"))
        diffs.push_back("hash");
      if (q.Column(2).StringOrEmpty() != Member(e.data, "role")) diffs.push_back("role");
      if (ColumnText(q.Column(3)) != Member(e.data, "org_id")) diffs.push_back("org_id");
      if (q.Column(4).StringOrEmpty() != Member(e.data, "name")) diffs.push_back("name");
      if (q.Column(5).StringOrEmpty() != Member(e.data, "created_at")) diffs.push_back("created_at");
      Differs("tokens", key, e.event, diffs);
      if (q.Column(6).StringOrEmpty() != Member(e.data, "revoked_at"))
        Differs("tokens", key, Int(e.data, "revoked_event").value_or(e.event), {"revoked_at"});
    }
    for (const auto& [id, e] : tokens_)
      if (!e.seen) WithoutRow("tokens", "id=" + N(id), e.event, "token.created");
  }

  // Console accounts (registry/users.h), each as user.added and its later user.* events leave
  // it. Sessions and sign_in_failures are not checked: signing in or out and a failed attempt
  // change no registry state and log no event.
  void CheckUsers() {
    sql::Statement q(db_,
                     "SELECT id, username, role, org_id, password_hash, must_change_password, "
                     "disabled, created_at FROM users ORDER BY id");
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t id = q.Column(0).Int64();
      const std::string key = "id=" + N(id) + " username=" + q.Column(1).StringOrEmpty();
      auto it = users_.find(id);
      if (it == users_.end()) {
        WithoutEvent("users", key, "（user.added）：可能是闯入者自建的账号",
                     " (user.added): possibly an account an intruder made");
        continue;
      }
      Expected& e = it->second;
      e.seen = true;
      std::vector<std::string> diffs, password_diffs;
      if (q.Column(1).StringOrEmpty() != Member(e.data, "username")) diffs.push_back("username");
      if (q.Column(2).StringOrEmpty() != Member(e.data, "role")) diffs.push_back("role");
      if (ColumnText(q.Column(3)) != Member(e.data, "org_id")) diffs.push_back("org_id");
      if (q.Column(7).StringOrEmpty() != Member(e.data, "created_at")) diffs.push_back("created_at");
      Differs("users", key, e.event, diffs);
      // Events logged before the hash and the flag were logged cannot vouch for them.
      if (e.data.contains("password_hash_sha256") &&
          HexEncode(Sha256(q.Column(4).StringOrEmpty())) != Member(e.data, "password_hash_sha256"))
        password_diffs.push_back("password_hash");
      if (auto must = Bool(e.data, "must_change_password");
          must && (q.Column(5).Int() != 0) != *must)
        password_diffs.push_back("must_change_password");
      Differs("users", key, Int(e.data, "password_event").value_or(e.event), password_diffs);
      if ((q.Column(6).Int() != 0) != Bool(e.data, "disabled").value_or(false))
        Differs("users", key, Int(e.data, "disabled_event").value_or(e.event), {"disabled"});
    }
    for (const auto& [id, e] : users_)
      if (!e.seen)
        WithoutRow("users", "id=" + N(id) + " username=" + Member(e.data, "username"), e.event,
                   "user.added");
  }

  // Rows of a lot's child table, read alongside the lots in lot_id order.
  class ChildCursor {
   public:
    ChildCursor(sql::Connection& db, const char* sql) : q_(db, sql) { Step(); }
    // Every row of lots before `lot_id` that no lots row claimed, then `lot_id`'s own rows.
    void Take(int64_t lot_id, std::vector<int64_t>* orphans, Json* rows) {
      while (has_ && q_.Column(0).Int64() < lot_id) {
        orphans->push_back(q_.Column(0).Int64());
        Step();
      }
      *rows = Json::array();
      while (has_ && q_.Column(0).Int64() == lot_id) {
        Json row = Json::array();
        for (int c = 1; c < q_.ColumnCount(); ++c) {
          auto col = q_.Column(c);
          row.push_back(col.IsInteger() ? Json(col.Int64()) : Json(col.String()));
        }
        rows->push_back(std::move(row));
        Step();
      }
    }

   private:
    void Step() { has_ = q_.Step(); }
    sql::Statement q_;
    bool has_ = false;
  };

  void CheckLots() {
    sql::Statement q(db_,
                     "SELECT id, code, product_id, org_id, origin, harvested, packed, units, "
                     "net_content_g, brand_id, record_json, signature, kid, event_index, "
                     "issued_at FROM lots ORDER BY id");
    ChildCursor certs(db_, "SELECT lot_id, cert_id FROM lot_certs ORDER BY lot_id, cert_id");
    ChildCursor households(db_,
                           "SELECT lot_id, household, grams, registered_poor FROM lot_households "
                           "ORDER BY lot_id, rowid");
    ChildCursor inspections(db_,
                            "SELECT lot_id, agency, report, result FROM lot_inspections "
                            "ORDER BY lot_id, rowid");
    std::vector<int64_t> orphans;
    Json rows;
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t id = q.Column(0).Int64();
      const std::string code = q.Column(1).String();
      const std::string key = "id=" + N(id) + " code=" + code;
      lot_ids_[code] = id;
      const int64_t ev = q.Column(13).Int64();
      Json leaf = ev >= 0 && static_cast<uint64_t>(ev) < marks_.size() &&
                          (marks_[ev] == kLot || marks_[ev] == kLotSeen)
                      ? LeafAt(ev)
                      : Json(nullptr);
      if (leaf.is_null()) {
        WithoutEvent("lots", key, "（event_index " + N(ev) + " 不是 lot.issued 事件）",
                     " (event_index " + N(ev) + " is not a lot.issued event)");
      } else if (marks_[ev] == kLotSeen) {
        WithoutEvent("lots", key, "（事件 " + N(ev) + " 已属于另一行）",
                     " (event " + N(ev) + " already belongs to another row)");
      } else {
        marks_[ev] = kLotSeen;
        const Json& data = leaf["data"];
        const Json& record = data.value("record", Json::object());
        std::vector<std::string> diffs;
        auto canonical = CanonicalJson(record);
        if (!canonical.ok() || *canonical != q.Column(10).String())
          diffs.push_back("record_json");
        if (q.Column(11).String() != Member(data, "signature")) diffs.push_back("signature");
        if (q.Column(12).String() != Member(data, "kid")) diffs.push_back("kid");
        if (code != Member(record, "code")) diffs.push_back("code");
        if (ColumnText(q.Column(2)) != Member(record.value("product", Json::object()), "id"))
          diffs.push_back("product_id");
        if (ColumnText(q.Column(3)) != Member(record.value("producer", Json::object()), "id"))
          diffs.push_back("org_id");
        if (q.Column(4).StringOrEmpty() != Member(record.value("origin", Json::object()), "code"))
          diffs.push_back("origin");
        const char* same[] = {"harvested", "packed", "units", "net_content_g"};
        for (int c = 0; c < 4; ++c)
          if (ColumnText(q.Column(5 + c)) != Member(record, same[c])) diffs.push_back(same[c]);
        if (ColumnText(q.Column(9)) != Member(record.value("brand", Json::object()), "id"))
          diffs.push_back("brand_id");
        if (q.Column(14).StringOrEmpty() != Member(record, "issued_at")) diffs.push_back("issued_at");
        Differs("lots", key, ev, diffs);

        // The lot's certificates, households and inspections, as the record lists them.
        Json want_certs = Json::array(), want_households = Json::array(),
             want_inspections = Json::array();
        for (const auto& c : record.value("certifications", Json::array())) {
          auto it = cert_ids_.find(Member(c, "number"));
          want_certs.push_back(it == cert_ids_.end() ? -1 : it->second);
        }
        std::sort(want_certs.begin(), want_certs.end());
        for (const auto& h : record.value("households", Json::array()))
          want_households.push_back({Member(h, "id"), h.value("grams", int64_t{0}),
                                     h.value("registered_poor", false) ? 1 : 0});
        for (const auto& i : record.value("inspections", Json::array()))
          want_inspections.push_back(
              {Member(i, "agency"), Member(i, "report"), Member(i, "result")});
        certs.Take(id, &orphans, &rows);
        Json got_certs = Json::array();
        for (const auto& r : rows) got_certs.push_back(r[0]);
        if (got_certs != want_certs) Differs("lot_certs", "lot_id=" + N(id), ev, {"cert_id"});
        households.Take(id, &orphans, &rows);
        if (rows != want_households)
          Differs("lot_households", "lot_id=" + N(id), ev, {"household, grams, registered_poor"});
        inspections.Take(id, &orphans, &rows);
        if (rows != want_inspections)
          Differs("lot_inspections", "lot_id=" + N(id), ev, {"agency, report, result"});
        continue;
      }
      certs.Take(id, &orphans, &rows);
      households.Take(id, &orphans, &rows);
      inspections.Take(id, &orphans, &rows);
    }
    for (ChildCursor* c : {&certs, &households, &inspections}) c->Take(INT64_MAX, &orphans, &rows);
    std::sort(orphans.begin(), orphans.end());
    orphans.erase(std::unique(orphans.begin(), orphans.end()), orphans.end());
    for (int64_t lot_id : orphans)
      WithoutEvent("lot_certs/lot_households/lot_inspections", "lot_id=" + N(lot_id),
                   "（没有这个批次）", " (no such lot)");
    for (size_t i = 0; i < marks_.size(); ++i)
      if (marks_[i] == kLot) WithoutRow("lots", "event_index=" + N(i), i, "lot.issued");
  }

  void CheckTrace() {
    sql::Statement q(db_,
                     "SELECT t.id, l.code, t.step, t.at, t.place, t.actor, t.note, "
                     "t.event_index FROM trace_events t LEFT JOIN lots l ON l.id = t.lot_id "
                     "ORDER BY t.id");
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t id = q.Column(0).Int64(), ev = q.Column(7).Int64();
      const std::string key = "id=" + N(id);
      const bool is_trace = ev >= 0 && static_cast<uint64_t>(ev) < marks_.size() &&
                            (marks_[ev] == kTrace || marks_[ev] == kTraceSeen);
      if (!is_trace) {
        WithoutEvent("trace_events", key,
                     "（event_index " + N(ev) + " 不是 lot.trace / lot.recalled 事件）",
                     " (event_index " + N(ev) + " is not a lot.trace / lot.recalled event)");
        continue;
      }
      if (marks_[ev] == kTraceSeen) {
        WithoutEvent("trace_events", key, "（事件 " + N(ev) + " 已属于另一行）",
                     " (event " + N(ev) + " already belongs to another row)");
        continue;
      }
      marks_[ev] = kTraceSeen;
      Json leaf = LeafAt(ev);
      const Json& data = leaf.is_object() ? leaf["data"] : Json(nullptr);
      std::vector<std::string> diffs;
      if (q.Column(1).StringOrEmpty() != Member(data, "lot")) diffs.push_back("lot_id");
      const char* cols[] = {"step", "at", "place", "actor", "note"};
      for (int c = 0; c < 5; ++c)
        if (q.Column(2 + c).StringOrEmpty() != Member(data, cols[c])) diffs.push_back(cols[c]);
      if ((Member(leaf, "kind") == "lot.recalled") != (q.Column(2).StringOrEmpty() == "recall") &&
          std::find(diffs.begin(), diffs.end(), "step") == diffs.end())
        diffs.push_back("step");
      Differs("trace_events", key, ev, diffs);
    }
    for (size_t i = 0; i < marks_.size(); ++i)
      if (marks_[i] == kTrace) WithoutRow("trace_events", "event_index=" + N(i), i, "lot.trace");
  }

  // 承诺达标合格证 (registry/hgz.h): each row against its hgz.issued event, the columns against
  // the signed record, and a collector's received certificates against the record's list.
  // Runs after CheckLots, which maps lot codes to ids.
  void CheckHgz() {
    sql::Statement q(db_,
                     "SELECT h.id, h.number, l.code, h.org_id, h.style, h.basis, h.report, "
                     "h.weight_g, h.pieces, h.covered_g, h.contact, h.issued_on, "
                     "h.record_json, h.signature, h.kid, h.event_index, h.issued_at "
                     "FROM hgz h LEFT JOIN lots l ON l.id = h.lot_id ORDER BY h.id");
    sql::Statement received(db_,
                            "SELECT h.number FROM hgz_received r LEFT JOIN hgz h ON "
                            "h.id = r.received_id WHERE r.hgz_id = ? ORDER BY 1");
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t id = q.Column(0).Int64(), ev = q.Column(15).Int64();
      const std::string key = "id=" + N(id) + " number=" + q.Column(1).String();
      const bool is_hgz = ev >= 0 && static_cast<uint64_t>(ev) < marks_.size() &&
                          (marks_[ev] == kHgz || marks_[ev] == kHgzSeen);
      if (!is_hgz) {
        WithoutEvent("hgz", key, "（event_index " + N(ev) + " 不是 hgz.issued 事件）",
                     " (event_index " + N(ev) + " is not an hgz.issued event)");
        continue;
      }
      if (marks_[ev] == kHgzSeen) {
        WithoutEvent("hgz", key, "（事件 " + N(ev) + " 已属于另一行）",
                     " (event " + N(ev) + " already belongs to another row)");
        continue;
      }
      marks_[ev] = kHgzSeen;
      Json leaf = LeafAt(ev);
      const Json& data = leaf.is_object() ? leaf["data"] : Json(nullptr);
      const Json& record = data.is_object() ? data.value("record", Json::object()) : Json::object();
      std::vector<std::string> diffs;
      auto canonical = CanonicalJson(record);
      if (!canonical.ok() || *canonical != q.Column(12).String())
        diffs.push_back("record_json");
      if (q.Column(13).StringOrEmpty() != Member(data, "signature")) diffs.push_back("signature");
      if (q.Column(14).StringOrEmpty() != Member(data, "kid")) diffs.push_back("kid");
      if (q.Column(1).StringOrEmpty() != Member(record, "number")) diffs.push_back("number");
      if (q.Column(2).StringOrEmpty() != Member(record, "lot")) diffs.push_back("lot_id");
      if (ColumnText(q.Column(3)) != Member(record.value("party", Json::object()), "id"))
        diffs.push_back("org_id");
      const char* same[] = {"style",    "basis",   "report",    "weight_g", "pieces",
                            "covered_g", "contact", "issued_on"};
      for (int c = 0; c < 8; ++c)
        if (ColumnText(q.Column(4 + c)) != Member(record, same[c])) diffs.push_back(same[c]);
      if (q.Column(16).StringOrEmpty() != Member(record, "issued_at")) diffs.push_back("issued_at");
      Differs("hgz", key, ev, diffs);
      Json want = record.value("received", Json::array()), got = Json::array();
      std::sort(want.begin(), want.end());
      received.Reset();
      received.Bind(1, id);
      while (received.Step()) got.push_back(received.Column(0).StringOrEmpty());
      if (got != want) Differs("hgz_received", "hgz_id=" + N(id), ev, {"received_id"});
    }
    sql::Statement orphans(db_,
                           "SELECT DISTINCT hgz_id FROM hgz_received WHERE hgz_id NOT IN "
                           "(SELECT id FROM hgz) ORDER BY 1");
    while (orphans.Step())
      WithoutEvent("hgz_received", "hgz_id=" + N(orphans.Column(0).Int64()),
                   "（没有这张合格证）", " (no such certificate)");
    for (size_t i = 0; i < marks_.size(); ++i)
      if (marks_[i] == kHgz) WithoutRow("hgz", "event_index=" + N(i), i, "hgz.issued");
  }

  // Units in (lot_id, serial) order against the minted ranges in the same order: each range's
  // serials must all be there, with the spare flag the event implies, and hash to its
  // codes_sha256; a unit in no range was never minted.
  void CheckUnits() {
    std::vector<Mint> mints;
    for (Mint& m : mints_) {
      auto it = lot_ids_.find(m.lot);
      if (it == lot_ids_.end()) {
        WithoutRow("lots", "code=" + m.lot, m.event, "units.minted");
        continue;
      }
      m.lot_id = it->second;
      mints.push_back(m);
    }
    std::sort(mints.begin(), mints.end(), [](const Mint& a, const Mint& b) {
      return std::tie(a.lot_id, a.first) < std::tie(b.lot_id, b.first);
    });
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t p = 0;
    bool open = false, gap = false;  // gap: serials already reported missing in the open range
    int64_t next = 0;                // the serial the open range expects next
    auto range_key = [&](const Mint& m) {
      return "lot=" + m.lot + " serial=" + N(m.first) + ".." + N(m.last);
    };
    auto close = [&] {
      const Mint& m = mints[p];
      if (!open) next = m.first;  // not one of its units is stored
      if (next <= m.last) {
        Add("units", range_key(m), m.event, "units-missing",
            "缺少序号 " + N(next) + "–" + N(m.last) + "（事件 " + N(m.event) + " 发放了它们）",
            "serials " + N(next) + ".." + N(m.last) + " are missing (minted by event " +
                N(m.event) + ")");
      } else if (!gap) {
        unsigned char md[32];
        unsigned int len = 0;
        EVP_DigestFinal_ex(sha.get(), md, &len);
        if (HexEncode(std::string(reinterpret_cast<char*>(md), len)) != m.sha256)
          Add("units", range_key(m), m.event, "units-hash-differs",
              "这些单品码的 SHA-256 与事件 " + N(m.event) +
                  " 记录的 codes_sha256 不符：有编码被改动",
              "the SHA-256 of these codes differs from codes_sha256 of event " + N(m.event) +
                  ": a code was changed");
      }
      open = false;
      gap = false;
      ++p;
    };
    sql::Statement q(db_,
                     "SELECT lot_id, serial, code, spare FROM units ORDER BY lot_id, serial");
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t lot_id = q.Column(0).Int64(), serial = q.Column(1).Int64();
      while (p < mints.size() &&
             std::tie(mints[p].lot_id, mints[p].last) < std::tie(lot_id, serial))
        close();
      const std::string code = q.Column(2).String();
      const std::string key =
          "code=" + code + " (lot_id=" + N(lot_id) + " serial=" + N(serial) + ")";
      if (p == mints.size() || mints[p].lot_id != lot_id || serial < mints[p].first) {
        Add("units", key, -1, "unit-outside-mint",
            "不在任何 units.minted 事件发放的序号范围内：这个码不是登记库发的",
            "lies in no serial range a units.minted event minted: the registry never issued it");
        continue;
      }
      const Mint& m = mints[p];
      if (!open) {
        EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr);
        open = true;
        next = m.first;
      }
      if (serial > next) {
        Add("units", range_key(m), m.event, "units-missing",
            "缺少序号 " + N(next) + "–" + N(serial - 1),
            "serials " + N(next) + ".." + N(serial - 1) + " are missing");
        gap = true;
      }
      EVP_DigestUpdate(sha.get(), code.data(), code.size());
      next = serial + 1;
      const bool spare = serial - m.first >= m.regular;
      if ((q.Column(3).Int() != 0) != spare) Differs("units", key, m.event, {"spare"});
    }
    while (p < mints.size()) close();
  }

  // Print runs (registry/print_runs.h): each row as labels.print-started made it and, once
  // ended, as labels.print-ended left it. An erased end would hide what a run printed; a row
  // without its start, a print nobody logged.
  void CheckPrintRuns() {
    sql::Statement q(db_,
                     "SELECT r.id, l.code, r.lot_only, r.first_serial, r.last_serial, r.format, "
                     "r.options, r.destination, r.actor, r.resumes, r.started_at, "
                     "r.start_event, r.outcome, r.sent_through, r.ended_at, r.end_event "
                     "FROM print_runs r LEFT JOIN lots l ON l.id = r.lot_id ORDER BY r.id");
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t id = q.Column(0).Int64();
      const std::string key = "id=" + N(id);
      auto it = print_runs_.find(id);
      if (it == print_runs_.end()) {
        WithoutEvent("print_runs", key, "（labels.print-started）：一次没有记入日志的打印",
                     " (labels.print-started): a print nobody logged");
        continue;
      }
      Expected& e = it->second;
      e.seen = true;
      std::vector<std::string> diffs, end_diffs;
      if (q.Column(1).StringOrEmpty() != Member(e.data, "lot")) diffs.push_back("lot_id");
      if ((q.Column(2).Int() != 0) != Bool(e.data, "lot_only").value_or(false))
        diffs.push_back("lot_only");
      const char* same[] = {"first_serial", "last_serial", "format"};
      for (int c = 0; c < 3; ++c)
        if (ColumnText(q.Column(3 + c)) != Member(e.data, same[c])) diffs.push_back(same[c]);
      auto options = CanonicalJson(e.data.value("options", Json::object()));
      if (!options.ok() || *options != q.Column(6).StringOrEmpty()) diffs.push_back("options");
      const char* more[] = {"destination", "actor", "resumes", "started_at"};
      for (int c = 0; c < 4; ++c)
        if (ColumnText(q.Column(7 + c)) != Member(e.data, more[c])) diffs.push_back(more[c]);
      if (ColumnText(q.Column(11)) != N(e.event)) diffs.push_back("start_event");
      Differs("print_runs", key, e.event, diffs);
      const char* end[] = {"outcome", "sent_through", "ended_at", "end_event"};
      for (int c = 0; c < 4; ++c)
        if (ColumnText(q.Column(12 + c)) != Member(e.data, end[c])) end_diffs.push_back(end[c]);
      Differs("print_runs", key, Int(e.data, "end_event").value_or(e.event), end_diffs);
    }
    for (const auto& [id, e] : print_runs_)
      if (!e.seen) WithoutRow("print_runs", "id=" + N(id), e.event, "labels.print-started");
  }

  // Code files for print shops (registry/code_exports.h), each as its codes.exported event
  // recorded it: an erased or edited export would hide where codes went.
  void CheckCodeExports() {
    sql::Statement q(db_,
                     "SELECT e.id, l.code, e.first_serial, e.last_serial, e.format, e.file, "
                     "e.sha256, e.bytes, e.actor, e.again_reason, e.exported_at, e.event_index "
                     "FROM code_exports e LEFT JOIN lots l ON l.id = e.lot_id ORDER BY e.id");
    while (q.Step()) {
      ++report_.rows_checked;
      const int64_t id = q.Column(0).Int64();
      const std::string key = "id=" + N(id);
      auto it = code_exports_.find(id);
      if (it == code_exports_.end()) {
        WithoutEvent("code_exports", key, "（codes.exported）：一次没有记入日志的导出",
                     " (codes.exported): an export nobody logged");
        continue;
      }
      Expected& e = it->second;
      e.seen = true;
      std::vector<std::string> diffs;
      if (q.Column(1).StringOrEmpty() != Member(e.data, "lot")) diffs.push_back("lot_id");
      const char* cols[] = {"first_serial", "last_serial", "format", "file",  "sha256",
                            "bytes",        "actor",       "reason", "exported_at"};
      for (int c = 0; c < 9; ++c)
        if (ColumnText(q.Column(2 + c)) != Member(e.data, cols[c]))
          diffs.push_back(cols[c] == std::string("reason") ? "again_reason" : cols[c]);
      if (ColumnText(q.Column(11)) != N(e.event)) diffs.push_back("event_index");
      Differs("code_exports", key, e.event, diffs);
    }
    for (const auto& [id, e] : code_exports_)
      if (!e.seen) WithoutRow("code_exports", "id=" + N(id), e.event, "codes.exported");
  }

  // A log.checkpoint event is logged with each checkpoint signed (log_store.h): the checkpoint
  // it announces, and the previous one it names, must still be stored.
  void CheckCheckpoints() {
    std::vector<int64_t> sizes;
    sql::Statement q(db_, "SELECT size FROM checkpoints ORDER BY size");
    while (q.Step()) sizes.push_back(q.Column(0).Int64());
    auto missing = [&](int64_t size, int64_t event, const std::string& why_zh,
                       const std::string& why_en) {
      if (std::binary_search(sizes.begin(), sizes.end(), size)) return;
      Add("checkpoints", "size=" + N(size), event, "checkpoint-missing",
          "已签检查点缺失（" + why_zh + "）：检查点被删除了",
          "the signed checkpoint is missing (" + why_en + "): a checkpoint was deleted");
    };
    for (const Expected& e : checkpoint_events_) {
      ++report_.rows_checked;
      missing(e.event + 1, e.event, "日志事件 " + N(e.event) + " 记录了它的签署",
              "log event " + N(e.event) + " records its signing");
      if (auto prev = Int(e.data, "previous"))
        missing(*prev, e.event, "日志事件 " + N(e.event) + " 称它为上一个检查点",
                "log event " + N(e.event) + " names it as the previous checkpoint");
    }
  }

  sql::Connection& db_;
  size_t max_;
  LogAuditReport report_;
  std::unique_ptr<sql::Statement> leaf_at_;
  std::vector<uint8_t> marks_;
  std::optional<Expected> init_;
  std::vector<Expected> keys_, checkpoint_events_;
  std::map<int64_t, Expected> orgs_, products_, tokens_, users_, print_runs_,
      code_exports_;
  std::map<std::string, Expected> certs_;
  std::map<std::string, int64_t> cert_ids_, lot_ids_;
  std::vector<Mint> mints_;
};

}  // namespace

Result<LogAuditReport> AuditTables(sql::Connection& db, size_t max_mismatches) {
  try {
    // One snapshot for every pass: a read transaction, unless the caller's already is one.
    std::unique_ptr<sql::Transaction> snapshot;
    if (!db.InTransaction()) snapshot = std::make_unique<sql::Transaction>(db, sql::TxKind::kRead);
    LogAuditReport report = Auditor(db, max_mismatches).Run();
    if (snapshot) snapshot->Commit();
    return report;
  } catch (const sql::Error& e) {
    return Status::Io(std::string("核对登记表时读库失败：") + e.what(),
                      std::string("reading the registry tables failed: ") + e.what());
  } catch (const Json::exception& e) {
    // A logged event whose data lacks the shape its kind has: VerifyLog says whether the log
    // itself was altered; either way the tables cannot be checked against it.
    return Status::Corruption(
               std::string("日志事件的内容不是应有的结构，无法核对登记表：") + e.what(),
               std::string("a log event's data does not have its kind's shape, so "
                           "the tables cannot be checked: ") +
                   e.what())
        .with_reason("log-event-shape");
  }
}

}  // namespace agritrace
