// An invariant of a fuzz target: on failure, says which and aborts, so that libFuzzer keeps the
// input as a crash. Not assert(): the fuzz build defines NDEBUG (RelWithDebInfo).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
