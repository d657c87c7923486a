// The answer to a scan (DESIGN.md §7): parse what was scanned, look the code up, record the
// scan, and decide the one status a consumer sees first. Both the consumer page and the JSON
// API render a Verdict.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "agritrace/http/lot_cache.h"
#include "agritrace/http/scan_recorder.h"
#include "agritrace/labeler/code_parser.h"
#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/verify_lookup.h"
#include "http/reader_pool.h"

namespace agritrace::http {

// Ordered by what a consumer must hear first: a recall, a record we cannot vouch for, a
// withdrawn or lapsed certificate, then what the scan history says.
enum class VerifyStatus {
  kRecalled,
  kSignatureInvalid,
  kRevoked,
  kSuspended,
  kExpired,
  kSuspicious,  // too many scans, or from too many networks: probably a copied label
  kScanned,     // scanned before, within the thresholds
  kGenuine,     // first scan of a unit code, or any scan of a lot code
  kUnknown,     // well formed, not in the registry
  kMistyped,    // not a code: wrong length, bad character, bad check character
};
// "recalled", "signature-invalid", "revoked", …, the API's `status`.
std::string_view StatusName(VerifyStatus s);
// True for states shown in red.
bool IsAlarm(VerifyStatus s);

struct ScanThresholds {
  int scans = 5;     // N: more scans of one unit code than this is suspicious
  int networks = 3;  // K: more distinct client networks than this is suspicious
};

enum class ScannedKind { kUnit, kLot, kMalformed };

struct Verdict {
  VerifyStatus status = VerifyStatus::kUnknown;
  ScannedKind kind = ScannedKind::kMalformed;
  std::string code;     // normalised code; the sanitised input when malformed
  std::string display;  // "XXXX-XXXX-XXXX-XXXX" / "XXXXX-XXXXX", or the sanitised input
  std::string reason_zh, reason_en;      // why mistyped or unknown, when there is more to say
  std::shared_ptr<const LotLookup> lot;  // the code's lot, when found (lot-level, shared)
  int64_t serial = 0;                    // the unit's serial within the lot
  std::string organic_code;              // the unit's 有机码, for a lot under an organic certificate
  ScanTally tally;
  // serve --read-only: this scan was not recorded; `tally` is what the registry had stored.
  bool read_only = false;
  ScanThresholds thresholds;
  int problem_cert = -1;  // index in lot->certifications behind revoked/suspended/expired

  // The signed record (an empty object when there is no lot).
  const Json& record() const;
};

// The status for what is known: pure, so that every state can be tested without a server.
// Also sets `problem_cert`.
VerifyStatus DecideStatus(Verdict& v);

// Printable ASCII of at most 64 bytes, other bytes as '?': what is kept of a malformed input.
std::string SanitizeInput(std::string_view input);

struct VerifyRequest {
  std::string input;           // the /q/ code segment, or the whole GS1 Digital Link path
  std::string client_network;  // NetworkOf(client address)
  // False for a HEAD: answered like a GET, but not a scan (nothing recorded, no tally bumped).
  bool record = true;
};

class VerifyService {
 public:
  VerifyService(ReaderPool& pool, LotCache& lots, ScanRecorder& recorder, std::string salt,
                ScanThresholds thresholds)
      : VerifyService(pool, lots, &recorder, std::move(salt), thresholds) {}
  // `recorder` null (serve --read-only): scans are answered with the stored tallies and not
  // recorded (Verdict::read_only).
  VerifyService(ReaderPool& pool, LotCache& lots, ScanRecorder* recorder, std::string salt,
                ScanThresholds thresholds)
      : pool_(pool),
        lots_(lots),
        recorder_(recorder),
        salt_(std::move(salt)),
        thresholds_(thresholds) {}

  // serve --read-db: `pool` reads a streaming replica, which may lag the primary by moments. A
  // code the replica does not know is looked up again on the primary (`primary`) before it is
  // called unknown, so a lot issued a second ago is never shown as a counterfeit.
  void SetPrimaryPool(ReaderPool* primary) { primary_ = primary; }

  // Records the scan and returns the verdict (its tally's ticket says when the scan is durable);
  // fails only when the database does.
  Result<Verdict> Verify(const VerifyRequest& request);

 private:
  ReaderPool& pool_;
  ReaderPool* primary_ = nullptr;
  LotCache& lots_;
  ScanRecorder* recorder_;
  std::string salt_;
  ScanThresholds thresholds_;
};

}  // namespace agritrace::http
