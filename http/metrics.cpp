#include "agritrace/http/metrics.h"

#include <cstdio>

namespace agritrace::http {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

const char* DropName(size_t i) {
  switch (static_cast<ScanDrop>(i)) {
    case ScanDrop::kQueueFull:
      return "queue_full";
    case ScanDrop::kStoreFailed:
      return "store_failed";
    case ScanDrop::kShutdown:
      return "shutdown";
    case ScanDrop::kCount:
      break;
  }
  return "other";
}

}  // namespace

std::string_view RouteName(Route r) {
  switch (r) {
    case Route::kHome:
      return "home";
    case Route::kLookup:
      return "lookup";
    case Route::kConsumerPage:
      return "consumer_page";
    case Route::kDigitalLink:
      return "digital_link";
    case Route::kVerifyApi:
      return "verify_api";
    case Route::kKeys:
      return "keys";
    case Route::kManagementApi:
      return "management_api";
    case Route::kLogApi:
      return "log_api";
    case Route::kAudit:
      return "audit";
    case Route::kHgz:
      return "hgz";
    case Route::kHealth:
      return "healthz";
    case Route::kMetrics:
      return "metrics";
    case Route::kOther:
    case Route::kCount:
      break;
  }
  return "other";
}

Route RouteOf(std::string_view path) {
  if (path == "/") return Route::kHome;
  if (path == "/lookup") return Route::kLookup;
  if (StartsWith(path, "/q/") || StartsWith(path, "/Q/") || StartsWith(path, "/s/") ||
      StartsWith(path, "/S/"))
    return Route::kConsumerPage;
  if (StartsWith(path, "/01/")) return Route::kDigitalLink;
  if (StartsWith(path, "/api/v1/verify/")) return Route::kVerifyApi;
  if (path == "/.well-known/agritrace/keys.json") return Route::kKeys;
  if (StartsWith(path, "/api/v1/log/")) return Route::kLogApi;
  if (StartsWith(path, "/h/") || StartsWith(path, "/H/") || StartsWith(path, "/api/v1/hgz/"))
    return Route::kHgz;
  if (StartsWith(path, "/api/v1/")) return Route::kManagementApi;
  if (path == "/audit" || StartsWith(path, "/audit/")) return Route::kAudit;
  if (path == "/healthz") return Route::kHealth;
  if (path == "/metrics") return Route::kMetrics;
  return Route::kOther;
}

size_t Metrics::StatusIndex(int status) {
  for (size_t i = 0; i + 1 < kStatuses.size(); ++i)
    if (kStatuses[i] == status) return i;
  return kStatuses.size() - 1;
}

void Metrics::ObserveRequest(Route route, int status, double seconds) {
  size_t r = static_cast<size_t>(route);
  requests_[r][StatusIndex(status)].fetch_add(1, std::memory_order_relaxed);
  if (seconds < 0) return;
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  latency_[r][b].fetch_add(1, std::memory_order_relaxed);
  latency_count_[r].fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_[r].fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Metrics::ScansDropped(ScanDrop why, uint64_t n) {
  scans_dropped_[static_cast<size_t>(why)].fetch_add(n, std::memory_order_relaxed);
}

uint64_t Metrics::requests(Route route, int status) const {
  return requests_[static_cast<size_t>(route)][StatusIndex(status)].load();
}

uint64_t Metrics::scans_dropped() const {
  uint64_t n = 0;
  for (const auto& d : scans_dropped_) n += d.load();
  return n;
}

uint64_t Metrics::scans_dropped(ScanDrop why) const {
  return scans_dropped_[static_cast<size_t>(why)].load();
}

std::string Metrics::Render(uint64_t queue_depth) const {
  std::string out;
  auto sample = [&out](const std::string& name, const std::string& labels, const std::string& v) {
    out += name;
    if (!labels.empty()) out += "{" + labels + "}";
    out += " " + v + "\n";
  };
  auto header = [&out](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  auto num = [](uint64_t n) { return std::to_string(n); };

  header("agritrace_http_requests_total", "counter",
         "HTTP requests answered, by route and status.");
  for (size_t r = 0; r < kRoutes; ++r) {
    std::string route(RouteName(static_cast<Route>(r)));
    for (size_t s = 0; s < kStatuses.size(); ++s) {
      uint64_t n = requests_[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string status = kStatuses[s] ? std::to_string(kStatuses[s]) : "other";
      sample("agritrace_http_requests_total", "route=\"" + route + "\",status=\"" + status + "\"",
             num(n));
    }
  }
  header("agritrace_http_request_duration_seconds", "histogram",
         "Time from routing to response, by route.");
  for (size_t r = 0; r < kRoutes; ++r) {
    if (latency_count_[r].load(std::memory_order_relaxed) == 0) continue;
    std::string route(RouteName(static_cast<Route>(r)));
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += latency_[r][b].load(std::memory_order_relaxed);
      std::string le = "+Inf";
      if (b < kBuckets.size()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", kBuckets[b]);
        le = buf;
      }
      sample("agritrace_http_request_duration_seconds_bucket",
             "route=\"" + route + "\",le=\"" + le + "\"", num(cumulative));
    }
    char sum[32];
    std::snprintf(sum, sizeof sum, "%.6f",
                  latency_sum_us_[r].load(std::memory_order_relaxed) / 1e6);
    sample("agritrace_http_request_duration_seconds_sum", "route=\"" + route + "\"", sum);
    sample("agritrace_http_request_duration_seconds_count", "route=\"" + route + "\"",
           num(cumulative));
  }
  header("agritrace_scans_queued_total", "counter", "Scans accepted into the write queue.");
  sample("agritrace_scans_queued_total", "", num(scans_queued_.load()));
  header("agritrace_scans_stored_total", "counter", "Scans committed to the database.");
  sample("agritrace_scans_stored_total", "", num(scans_stored_.load()));
  header("agritrace_scans_unrecorded_total", "counter",
         "Scans answered without recording (serve --read-only).");
  sample("agritrace_scans_unrecorded_total", "", num(scans_unrecorded_.load()));
  header("agritrace_scans_dropped_total", "counter", "Scans that could not be queued or stored.");
  for (size_t i = 0; i < scans_dropped_.size(); ++i)
    sample("agritrace_scans_dropped_total", std::string("reason=\"") + DropName(i) + "\"",
           num(scans_dropped_[i].load()));
  header("agritrace_scan_queue_depth", "gauge", "Scans waiting for the writer thread.");
  sample("agritrace_scan_queue_depth", "", num(queue_depth));
  header("agritrace_rate_limited_total", "counter", "Requests refused with 429.");
  sample("agritrace_rate_limited_total", "", num(rate_limited_.load()));
  return out;
}

}  // namespace agritrace::http
