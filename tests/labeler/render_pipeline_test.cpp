#include "labeler/render_pipeline.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>

namespace agritrace::labeler {
namespace {

struct Job {
  int index = 0;
  int result = 0;
};

TEST_CASE("pipeline: results come back in order with a bounded window", "[render_pipeline]") {
  for (int threads : {0, 1, 2, 4}) {
    std::atomic<int> in_flight{0}, max_in_flight{0};
    std::vector<int> emitted;
    {
      OrderedPipeline<Job> pipeline(
          threads, 3,
          [&](Job& job, int worker) {
            CHECK(worker >= 0);
            CHECK(worker < std::max(1, threads));
            std::this_thread::sleep_for(std::chrono::microseconds((job.index * 7919) % 300));
            job.result = job.index * 2;
          },
          [&](Job& job) {
            emitted.push_back(job.result);
            --in_flight;
            return Status::Ok();
          });
      for (int i = 0; i < 200; ++i) {
        auto job = std::make_unique<Job>();
        job->index = i;
        const int now = ++in_flight;
        max_in_flight = std::max(max_in_flight.load(), now);
        REQUIRE(pipeline.Submit(std::move(job)).ok());
      }
      REQUIRE(pipeline.Drain().ok());
    }
    REQUIRE(emitted.size() == 200);
    for (int i = 0; i < 200; ++i) REQUIRE(emitted[i] == 2 * i);
    // Never more than the window plus the chunk being submitted.
    CHECK(max_in_flight <= 4);
  }
}

TEST_CASE("pipeline: emitted chunks come back for reuse, so a long run makes only a few",
          "[render_pipeline]") {
  for (int threads : {0, 2}) {
    int made = 0, emitted = 0;
    OrderedPipeline<Job> pipeline(
        threads, 3, [](Job& job, int) { job.result = job.index + 1; },
        [&](Job& job) {
          CHECK(job.result == job.index + 1);  // processed afresh, whatever it held before
          ++emitted;
          return Status::Ok();
        });
    for (int i = 0; i < 1000; ++i) {
      std::unique_ptr<Job> job = pipeline.TakeSpare();
      if (!job) {
        job = std::make_unique<Job>();
        ++made;
      }
      job->index = i;
      REQUIRE(pipeline.Submit(std::move(job)).ok());
    }
    REQUIRE(pipeline.Drain().ok());
    CHECK(emitted == 1000);
    // The window, the chunk being submitted and the one the caller fills.
    CHECK(made <= 5);
    CHECK(pipeline.TakeSpare() != nullptr);
  }
}

TEST_CASE("pipeline: the first emit failure is returned and stops emitting", "[render_pipeline]") {
  int emitted = 0;
  OrderedPipeline<Job> pipeline(
      2, 2, [](Job&, int) {},
      [&](Job& job) {
        ++emitted;
        return job.index == 5 ? Status::Io("磁盘已满", "disk full") : Status::Ok();
      });
  Status last;
  for (int i = 0; i < 20; ++i) {
    auto job = std::make_unique<Job>();
    job->index = i;
    last = pipeline.Submit(std::move(job));
  }
  Status drained = pipeline.Drain();
  CHECK(drained.code() == StatusCode::kIo);
  CHECK(drained.en() == "disk full");
  CHECK(emitted == 6);
}

}  // namespace
}  // namespace agritrace::labeler
