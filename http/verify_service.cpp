#include "http/verify_service.h"

#include <algorithm>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/crockford.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/scan_store.h"
#include "http/client_network.h"

namespace agritrace::http {
namespace {

struct Scanned {
  bool ok = false;
  labeler::ParsedCode code;
  Status why;
};

// The one call into the labeler's parser: URL in any case, GS1 Digital Link, hyphens,
// full-width characters, O/I/L confusions.
Scanned ParseScanned(std::string_view input) {
  Scanned s;
  auto parsed = labeler::ParseCode(input);
  if (parsed.ok()) {
    s.ok = true;
    s.code = std::move(parsed).value();
  } else {
    s.why = parsed.status();
  }
  return s;
}

// A GS1 Digital Link names the product (GTIN) and lot besides the code; a label whose link
// disagrees with the registry was not printed from it.
bool LinkMatches(const labeler::ParsedCode& code, const LotLookup& lot, Verdict& v) {
  if (!code.gtin.empty() && code.gtin != lot.product_gtin) {
    v.reason_zh = "链接中的商品条码（GTIN " + code.gtin + "）与登记的产品不符";
    v.reason_en = "the link's GTIN " + code.gtin + " is not the registered product's";
    return false;
  }
  if (!code.gs1_lot.empty() && crockford::Normalize(code.gs1_lot) != lot.lot_code) {
    v.reason_zh = "链接中的批号与登记的批次不符";
    v.reason_en = "the link's lot number is not the registered lot";
    return false;
  }
  return true;
}

// An offline-signed label names its unit by lot and serial and vouches for them with the
// registry's signature. A good one becomes that unit's scan (one history whichever QR form was
// scanned); a bad one is a label the registry never printed. False when it is not a unit here.
bool ResolveOfflineLabel(const labeler::OfflineLabel& label, VerifyLookup& lookup, Verdict& v) {
  const std::string key = lookup.PublicKeyOf(label.kid);
  if (key.empty()) {
    v.reason_zh = "标签的签名密钥（" + label.kid + "）不是本登记库的";
    v.reason_en = "the label is signed by a key (" + label.kid + ") this registry does not hold";
    return false;
  }
  // Checked against this registry's own origin, whatever host the label was read from: a label
  // signed for another host is not one of ours.
  const std::string origin = labeler::LabelOrigin(lookup.RegistryBaseUrl());
  switch (labeler::CheckOfflineLabel(label, origin, key)) {
    case labeler::LabelCheck::kValid:
      break;
    case labeler::LabelCheck::kUnbound:
      v.reason_zh = "标签用旧格式签名，未绑定登记库网址（" + origin + "），不予认可；请重新打印标签";
      v.reason_en = "the label is signed in the old format that binds no registry address (" +
                    origin + "), so it is refused; reprint the label";
      return false;
    case labeler::LabelCheck::kInvalid:
      v.reason_zh = "标签上的签名无效：不是本登记库（" + origin + "）签发的标签，或被改动过";
      v.reason_en = "the label's signature is INVALID: this registry (" + origin +
                    ") did not print it, or it was altered";
      return false;
  }
  std::string unit = lookup.UnitCodeAt(label.lot_code, label.serial);
  if (unit.empty()) {
    v.reason_zh = "签名有效，但登记库中没有这个批次的第 " + std::to_string(label.serial) + " 号单品";
    v.reason_en = "the signature is valid but the registry holds no unit " +
                  std::to_string(label.serial) + " of this lot";
    return false;
  }
  v.kind = ScannedKind::kUnit;
  v.code = std::move(unit);
  v.display = labeler::FormatUnitCode(v.code);
  return true;
}

}  // namespace

std::string_view StatusName(VerifyStatus s) {
  switch (s) {
    case VerifyStatus::kRecalled:
      return "recalled";
    case VerifyStatus::kSignatureInvalid:
      return "signature-invalid";
    case VerifyStatus::kRevoked:
      return "revoked";
    case VerifyStatus::kSuspended:
      return "suspended";
    case VerifyStatus::kExpired:
      return "expired";
    case VerifyStatus::kSuspicious:
      return "suspicious";
    case VerifyStatus::kScanned:
      return "scanned";
    case VerifyStatus::kGenuine:
      return "genuine";
    case VerifyStatus::kUnknown:
      return "unknown";
    case VerifyStatus::kMistyped:
      return "mistyped";
  }
  return "unknown";
}

bool IsAlarm(VerifyStatus s) {
  return s != VerifyStatus::kGenuine && s != VerifyStatus::kScanned && s != VerifyStatus::kMistyped;
}

VerifyStatus DecideStatus(Verdict& v) {
  v.problem_cert = -1;
  if (v.kind == ScannedKind::kMalformed) return v.status = VerifyStatus::kMistyped;
  if (!v.lot) return v.status = VerifyStatus::kUnknown;
  const LotLookup& lot = *v.lot;
  if (lot.recalled) return v.status = VerifyStatus::kRecalled;
  if (!lot.signature_valid) return v.status = VerifyStatus::kSignatureInvalid;
  for (const char* live : {"revoked", "suspended", "expired"}) {
    for (size_t i = 0; i < lot.certifications.size(); ++i) {
      if (lot.certifications[i].live != live) continue;
      v.problem_cert = static_cast<int>(i);
      std::string_view l = live;
      return v.status = l == "revoked"     ? VerifyStatus::kRevoked
                        : l == "suspended" ? VerifyStatus::kSuspended
                                           : VerifyStatus::kExpired;
    }
  }
  // One code per lot is scanned by many people: its count says nothing about copies.
  if (v.kind == ScannedKind::kLot) return v.status = VerifyStatus::kGenuine;
  if (v.tally.count > v.thresholds.scans ||
      static_cast<int64_t>(v.tally.distinct_nets) > v.thresholds.networks)
    return v.status = VerifyStatus::kSuspicious;
  if (v.tally.count > 1) return v.status = VerifyStatus::kScanned;
  return v.status = VerifyStatus::kGenuine;
}

const Json& Verdict::record() const {
  static const Json kEmpty = Json::object();
  return lot && lot->record.is_object() ? lot->record : kEmpty;
}

std::string SanitizeInput(std::string_view input) {
  std::string out;
  for (char c : input.substr(0, 64)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  return out;
}

Result<Verdict> VerifyService::Verify(const VerifyRequest& request) {
  Verdict v;
  v.thresholds = thresholds_;
  Scanned scanned = ParseScanned(request.input);
  std::string scan_kind = "malformed";
  if (scanned.ok) {
    // An offline-signed label is a unit once its signature is checked, below.
    v.kind = scanned.code.kind == labeler::CodeKind::kLot ? ScannedKind::kLot : ScannedKind::kUnit;
    v.code = scanned.code.code;
    v.display = labeler::DisplayCode(scanned.code);
  } else {
    v.code = v.display = SanitizeInput(request.input);
    v.reason_zh = scanned.why.zh();
    v.reason_en = scanned.why.en();
  }

  auto lease = pool_.Acquire();
  if (!lease.ok()) return lease.status();
  try {
    bool look_up = scanned.ok;
    if (scanned.ok && scanned.code.kind == labeler::CodeKind::kOfflineSigned &&
        !ResolveOfflineLabel(scanned.code.offline, lease->lookup(), v)) {
      look_up = false;
      scan_kind = "unknown";
      v.code = scanned.code.code + "/" + std::to_string(scanned.code.offline.serial);
    }
    if (look_up) {
      auto find = [&](VerifyLookup& lookup) {
        return v.kind == ScannedKind::kUnit ? lots_.Unit(v.code, lookup) : lots_.Lot(v.code, lookup);
      };
      auto found = find(lease->lookup());
      if (!found.ok() && found.status().code() == StatusCode::kNotFound && primary_) {
        auto on_primary = primary_->Acquire();
        if (!on_primary.ok()) return on_primary.status();
        found = find(on_primary->lookup());
      }
      if (found.ok()) {
        scan_kind = v.kind == ScannedKind::kUnit ? "unit" : "lot";
        if (LinkMatches(scanned.code, *found->lot, v)) {
          v.lot = found->lot;
          v.serial = found->serial;
          bool organic = std::any_of(v.lot->certifications.begin(), v.lot->certifications.end(),
                                     [](const CertificationStatus& c) { return c.type == "organic"; });
          if (organic && v.kind == ScannedKind::kUnit)
            v.organic_code = lease->lookup().OrganicCodeOf(v.code);
        }
      } else if (found.status().code() == StatusCode::kNotFound) {
        scan_kind = "unknown";
      } else {
        return found.status();
      }
    }
    if (request.record && !recorder_) {
      v.read_only = true;
      if (scan_kind == "unit" || scan_kind == "lot") {
        // The table's tally and its unfolded tail: a copy may hold scans never folded.
        const size_t nets = std::max<size_t>(kTallyNets, std::max(thresholds_.networks, 0) + 1);
        ScanSummary s = SummarizeScans(lease->db(), v.code, nets);
        v.tally.count = s.count;
        v.tally.first_at = std::move(s.first_at);
        v.tally.distinct_nets = s.nets.size();
      }
    } else if (request.record) {
      // A connection's requests come from one network: hash it once per run of them.
      thread_local std::string last_salt, last_network, last_hash;
      if (last_hash.empty() || last_network != request.client_network || last_salt != salt_) {
        last_hash = NetworkHash(salt_, request.client_network);
        last_network = request.client_network;
        last_salt = salt_;
      }
      ScanRow row{v.code, scan_kind, NowUtc(), last_hash};
      auto tally = recorder_->Record(row, lease->lookup());
      if (!tally.ok()) return tally.status();
      v.tally = *tally;
    }
  } catch (const sql::Error& e) {
    lease->Discard();
    return Status::Io(std::string("读取登记库失败：") + e.what(),
                      std::string("reading the registry failed: ") + e.what());
  }
  DecideStatus(v);
  return v;
}

}  // namespace agritrace::http
