// Status codes shared by every kernel. Kernels never throw, trap or abort: they return a Status,
// and the JavaScript wrapper turns it into a typed RangeError/TypeError with a readable message.
#pragma once
#include <cstdint>

namespace logitkit {

enum class Code : int32_t {
  kOk = 0,
  kNaN = 1,             // logits[index] is NaN
  kPositiveInf = 2,     // logits[index] is +Infinity
  kAllNegativeInf = 3,  // every logit is -Infinity: there is no distribution
  kAllBanned =
      4,          // logitBias / penalties / bans / allowed tokens left no token with a finite logit
  kBadToken = 5,  // a token id (bias key, history entry) is outside [0, n); index = that id
  kOutOfMemory = 6,   // scratch allocation failed
  kBadOption = 7,     // an invalid sampler configuration (index: which, see sampler.cpp)
  kBadListToken = 8,  // a token id in allowedTokens / badWords / dry breakers is outside [0, n);
                      // index = that id
};

struct Status {
  Code code = Code::kOk;
  uint32_t index = 0;  // the offending position, where the code names one

  bool ok() const { return code == Code::kOk; }
};

}  // namespace logitkit
