// The status decision alone: its order of precedence and the thresholds N and K.
#include "http/verify_service.h"

#include <catch2/catch.hpp>

#include "http/status_message.h"

using namespace agritrace;
using namespace agritrace::http;

namespace {

// A verdict for a found code; `lot` stays writable for the test to change.
struct Case {
  Verdict v;
  std::shared_ptr<LotLookup> lot = std::make_shared<LotLookup>();
};

Case Found(ScannedKind kind, int64_t count, size_t nets) {
  Case c;
  Verdict& v = c.v;
  v.kind = kind;
  v.code = kind == ScannedKind::kUnit ? "0123456789ABCDEF" : "0123456789";
  v.display = v.code;
  c.lot->signature_valid = true;
  c.lot->certifications.push_back(
      {"green-food", "LB-1", "中心", "2024-01-01", "2027-01-01", "active", "", "active"});
  v.lot = c.lot;
  v.tally.count = count;
  v.tally.first_at = "2026-11-22T05:00:00Z";
  v.tally.distinct_nets = nets;
  return c;
}

}  // namespace

TEST_CASE("scan history: genuine, scanned 2..N, suspicious beyond N or K", "[status]") {
  Case c = Found(ScannedKind::kUnit, 1, 1);
  Verdict& v = c.v;
  CHECK(DecideStatus(v) == VerifyStatus::kGenuine);
  v.tally.count = 2;
  CHECK(DecideStatus(v) == VerifyStatus::kScanned);
  v.tally.count = 5;
  CHECK(DecideStatus(v) == VerifyStatus::kScanned);
  v.tally.count = 6;
  CHECK(DecideStatus(v) == VerifyStatus::kSuspicious);
  v.tally.count = 2;
  v.tally.distinct_nets = 3;
  CHECK(DecideStatus(v) == VerifyStatus::kScanned);
  v.tally.distinct_nets = 4;
  CHECK(DecideStatus(v) == VerifyStatus::kSuspicious);
  CHECK(MessageFor(v, Lang::kZh).headline == "警告：疑似假冒！此码已在 4 个不同网络被查询");
  v.thresholds = {10, 5};
  CHECK(DecideStatus(v) == VerifyStatus::kScanned);
  CHECK(MessageFor(v, Lang::kZh).headline ==
        "已被查询 2 次，首次查询时间 2026-11-22 13:00（北京时间），如非本人查询请谨防假冒");
}

TEST_CASE("lot codes are never counterfeit evidence", "[status]") {
  Case c = Found(ScannedKind::kLot, 1000, 50);
  Verdict& v = c.v;
  CHECK(DecideStatus(v) == VerifyStatus::kGenuine);
  CHECK(ScanNote(v, Lang::kZh).empty());
}

TEST_CASE("recall, signature, certificate states come before the scan history", "[status]") {
  Case c = Found(ScannedKind::kUnit, 9, 9);
  Verdict& v = c.v;
  c.lot->certifications[0].live = "expired";
  CHECK(DecideStatus(v) == VerifyStatus::kExpired);
  CHECK(v.problem_cert == 0);
  c.lot->certifications.push_back(c.lot->certifications[0]);
  c.lot->certifications[1].live = "suspended";
  CHECK(DecideStatus(v) == VerifyStatus::kSuspended);
  CHECK(v.problem_cert == 1);
  c.lot->certifications[0].live = "revoked";
  CHECK(DecideStatus(v) == VerifyStatus::kRevoked);
  CHECK(v.problem_cert == 0);
  c.lot->signature_valid = false;
  CHECK(DecideStatus(v) == VerifyStatus::kSignatureInvalid);
  c.lot->recalled = true;
  c.lot->recalled_at = "2026-11-22T05:00:00Z";
  c.lot->recall_reason = "农残超标";
  CHECK(DecideStatus(v) == VerifyStatus::kRecalled);
  CHECK(v.problem_cert == -1);
  CHECK(MessageFor(v, Lang::kZh).headline == "此批次已召回，请勿食用");
  CHECK(ScanNote(v, Lang::kZh) == "此码已被查询 9 次，首次查询时间 2026-11-22 13:00（北京时间）。");
  for (auto s : {VerifyStatus::kRecalled, VerifyStatus::kSignatureInvalid, VerifyStatus::kRevoked,
                 VerifyStatus::kSuspended, VerifyStatus::kExpired, VerifyStatus::kSuspicious,
                 VerifyStatus::kUnknown})
    CHECK(IsAlarm(s));
  for (auto s : {VerifyStatus::kGenuine, VerifyStatus::kScanned, VerifyStatus::kMistyped})
    CHECK_FALSE(IsAlarm(s));
}

TEST_CASE("not found and not a code", "[status]") {
  Verdict unknown;
  unknown.kind = ScannedKind::kUnit;
  CHECK(DecideStatus(unknown) == VerifyStatus::kUnknown);
  Verdict malformed;
  CHECK(DecideStatus(malformed) == VerifyStatus::kMistyped);
  CHECK(SanitizeInput(std::string("ab\0c\xe4\xb8\xad", 6)) == "ab?c??");
  CHECK(SanitizeInput(std::string(100, 'x')).size() == 64);
}
