#include "registry/verify_lookup.h"

#include "registry/ed25519.h"
#include "registry/encoding.h"

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

std::string TextOrEmpty(const SQLite::Column& c) { return c.isNull() ? "" : c.getString(); }

// Statements are reused; reset them even when a step throws.
struct ResetOnExit {
  SQLite::Statement& q;
  ~ResetOnExit() {
    try {
      q.reset();
      q.clearBindings();
    } catch (const SQLite::Exception&) {
    }
  }
};

// One read transaction (one snapshot, one file lock) around several statements; ended however
// the scope is left. A failed COMMIT of a read leaves nothing to undo: ROLLBACK then.
class ReadTransaction {
 public:
  ReadTransaction(SQLite::Statement& begin, SQLite::Statement& commit, SQLite::Database& db)
      : commit_(commit), db_(db) {
    ResetOnExit reset{begin};
    begin.exec();
  }
  ~ReadTransaction() {
    try {
      ResetOnExit reset{commit_};
      commit_.exec();
    } catch (const SQLite::Exception&) {
      try {
        db_.exec("ROLLBACK");
      } catch (const SQLite::Exception&) {
      }
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  SQLite::Statement& commit_;
  SQLite::Database& db_;
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

VerifyLookup::VerifyLookup(SQLite::Database& db, SignatureCache* cache)
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

Result<LotLookup> VerifyLookup::Lookup(SQLite::Statement& q, const std::string& code,
                                       const std::string& today) {
  ReadTransaction read(begin_, commit_, db_);
  ResetOnExit reset{q};
  q.bind(1, code);
  if (!q.executeStep()) return CodeUnknown(&q == &by_unit_, code);
  return Finish(q, today);
}

Result<LotLookup> VerifyLookup::ByLotId(int64_t lot_id, const std::string& today) {
  ReadTransaction read(begin_, commit_, db_);
  ResetOnExit reset{by_id_};
  by_id_.bind(1, lot_id);
  if (!by_id_.executeStep())
    return Status::NotFound("找不到批次 " + std::to_string(lot_id),
                            "no lot " + std::to_string(lot_id))
        .with_reason("code-unknown");
  return Finish(by_id_, today);
}

Result<UnitRef> VerifyLookup::UnitOf(const std::string& code) {
  ResetOnExit reset{unit_of_};
  unit_of_.bind(1, code);
  if (!unit_of_.executeStep()) return CodeUnknown(true, code);
  return UnitRef{unit_of_.getColumn(0).getInt64(), unit_of_.getColumn(1).getInt64()};
}

std::string VerifyLookup::OrganicCodeOf(const std::string& unit_code) {
  ResetOnExit reset{organic_};
  organic_.bind(1, unit_code);
  return organic_.executeStep() ? organic_.getColumn(0).getString() : "";
}

std::string VerifyLookup::UnitCodeAt(const std::string& lot_code, int64_t serial) {
  ResetOnExit reset{unit_at_};
  unit_at_.bind(1, lot_code);
  unit_at_.bind(2, serial);
  return unit_at_.executeStep() ? unit_at_.getColumn(0).getString() : "";
}

std::string VerifyLookup::PublicKeyOf(const std::string& kid) {
  ResetOnExit reset{key_of_};
  key_of_.bind(1, kid);
  if (!key_of_.executeStep()) return "";
  auto c = key_of_.getColumn(0);
  return std::string(static_cast<const char*>(c.getBlob()), static_cast<size_t>(c.getBytes()));
}

Result<int64_t> VerifyLookup::LotIdOf(const std::string& code) {
  ResetOnExit reset{lot_id_of_};
  lot_id_of_.bind(1, code);
  if (!lot_id_of_.executeStep()) return CodeUnknown(false, code);
  return lot_id_of_.getColumn(0).getInt64();
}

int64_t VerifyLookup::RegistryVersion() {
  ResetOnExit reset{version_};
  return version_.executeStep() ? version_.getColumn(0).getInt64() : -1;
}

Result<LotLookup> VerifyLookup::Finish(SQLite::Statement& q, const std::string& today) {
  LotLookup lot;
  lot.lot_id = q.getColumn(0).getInt64();
  lot.lot_code = q.getColumn(1).getString();
  lot.unit_code = TextOrEmpty(q.getColumn(2));
  lot.serial = q.getColumn(3).getInt64();
  lot.product_gtin = TextOrEmpty(q.getColumn(4));
  lot.record_json = q.getColumn(5).getString();
  lot.signature = q.getColumn(6).getString();
  lot.kid = q.getColumn(7).getString();
  auto pub = q.getColumn(8);
  if (!pub.isNull()) lot.public_key.assign(static_cast<const char*>(pub.getBlob()), pub.getBytes());
  lot.brand_recognised_by = TextOrEmpty(q.getColumn(9));
  lot.event_index = q.getColumn(10).getInt64();
  lot.record = Json::parse(lot.record_json, nullptr, false);
  if (lot.record.is_discarded()) lot.record = Json();
  // Bytes that are not even JSON cannot be what the registry signed.
  lot.signature_valid =
      lot.record.is_object() &&
      (cache_ ? cache_->Verify(lot.public_key, lot.record_json, lot.signature)
              : VerifyRecordSignature(lot.public_key, lot.record_json, lot.signature));

  {
    ResetOnExit reset{certs_};
    certs_.bind(1, lot.lot_id);
    while (certs_.executeStep()) {
      CertificationStatus c;
      c.type = certs_.getColumn(0).getString();
      c.number = certs_.getColumn(1).getString();
      c.issuer = certs_.getColumn(2).getString();
      c.valid_from = certs_.getColumn(3).getString();
      c.valid_to = TextOrEmpty(certs_.getColumn(4));
      c.stored_status = certs_.getColumn(5).getString();
      c.status_reason = TextOrEmpty(certs_.getColumn(6));
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
    trace_.bind(1, lot.lot_id);
    while (trace_.executeStep()) {
      TraceStep t{trace_.getColumn(0).getString(),  trace_.getColumn(1).getString(),
                  TextOrEmpty(trace_.getColumn(2)), TextOrEmpty(trace_.getColumn(3)),
                  TextOrEmpty(trace_.getColumn(4)), TextOrEmpty(trace_.getColumn(5))};
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
  SQLite::Statement q(db_,
                      "SELECT kid, public_key, created_at, retired_at FROM signing_keys "
                      "ORDER BY created_at, rowid");
  while (q.executeStep()) {
    auto pub = q.getColumn(1);
    keys.push_back({q.getColumn(0).getString(),
                    std::string(static_cast<const char*>(pub.getBlob()), pub.getBytes()),
                    q.getColumn(2).getString(), TextOrEmpty(q.getColumn(3))});
  }
  return keys;
}

std::string VerifyLookup::RegistryName() {
  SQLite::Statement q(db_, "SELECT value FROM registry_meta WHERE key = 'name'");
  return q.executeStep() ? q.getColumn(0).getString() : "";
}

std::string VerifyLookup::RegistryBaseUrl() {
  SQLite::Statement q(db_, "SELECT value FROM registry_meta WHERE key = 'base_url'");
  return q.executeStep() ? q.getColumn(0).getString() : "";
}

}  // namespace agritrace
