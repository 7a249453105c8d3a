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

// exp_exact_argument (cpp/src/exp.h): exp((z - max) / T) with the argument never rounded.
//   Max Error: relative kExactExpRelativeError.
//   Valid Range: z <= max, any temperature; results below 2^-126 flush to 0.
constexpr double kExactExpRelativeError = 2.2e-7;

// exp_rounded_argument (cpp/src/exp.h): the argument x = (z - max) / T rounded once to float.
//   Max Error: relative kRoundedExpRelativeError + |x| * kRoundedExpErrorPerUnitArgument.
//   Valid Range: z <= max and 1/T <= FLT_MAX; results below FLT_MIN flush to 0.
constexpr double kRoundedExpRelativeError = 2.5e-7;
constexpr double kRoundedExpErrorPerUnitArgument = 1.2e-7;

}  // namespace logitkit::accuracy
