#include "agritrace/registry/verify_lookup.h"

#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"

namespace agritrace {
namespace {

// Both lookups select the same columns so that Finish reads either.
constexpr const char* kLotColumns =
    "SELECT l.id, l.code, %UNIT%, p.gtin, l.record_json, l.signature, l.kid, k.public_key, "
    "b.recognised_by, l.event_index FROM ";
constexpr const char* kLotJoins =
    " JOIN products p ON p.id = l.product_id"
    " LEFT JOIN signing_keys k ON k.kid = l.kid"
    " LEFT JOIN brands b ON b.id = l.brand_id ";

enum class By { kUnit, kLotCode, kLotId };

std::string LotQuery(By by) {
  std::string cols = kLotColumns;
  cols.replace(cols.find("%UNIT%"), 6, by == By::kUnit ? "u.code, u.serial" : "NULL, 0");
  if (by == By::kUnit)
    return cols + "units u JOIN lots l ON l.id = u.lot_id" + kLotJoins + "WHERE u.code = ?";
  return cols + "lots l" + kLotJoins + (by == By::kLotId ? "WHERE l.id = ?" : "WHERE l.code = ?");
}

Status CodeUnknown(bool unit, const std::string& code) {
  return Status::NotFound(std::string(unit ? "未查询到此码：" : "未查询到此批次码：") + code,
                          std::string(unit ? "no such code: " : "no such lot code: ") + code)
      .with_reason("code-unknown");
}

// Statements are reused; reset them even when a step throws.
struct ResetOnExit {
  sql::Statement& q;
  ~ResetOnExit() {
    try {
      q.Reset();
      q.ClearBindings();
    } catch (const sql::Error&) {
    }
  }
};

// One read transaction (one snapshot, one file lock) around several statements; ended however
// the scope is left. A failed COMMIT of a read leaves nothing to undo: ROLLBACK then.
class ReadTransaction {
 public:
  ReadTransaction(sql::Statement& begin, sql::Statement& commit, sql::Connection& db)
      : commit_(commit), db_(db) {
    ResetOnExit reset{begin};
    begin.Exec();
  }
  ~ReadTransaction() {
    try {
      ResetOnExit reset{commit_};
      commit_.Exec();
    } catch (const sql::Error&) {
      try {
        db_.Exec("ROLLBACK");
      } catch (const sql::Error&) {
      }
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  sql::Statement& commit_;
  sql::Connection& db_;
};

}  // namespace

bool VerifyRecordSignature(std::string_view public_key, std::string_view record,
                           std::string_view signature_b64url) {
  if (public_key.size() != 32) return false;
  auto sig = Base64UrlDecode(signature_b64url);
  if (!sig || sig->size() != 64) return false;
  return Ed25519Verify(public_key, record, *sig);
}

bool SignatureCache::Verify(const std::string& public_key, const std::string& record,
                            const std::string& signature_b64url) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(signature_b64url);
    // Only an exact match of key and bytes reuses the answer: an altered row is re-checked.
    if (it != entries_.end() && it->second.public_key == public_key && it->second.record == record)
      return it->second.valid;
  }
  bool valid = VerifyRecordSignature(public_key, record, signature_b64url);
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[signature_b64url] = Entry{public_key, record, valid};
  return valid;
}

VerifyLookup::VerifyLookup(sql::Connection& db, SignatureCache* cache)
    : db_(db),
      cache_(cache),
      begin_(db, "BEGIN"),
      commit_(db, "COMMIT"),
      by_unit_(db, LotQuery(By::kUnit)),
      by_lot_(db, LotQuery(By::kLotCode)),
      by_id_(db, LotQuery(By::kLotId)),
      unit_of_(db, "SELECT lot_id, serial FROM units WHERE code = ?"),
      lot_id_of_(db, "SELECT id FROM lots WHERE code = ?"),
      version_(db, "SELECT COALESCE(MAX(idx), -1) FROM events"),
      certs_(db,
             "SELECT c.type, c.number, c.issuer, c.valid_from, c.valid_to, c.status, "
             "c.status_reason FROM lot_certs lc JOIN certifications c ON c.id = lc.cert_id "
             "WHERE lc.lot_id = ? ORDER BY c.id"),
      trace_(db,
             "SELECT t.step, t.at, t.place, r.name, t.actor, t.note FROM trace_events t "
             "LEFT JOIN regions r ON r.code = t.place WHERE t.lot_id = ? ORDER BY t.at, t.id"),
      organic_(db, "SELECT code FROM organic_codes WHERE unit = ?"),
      unit_at_(db,
               "SELECT u.code FROM units u JOIN lots l ON l.id = u.lot_id "
               "WHERE l.code = ? AND u.serial = ?"),
      key_of_(db, "SELECT public_key FROM signing_keys WHERE kid = ?"),
      scans_(db),
      log_(db) {}

Result<LotLookup> VerifyLookup::ByUnitCode(const std::string& code, const std::string& today) {
  return Lookup(by_unit_, code, today);
}

Result<LotLookup> VerifyLookup::ByLotCode(const std::string& code, const std::string& today) {
  return Lookup(by_lot_, code, today);
}

Result<LotLookup> VerifyLookup::Lookup(sql::Statement& q, const std::string& code,
                                       const std::string& today) {
  ReadTransaction read(begin_, commit_, db_);
  ResetOnExit reset{q};
  q.Bind(1, code);
  if (!q.Step()) return CodeUnknown(&q == &by_unit_, code);
  return Finish(q, today);
}

Result<LotLookup> VerifyLookup::ByLotId(int64_t lot_id, const std::string& today) {
  ReadTransaction read(begin_, commit_, db_);
  ResetOnExit reset{by_id_};
  by_id_.Bind(1, lot_id);
  if (!by_id_.Step())
    return Status::NotFound("找不到批次 " + std::to_string(lot_id),
                            "no lot " + std::to_string(lot_id))
        .with_reason("code-unknown");
  return Finish(by_id_, today);
}

Result<UnitRef> VerifyLookup::UnitOf(const std::string& code) {
  ResetOnExit reset{unit_of_};
  unit_of_.Bind(1, code);
  if (!unit_of_.Step()) return CodeUnknown(true, code);
  return UnitRef{unit_of_.Column(0).Int64(), unit_of_.Column(1).Int64()};
}

std::string VerifyLookup::OrganicCodeOf(const std::string& unit_code) {
  ResetOnExit reset{organic_};
  organic_.Bind(1, unit_code);
  return organic_.Step() ? organic_.Column(0).String() : "";
}

std::string VerifyLookup::UnitCodeAt(const std::string& lot_code, int64_t serial) {
  ResetOnExit reset{unit_at_};
  unit_at_.Bind(1, lot_code);
  unit_at_.Bind(2, serial);
  return unit_at_.Step() ? unit_at_.Column(0).String() : "";
}

std::string VerifyLookup::PublicKeyOf(const std::string& kid) {
  ResetOnExit reset{key_of_};
  key_of_.Bind(1, kid);
  if (!key_of_.Step()) return "";
  return key_of_.Column(0).Blob();
}

Result<int64_t> VerifyLookup::LotIdOf(const std::string& code) {
  ResetOnExit reset{lot_id_of_};
  lot_id_of_.Bind(1, code);
  if (!lot_id_of_.Step()) return CodeUnknown(false, code);
  return lot_id_of_.Column(0).Int64();
}

int64_t VerifyLookup::RegistryVersion() {
  ResetOnExit reset{version_};
  return version_.Step() ? version_.Column(0).Int64() : -1;
}

Result<LotLookup> VerifyLookup::Finish(sql::Statement& q, const std::string& today) {
  LotLookup lot;
  lot.lot_id = q.Column(0).Int64();
  lot.lot_code = q.Column(1).String();
  lot.unit_code = q.Column(2).StringOrEmpty();
  lot.serial = q.Column(3).Int64();
  lot.product_gtin = q.Column(4).StringOrEmpty();
  lot.record_json = q.Column(5).String();
  lot.signature = q.Column(6).String();
  lot.kid = q.Column(7).String();
  auto pub = q.Column(8);
  if (!pub.IsNull()) lot.public_key = pub.Blob();
  lot.brand_recognised_by = q.Column(9).StringOrEmpty();
  lot.event_index = q.Column(10).Int64();
  lot.record = Json::parse(lot.record_json, nullptr, false);
  if (lot.record.is_discarded()) lot.record = Json();
  // Bytes that are not even JSON cannot be what the registry signed.
  lot.signature_valid =
      lot.record.is_object() &&
      (cache_ ? cache_->Verify(lot.public_key, lot.record_json, lot.signature)
              : VerifyRecordSignature(lot.public_key, lot.record_json, lot.signature));

  {
    ResetOnExit reset{certs_};
    certs_.Bind(1, lot.lot_id);
    while (certs_.Step()) {
      CertificationStatus c;
      c.type = certs_.Column(0).String();
      c.number = certs_.Column(1).String();
      c.issuer = certs_.Column(2).String();
      c.valid_from = certs_.Column(3).String();
      c.valid_to = certs_.Column(4).StringOrEmpty();
      c.stored_status = certs_.Column(5).String();
      c.status_reason = certs_.Column(6).StringOrEmpty();
      // Revocation and suspension outrank expiry: they say something happened.
      if (c.stored_status != "active")
        c.live = c.stored_status;
      else if (!c.valid_to.empty() && c.valid_to < today)
        c.live = "expired";
      else
        c.live = "active";
      lot.certifications.push_back(std::move(c));
    }
  }
  {
    ResetOnExit reset{trace_};
    trace_.Bind(1, lot.lot_id);
    while (trace_.Step()) {
      TraceStep t{trace_.Column(0).String(),  trace_.Column(1).String(),
                  trace_.Column(2).StringOrEmpty(), trace_.Column(3).StringOrEmpty(),
                  trace_.Column(4).StringOrEmpty(), trace_.Column(5).StringOrEmpty()};
      if (t.step == "recall" && !lot.recalled) {
        lot.recalled = true;
        lot.recalled_at = t.at;
        lot.recall_reason = t.note;
      }
      lot.trace.push_back(std::move(t));
    }
  }
  return lot;
}

std::vector<PublicKeyInfo> VerifyLookup::PublicKeys() {
  std::vector<PublicKeyInfo> keys;
  sql::Statement q(db_,
                   "SELECT kid, public_key, created_at, retired_at FROM signing_keys "
                   "ORDER BY created_at, rowid");
  while (q.Step()) {
    auto pub = q.Column(1);
    keys.push_back({q.Column(0).String(),
                    pub.Blob(),
                    q.Column(2).String(), q.Column(3).StringOrEmpty()});
  }
  return keys;
}

std::string VerifyLookup::RegistryName() {
  sql::Statement q(db_, "SELECT value FROM registry_meta WHERE key = 'name'");
  return q.Step() ? q.Column(0).String() : "";
}

std::string VerifyLookup::RegistryBaseUrl() {
  sql::Statement q(db_, "SELECT value FROM registry_meta WHERE key = 'base_url'");
  return q.Step() ? q.Column(0).String() : "";
}

}  // namespace agritrace
