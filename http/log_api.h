// The transparency log over HTTP (DESIGN.md §6–7; formats in docs/formats/log.md §3–9). Public
// routes, rate-limited per client network like the verify routes:
//   GET /api/v1/log/checkpoint                         the newest signed note, text/plain,
//                                                      covering every event logged so far
//   GET /api/v1/log/proof/inclusion?index=I&size=N     {"proof": [base64 hashes]}
//   GET /api/v1/log/proof/consistency?from=M&to=N      {"proof": [base64 hashes]}
//   GET /api/v1/log/events?start=S&count=C             [{"index": i, "leaf": "exact leaf"}]
// A missing or non-decimal parameter is a 400 problem, one out of range (index >= size, size
// beyond the log, from > to, count 0) a 422 problem; both name the parameter in zh and en.
#pragma once

#include <cstdint>

#include "http/checkpoint_cache.h"
#include "http/reader_pool.h"

namespace httplib {
class Server;
}

namespace agritrace::http {

// Events per /api/v1/log/events answer: a larger `count` is served as this many (and so is a
// request without `count`). A client pages on with start = last index + 1.
inline constexpr uint64_t kMaxLogEventsPerPage = 1000;

// `pool` and `checkpoints` must outlive `svr`'s serving.
void RegisterLogApi(httplib::Server& svr, ReaderPool& pool, CheckpointCache& checkpoints);

}  // namespace agritrace::http
