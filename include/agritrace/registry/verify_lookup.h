// Read-only lookups behind a consumer's scan (DESIGN.md §7): code → lot, its signed record and
// signature, the signing key, the live status of its certificates and the trace events added
// after issue (recall included). Nothing here writes.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/log_store.h"
#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/status.h"

namespace agritrace {

// A certificate applied to the lot, as it stands today.
struct CertificationStatus {
  std::string type, number, issuer, valid_from;
  std::string valid_to;       // empty: no expiry (geographic indications)
  std::string stored_status;  // active | suspended | revoked
  std::string status_reason;  // why suspended or revoked, empty otherwise
  std::string live;           // active | suspended | revoked | expired
};

// A step added to the lot after issue. `place_name` is the region's name when known.
struct TraceStep {
  std::string step, at, place, place_name, actor, note;
};

// A lot's issue event proved to be in the transparency log: the RFC 9162 inclusion proof of leaf
// `LotLookup::event_index` in the tree of `tree_size` leaves, whose root `checkpoint` signs.
struct LogInclusion {
  uint64_t tree_size = 0;
  std::vector<std::string> proof;  // base64 hashes, leaf side first
  std::string checkpoint;          // the C2SP signed note of size tree_size
};

struct LotLookup {
  int64_t lot_id = 0;
  std::string lot_code;
  std::string unit_code;     // empty when looked up by lot code
  int64_t serial = 0;        // unit serial within the lot, 0 for lot-code lookups
  std::string product_gtin;  // from products, empty when none
  std::string record_json;   // the exact signed bytes (canonical JSON)
  Json record;               // record_json parsed; null when it is not JSON (then not valid)
  std::string signature;     // base64url Ed25519 over record_json
  std::string kid;
  std::string public_key;  // raw 32 bytes of `kid`; empty when the key is not in the registry
  bool signature_valid = false;
  std::string brand_recognised_by;
  std::vector<CertificationStatus> certifications;
  std::vector<TraceStep> trace;  // oldest first
  bool recalled = false;
  std::string recalled_at, recall_reason;
  int64_t event_index = -1;  // the lot.issued event's leaf index in the transparency log
  // Not read from the database: whoever proves the event fills it (the server, once per lot per
  // checkpoint: http/lot_cache.h).
  std::optional<LogInclusion> log;
  // What a server derives from all of the above once, when it loads the lot, so that a busy lot
  // is serialised once rather than on every scan (http/lot_cache.cpp): the lot's members of the
  // verify JSON, and per page language the consumer page before and after the unit's own rows.
  // Empty: not rendered.
  struct Rendered {
    std::string json;
    std::string page_head[2], page_tail[2];
  } rendered;
};

// Where a unit code belongs. Units never move: safe to remember.
struct UnitRef {
  int64_t lot_id = 0;
  int64_t serial = 0;
};

struct PublicKeyInfo {
  std::string kid, public_key, created_at, retired_at;  // public_key raw; retired_at may be ""
};

// Remembers checked (public key, record, signature) triples: a lot record never changes, so a
// busy code costs one Ed25519 verification per process instead of one per scan. Thread-safe.
class SignatureCache {
 public:
  explicit SignatureCache(size_t max_entries = 100000) : max_entries_(max_entries) {}
  // Ed25519Verify(public_key, record, base64url-decoded signature), remembered.
  bool Verify(const std::string& public_key, const std::string& record,
              const std::string& signature_b64url);

 private:
  struct Entry {
    std::string public_key, record;
    bool valid;
  };
  size_t max_entries_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by signature text
};

// Checks a signature without caching: the raw Ed25519 check behind SignatureCache.
bool VerifyRecordSignature(std::string_view public_key, std::string_view record,
                           std::string_view signature_b64url);

// Prepared statements on one connection; not thread-safe (one per connection).
class VerifyLookup {
 public:
  // `cache` may be null (every lookup then verifies the signature).
  VerifyLookup(sql::Connection& db, SignatureCache* cache);

  // NotFound when no unit / lot has this code. `today` (YYYY-MM-DD, Asia/Shanghai) decides
  // which certificates have expired. Lot, certificates and trace are read in one read
  // transaction: one consistent snapshot, one file lock.
  Result<LotLookup> ByUnitCode(const std::string& code, const std::string& today);
  Result<LotLookup> ByLotCode(const std::string& code, const std::string& today);
  // The same in steps, for callers that remember code → lot (lots and units never change).
  Result<UnitRef> UnitOf(const std::string& code);
  Result<int64_t> LotIdOf(const std::string& code);
  // The unit's 有机码 (organic_codes.h), "" when it has none. Read per scan, not cached: codes
  // are loaded after minting.
  std::string OrganicCodeOf(const std::string& unit_code);
  // The unit code of serial `serial` in lot `lot_code` (an offline-signed label names its unit
  // so), "" when there is none.
  std::string UnitCodeAt(const std::string& lot_code, int64_t serial);
  // Raw 32-byte public key of `kid`, current or retired; "" when the registry has no such key.
  std::string PublicKeyOf(const std::string& kid);
  Result<LotLookup> ByLotId(int64_t lot_id, const std::string& today);

  // Grows with every registry change (each appends to the event log): certificate status,
  // recall, trace step, new lot. -1 for an empty log.
  int64_t RegistryVersion();

  // Every signing key, current and retired, oldest first.
  std::vector<PublicKeyInfo> PublicKeys();
  // registry_meta "name" (the registry's host name), empty when unset.
  std::string RegistryName();
  // registry_meta "base_url" (what labels print before /Q/ and /S/), empty when unset.
  std::string RegistryBaseUrl();

  // The transparency log on this connection (proofs keep their prepared statements).
  MerkleLog& log() { return log_; }

  // The folded scan history of a code (ScanSummaryQuery::RunFolded, see scan_store.h): complete
  // for every code the scan recorder does not hold in memory.
  ScanSummary ScanHistory(const std::string& code, size_t max_nets) {
    return scans_.RunFolded(code, max_nets);
  }

 private:
  sql::Connection& db_;
  SignatureCache* cache_;
  Result<LotLookup> Lookup(sql::Statement& q, const std::string& code, const std::string& today);
  Result<LotLookup> Finish(sql::Statement& q, const std::string& today);

  sql::Statement begin_, commit_, by_unit_, by_lot_, by_id_, unit_of_, lot_id_of_, version_,
      certs_, trace_, organic_, unit_at_, key_of_;
  ScanSummaryQuery scans_;
  MerkleLog log_;
};

}  // namespace agritrace
