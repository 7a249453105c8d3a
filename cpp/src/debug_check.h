// LOGITKIT_DEBUG_CHECK(condition, message): a precondition that the callers guarantee and that the
// code relies on (an index in range, no NaN left, a list in order). The sanitizer and fuzz builds
// define LOGITKIT_DEBUG_CHECKS (CMakeLists.txt), and there a violation prints the message and
// aborts, so the doctests and fuzzers catch a caller that breaks one. Elsewhere the condition is
// not evaluated, so it may be a whole pass over the row.
#pragma once

#if defined(LOGITKIT_DEBUG_CHECKS)
#include <cstdio>
#include <cstdlib>
#define LOGITKIT_DEBUG_CHECK(condition, message)                                                   \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::fprintf(stderr, "%s:%d: precondition violated: %s (%s)\n", __FILE__, __LINE__, message, \
                   #condition);                                                                    \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)
#else
#define LOGITKIT_DEBUG_CHECK(condition, message) \
  do {                                           \
    (void)sizeof(condition);                     \
  } while (0)
#endif

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace logitkit::debug {

// For LOGITKIT_DEBUG_CHECK conditions: passes over a row, never run in release builds.
inline bool no_nan(const float* values, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(values[i])) return false;
  }
  return true;
}

inline bool strictly_ascending(const int32_t* values, size_t n) {
  for (size_t i = 1; i < n; ++i) {
    if (!(values[i - 1] < values[i])) return false;
  }
  return true;
}

}  // namespace logitkit::debug
