// Token buckets per key: burst, refill, Retry-After, peeking, independence of keys, pruning.
#include "agritrace/http/rate_limiter.h"

#include <catch2/catch.hpp>

using namespace agritrace::http;
using namespace std::chrono_literals;

TEST_CASE("token bucket per key", "[rate]") {
  RateLimiter limiter({2, 4});
  auto t0 = RateLimiter::Clock::time_point{} + 1000s;
  for (int i = 0; i < 4; ++i) CHECK(limiter.Take("a", t0).allowed);
  auto refused = limiter.Take("a", t0);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after_seconds == 1);  // one token per half second, rounded up
  CHECK(limiter.Take("b", t0).allowed);     // another network has its own bucket
  CHECK(limiter.Take("a", t0 + 500ms).allowed);
  CHECK_FALSE(limiter.Take("a", t0 + 500ms).allowed);
  // Refill stops at the burst.
  for (int i = 0; i < 4; ++i) CHECK(limiter.Take("a", t0 + 100s).allowed);
  CHECK_FALSE(limiter.Take("a", t0 + 100s).allowed);
}

TEST_CASE("slow refill gives a longer Retry-After", "[rate]") {
  RateLimiter limiter({0.1, 1});
  auto t0 = RateLimiter::Clock::time_point{} + 1000s;
  CHECK(limiter.Take("a", t0).allowed);
  CHECK(limiter.Take("a", t0).retry_after_seconds == 10);
  CHECK(limiter.Take("a", t0 + 4s).retry_after_seconds == 6);
}

TEST_CASE("Peek answers like Take without taking", "[rate]") {
  RateLimiter limiter({0.1, 2});
  auto t0 = RateLimiter::Clock::time_point{} + 1000s;
  for (int i = 0; i < 10; ++i) CHECK(limiter.Peek("a", t0).allowed);  // nothing taken
  CHECK(limiter.TrackedKeys() == 0);  // and no bucket made for it
  CHECK(limiter.Take("a", t0).allowed);
  CHECK(limiter.Take("a", t0).allowed);
  auto peeked = limiter.Peek("a", t0);
  CHECK_FALSE(peeked.allowed);
  CHECK(peeked.retry_after_seconds == 10);
  CHECK(limiter.Peek("a", t0 + 10s).allowed);
  CHECK(limiter.Peek("b", t0).allowed);
}

TEST_CASE("rate 0 turns limiting off, and full buckets are pruned", "[rate]") {
  RateLimiter off({0, 0});
  CHECK_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i) CHECK(off.Take("a").allowed);

  RateLimiter limiter({10, 5});
  auto t0 = RateLimiter::Clock::time_point{} + 1000s;
  for (int i = 0; i < 100000; ++i)
    limiter.Take("net-" + std::to_string(i), t0 + std::chrono::milliseconds(i));
  // Buckets refilled to the burst carry no state and go; memory follows busy networks only.
  CHECK(limiter.TrackedKeys() < 100000);
}
