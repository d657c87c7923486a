// Counters for /metrics in the Prometheus text format (DESIGN.md §7–§8): requests by route and
// status, a latency histogram per route, and the scan pipeline (queued, stored, dropped, queue
// depth). Lock-free atomics: observing a request costs a few increments.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace agritrace::http {

enum class Route {
  kHome,          // /
  kLookup,        // /lookup
  kConsumerPage,  // /q/{code}, /Q/{code}, /s/… and /S/… (offline-signed labels)
  kDigitalLink,   // /01/{gtin}/…
  kVerifyApi,     // /api/v1/verify/{code}
  kKeys,          // /.well-known/agritrace/keys.json
  kManagementApi, // /api/v1/… with a bearer token (cooperative and bureau)
  kLogApi,        // /api/v1/log/…
  kAudit,         // /audit (the bureau's page)
  kHgz,           // /h/{number}, /H/{number}, /api/v1/hgz/{number} (承诺达标合格证)
  kHealth,        // /healthz
  kMetrics,       // /metrics
  kOther,
  kCount
};
std::string_view RouteName(Route r);
// The route label of a request path.
Route RouteOf(std::string_view path);

enum class ScanDrop { kQueueFull, kStoreFailed, kShutdown, kCount };

class Metrics {
 public:
  // Upper bounds of the latency histogram, seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};

  // `seconds` < 0: not timed (the request never reached routing).
  void ObserveRequest(Route route, int status, double seconds);
  void ScanQueued() { scans_queued_.fetch_add(1, std::memory_order_relaxed); }
  void ScansStored(uint64_t n) { scans_stored_.fetch_add(n, std::memory_order_relaxed); }
  void ScansDropped(ScanDrop why, uint64_t n);
  // A scan answered by serve --read-only, which records nothing.
  void ScanUnrecorded() { scans_unrecorded_.fetch_add(1, std::memory_order_relaxed); }
  void RateLimited() { rate_limited_.fetch_add(1, std::memory_order_relaxed); }

  uint64_t requests(Route route, int status) const;
  uint64_t scans_queued() const { return scans_queued_.load(); }
  uint64_t scans_stored() const { return scans_stored_.load(); }
  uint64_t scans_unrecorded() const { return scans_unrecorded_.load(); }
  uint64_t scans_dropped() const;
  uint64_t scans_dropped(ScanDrop why) const;

  // The exposition text; `queue_depth` is sampled by the caller.
  std::string Render(uint64_t queue_depth) const;

 private:
  // Statuses we answer with; anything else is counted under "other".
  static constexpr std::array<int, 21> kStatuses = {200, 201, 204, 301, 302, 303, 304,
                                                    400, 401, 403, 404, 405, 409, 413,
                                                    414, 415, 422, 429, 500, 503, 0};
  static size_t StatusIndex(int status);
  static constexpr size_t kRoutes = static_cast<size_t>(Route::kCount);

  std::array<std::array<std::atomic<uint64_t>, kStatuses.size()>, kRoutes> requests_{};
  std::array<std::array<std::atomic<uint64_t>, kBuckets.size() + 1>, kRoutes> latency_{};
  std::array<std::atomic<uint64_t>, kRoutes> latency_count_{};
  std::array<std::atomic<uint64_t>, kRoutes> latency_sum_us_{};
  std::atomic<uint64_t> scans_queued_{0}, scans_stored_{0}, rate_limited_{0}, scans_unrecorded_{0};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(ScanDrop::kCount)> scans_dropped_{};
};

}  // namespace agritrace::http
