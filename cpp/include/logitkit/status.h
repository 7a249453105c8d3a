// Status codes shared by every kernel. Kernels never throw, trap or abort: they return a Status,
// and the JavaScript wrapper turns it into a typed RangeError/TypeError with a readable message
// (web/src/errors.ts keeps one entry per row below, checked by tests/js/tables.test.mjs).
#pragma once
#include <cstdint>

// X(Id, value, "name"). `index` (Status) says where, for the codes that name a position.
#define LOGITKIT_STATUS_CODES(X)                                                                \
  X(kOk, 0, "ok")                                                                               \
  X(kNaN, 1, "nan")                       /* logits[index] is NaN */                            \
  X(kPositiveInf, 2, "positiveInf")       /* logits[index] is +Infinity */                      \
  X(kAllNegativeInf, 3, "allNegativeInf") /* every logit is -Infinity: no distribution */       \
  /* logitBias / penalties / bans / allowed tokens left no token with a finite logit */         \
  X(kAllBanned, 4, "allBanned")                                                                 \
  X(kBadToken, 5, "badToken")       /* a logitBias key is outside [0, n); index: that id */     \
  X(kOutOfMemory, 6, "outOfMemory") /* scratch allocation failed */                             \
  X(kBadOption, 7, "badOption")     /* an invalid sampler configuration; index: which item */   \
  /* a token id in allowedTokens / badWords / dry breakers is outside [0, n); index: that id */ \
  X(kBadListToken, 8, "badListToken")                                                           \
  /* a stage that the options or lists switch on is missing from the order; index: the stage */ \
  X(kStageNotInOrder, 9, "stageNotInOrder")                                                     \
  /* a token of the history (sample() draws, accept() records) is outside [0, n); index: it */  \
  X(kBadHistoryToken, 10, "badHistoryToken")

namespace logitkit {

enum class Code : int32_t {
#define LOGITKIT_STATUS_ENUM(id, value, name) id = value,
  LOGITKIT_STATUS_CODES(LOGITKIT_STATUS_ENUM)
#undef LOGITKIT_STATUS_ENUM
};

struct Status {
  Code code = Code::kOk;
  uint32_t index = 0;  // the offending position, where the code names one

  bool ok() const { return code == Code::kOk; }
};

}  // namespace logitkit
