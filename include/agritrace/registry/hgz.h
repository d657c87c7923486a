// 承诺达标合格证 (DESIGN.md §12): the certificate a producer or collector issues for a shipment of
// a lot, under 农业农村部令2025年第4号. Signed and logged like a lot record, never edited; many per
// lot (one per shipment) whose weights together stay within the lot's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/signed_record.h"
#include "agritrace/registry/store.h"

namespace agritrace {

// The commitment text of each style, word for word as the 办法 gives it.
inline constexpr std::string_view kProducerCommitment =
    "未使用禁用农药、兽药及其他化合物；使用的常规农药、兽药残留不超标。";
inline constexpr std::string_view kCollectorCommitment =
    "已按规定收取并保存该批次农产品承诺达标合格证或者其他质量安全合格证明；"
    "未违规使用保鲜剂、防腐剂、添加剂等。";

// At most this many received certificates (--from-hgz) on one collector's certificate.
inline constexpr size_t kMaxReceivedHgz = 100;

struct HgzInput {
  std::string lot;             // normalised lot code
  int64_t weight_g = 0;        // exactly one of weight_g and pieces is > 0
  int64_t pieces = 0;
  std::string basis;           // control | self-test | commissioned-test
  std::string report;          // test report number: required for the two test bases only
  std::string contact;         // phone: mobile 1XXXXXXXXXX or landline 0AREA-NUMBER
  std::string style = "producer";  // producer | collector
  std::vector<std::string> from;   // collector: numbers of the certificates received
};

// A certificate just issued: its number and its signed record (the record, a JSON document whose
// canonical bytes are what is signed, the signature, the key's id and the log event's index).
struct IssuedHgz : SignedRecord {
  std::string number;
};
// {"number","record","signature","kid","event_index"}.
void to_json(Json& j, const IssuedHgz& h);

// A stored certificate: as issued, with the exact signed bytes, whether the signature checks now
// against the registry's key, and whether its lot has been recalled since.
struct Hgz : SignedRecord {
  std::string number;
  bool signature_valid = false;
  bool lot_recalled = false;
};
// IssuedHgz's keys and "record_canonical", "signature_valid", "lot_recalled".
void to_json(Json& j, const Hgz& h);

// One line of a list of certificates. Exactly one of weight_g and pieces is set.
struct HgzSummary {
  std::string number, lot, issued_on, style, basis;
  std::optional<int64_t> weight_g, pieces;
  int64_t covered_g = 0;
  std::string party;  // the committing organisation's name
};
void to_json(Json& j, const HgzSummary& h);

// Issues a certificate: checks every rule (lot known and not recalled, quantity within what the
// lot's certificates leave, basis and report, contact, style and received certificates), signs
// the record with the current key and appends "hgz.issued" in one transaction. A refusal writes
// nothing.
Result<IssuedHgz> IssueHgz(Store& store, const HgzInput& input);

// NotFound (reason hgz-unknown) for no such certificate.
Result<Hgz> GetHgz(Store& store, const std::string& number);

// Certificates newest first; of one lot when `lot` is not empty (NotFound for no such lot).
Result<std::vector<HgzSummary>> ListHgz(Store& store, const std::string& lot);

// A certificate number as typed (any case, hyphens, O/I/L) in its canonical form, or Invalid
// (reason hgz-number) saying what is wrong: a mistyped number is a typo, not an unknown one.
Result<std::string> NormalizeHgzNumber(std::string_view text);

// The title every form of the certificate shows prominently.
inline constexpr std::string_view kHgzTitle = "承诺达标合格证";

// One line of the certificate as the paper reads: its label and value in Chinese and English.
struct HgzField {
  std::string zh, en, value_zh, value_en;
};
// Every field of a signed certificate record, in the order the paper prints them: number,
// product, quantity, origin, committing party, credit code, contact, issue date, basis (with the
// report), commitment, received certificates (collectors), lot.
std::vector<HgzField> HgzFields(const Json& record);

// A weight typed in kilograms ("12.5": above 0, up to 3 decimals) as grams, or Invalid (reason
// hgz-quantity) saying how to write it.
Result<int64_t> ParseHgzWeightKg(std::string_view text);

// Grams as kilograms the way people write them: 12500 → "12.5", 3 → "0.003".
std::string FormatKilograms(int64_t grams);

// 承诺依据 as the certificate prints it: 质量安全控制符合要求 / 自行检测合格 / 委托检测合格.
std::string HgzBasisText(std::string_view basis);

}  // namespace agritrace
