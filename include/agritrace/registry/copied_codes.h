// Codes that look copied (DESIGN.md §9): unit codes scanned more than a threshold of times or
// from more than a threshold of networks. Found through scan_tallies' indexes on count and on
// net_count (schemas/sql/011_console_tallies.sql), so the cost grows with the codes that look
// copied, not with the codes or scans stored; the unfolded tail is added (unless the query says
// ScanTail::kSkip), so the answer is exact. Networks are counted up to kTallyNets (scan_store.h),
// so a `networks` threshold must stay below it (CheckNetworkThreshold).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/status.h"

namespace agritrace {

// A networks threshold must be 0 to kTallyNets - 1 (15): a tally keeps no more networks than
// that, so a larger one could never be passed. Status::Invalid (reason "network-threshold")
// naming `option` otherwise.
Status CheckNetworkThreshold(int64_t networks, const std::string& option);

struct CopiedCodeQuery {
  std::string lot_code;  // "" for every lot
  int64_t org_id = 0;    // > 0: only that organisation's lots
  int64_t threshold = 5;  // scans beyond which a code looks copied
  int64_t networks = 3;   // distinct networks beyond which a code looks copied
  size_t limit = 0;       // rows kept, the most scanned first; 0 keeps all
  ScanTail tail = ScanTail::kRead;  // kSkip: as of the last fold, for pages (scan_store.h)
};

struct CopiedCode {
  std::string code, lot_code, origin;
  int64_t scans = 0, networks = 0;
  std::string first_at, last_at;  // RFC 3339 UTC
};

struct CopiedCodes {
  int64_t total = 0;  // codes that look copied, whatever `limit`
  int64_t lots = 0;   // lots they belong to
  std::vector<CopiedCode> rows;  // most scans first, then by code
};

// One read snapshot; sql::Error on a database failure.
CopiedCodes FindCopiedCodes(sql::Connection& db, const CopiedCodeQuery& q);

}  // namespace agritrace
