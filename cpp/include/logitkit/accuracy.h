// The accuracy contracts of the kernels, written once as data. Each is measured against float64 on
// the same float32 inputs, at any temperature. The doctests (tests/cpp), the fuzzers (tests/fuzz)
// and the JS tests (tests/js/contracts.mjs reads this file) check these constants, and a docs test
// checks that the README states them.
//
// Format, one contract per block: what it bounds; Max Error; Valid Range. Every constant is a
// plain `constexpr double kName = <number>;` so that the JS tests can read it.
#pragma once

namespace logitkit::accuracy {

// softmax's probabilities.
//   Max Error: relative kSoftmaxRelativeError.
//   Valid Range: probabilities p >= kSoftmaxRelativeErrorFrom (smaller ones may flush to 0).
constexpr double kSoftmaxRelativeError = 2e-6;
constexpr double kSoftmaxRelativeErrorFrom = 1e-30;

// softmax's probabilities sum to 1.
//   Max Error: absolute kSoftmaxSumError on the sum.
//   Valid Range: every row.
constexpr double kSoftmaxSumError = 1e-5;

// log-softmax (and the logprobs of topLogprobs, which are log-softmax values).
//   Max Error: absolute kLogSoftmaxAbsoluteError.
//   Valid Range: entries >= kLogSoftmaxErrorFrom.
constexpr double kLogSoftmaxAbsoluteError = 1e-5;
constexpr double kLogSoftmaxErrorFrom = -80;

// logSumExp.
//   Max Error: kLogSumExpError * max(1, |logSumExp|).
//   Valid Range: T > 0.
constexpr double kLogSumExpError = 1e-5;

// entropy.
//   Max Error: relative kEntropyRelativeError.
//   Valid Range: every row, T > 0 (T = 0 gives exactly 0).
constexpr double kEntropyRelativeError = 1e-5;

// The sampler's logprob (final distribution) and rawLogprob (softmax of the raw logits).
//   Max Error: absolute kSampleLogprobAbsoluteError.
//   Valid Range: every drawn token.
constexpr double kSampleLogprobAbsoluteError = 1e-5;

// exp_exact_argument (cpp/src/exp.h): exp((z - max) / T) with the argument never rounded, the exp
// of every kernel.
//   Max Error: relative kExactExpRelativeError (2.8e-7 measured over every float z in
//   [max - 88 T, max] for T in {1, 0.8, 0.7} and several maxima; bench/exp-accuracy).
//   Valid Range: z <= max, any temperature; results below 2^-126 flush to 0.
constexpr double kExactExpRelativeError = 4e-7;

// normaliser_exp (cpp/src/exp.h): exp(z - max) at T = 1 for rawLogprob's normaliser only (a
// degree-4 polynomial on a rounded argument; the normaliser's log stays within
// kSampleLogprobAbsoluteError: a sum weighs its terms by their size, and terms below
// kNormaliserExpErrorFrom weigh e^-20 each).
//   Max Error: relative kNormaliserExpRelativeError (7.4e-6 measured).
//   Valid Range: z - max >= kNormaliserExpErrorFrom; exactly 1 at z = max, 0 at -Infinity.
constexpr double kNormaliserExpRelativeError = 8e-6;
constexpr double kNormaliserExpErrorFrom = -20;

}  // namespace logitkit::accuracy
