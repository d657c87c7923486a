// Per-network token buckets on the public routes (DESIGN.md §9): each client network may make
// `burst` requests at once and `per_second` on average. Buckets that have refilled completely
// carry no information and are dropped, so memory follows the number of busy networks.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace agritrace::http {

struct RateLimit {
  double per_second = 50;  // <= 0 turns rate limiting off
  double burst = 200;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // when refused: whole seconds until a token is back, >= 1
  };
  // Takes one token from `key`'s bucket. Thread-safe.
  Decision Take(const std::string& key, Clock::time_point now = Clock::now());
  // What Take would answer, without taking: for limits that count only failures.
  Decision Peek(const std::string& key, Clock::time_point now = Clock::now());

  bool enabled() const { return limit_.per_second > 0; }
  size_t TrackedKeys();

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  static constexpr size_t kShards = 16;
  static constexpr size_t kPruneAbove = 4096;  // per shard
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  Decision Decide(const std::string& key, Clock::time_point now, bool take);
  void Refill(Bucket& b, Clock::time_point now) const;
  void Prune(Shard& shard, Clock::time_point now);

  RateLimit limit_;
  Shard shards_[kShards];
};

}  // namespace agritrace::http
