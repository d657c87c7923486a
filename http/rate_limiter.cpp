#include "agritrace/http/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace agritrace::http {

void RateLimiter::Refill(Bucket& b, Clock::time_point now) const {
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.per_second);
    b.updated = now;
  }
}

void RateLimiter::Prune(Shard& shard, Clock::time_point now) {
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    Refill(it->second, now);
    if (it->second.tokens >= limit_.burst)
      it = shard.buckets.erase(it);
    else
      ++it;
  }
}

RateLimiter::Decision RateLimiter::Take(const std::string& key, Clock::time_point now) {
  return Decide(key, now, true);
}

RateLimiter::Decision RateLimiter::Peek(const std::string& key, Clock::time_point now) {
  return Decide(key, now, false);
}

RateLimiter::Decision RateLimiter::Decide(const std::string& key, Clock::time_point now,
                                          bool take) {
  if (!enabled()) return {};
  Shard& shard = shards_[std::hash<std::string>()(key) % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (!take) return {};  // a full bucket: no need to keep one
    if (shard.buckets.size() >= kPruneAbove) Prune(shard, now);
    it = shard.buckets.emplace(key, Bucket{limit_.burst, now}).first;
  }
  Bucket& b = it->second;
  Refill(b, now);
  if (b.tokens >= 1) {
    if (take) b.tokens -= 1;
    return {};
  }
  double wait = (1 - b.tokens) / limit_.per_second;
  return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

size_t RateLimiter::TrackedKeys() {
  size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace agritrace::http
