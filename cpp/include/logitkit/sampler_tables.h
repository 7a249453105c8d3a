// The lists that the C++ sampler and the TypeScript wrapper must agree on, each written once as
// an X-macro and expanded where it is used: the Stage enum, the stage names and the default
// order, SamplingParams and its wire slots, SampleResult and its wire row. The wrapper keeps its
// own descriptor arrays (web/src/sampling/), in the same order, with what only it needs (option
// aliases, ranges, messages); the compiled module exports these rows (bindings.cpp, _abiName /
// _abiValue) and tests/js/tables.test.mjs fails when the two sides disagree in a name, an order,
// a kind or a default. Status codes are in status.h, half-float dtypes in dtype.h, the same way.
#pragma once
#include <cstdint>

// The stages of the chain, X(Id, "name", Kind), in the default order (HF / vLLM): the logit
// processors (sparse patches of the logits) first, then the filters. The grammar's token mask
// comes first in both presets, so no other stage sees a token the grammar disallows. Stage::k<Id>
// is the enum value; the stage's unit k<Id>Stage is defined in cpp/src/stages/ (see stage.h).
#define LOGITKIT_STAGES(X)                      \
  X(Grammar, "grammar", kProcessor)             \
  X(LogitBias, "logitBias", kProcessor)         \
  X(AllowedTokens, "allowedTokens", kProcessor) \
  X(BadWords, "badWords", kProcessor)           \
  X(NoRepeatNgram, "noRepeatNgram", kProcessor) \
  X(Penalties, "penalties", kProcessor)         \
  X(Dry, "dry", kProcessor)                     \
  X(Temperature, "temperature", kFilter)        \
  X(TopK, "topK", kFilter)                      \
  X(TopP, "topP", kFilter)                      \
  X(MinP, "minP", kFilter)                      \
  X(TypicalP, "typicalP", kFilter)              \
  X(Epsilon, "epsilon", kFilter)                \
  X(Eta, "eta", kFilter)                        \
  X(TopNSigma, "topNSigma", kFilter)            \
  X(Xtc, "xtc", kFilter)                        \
  X(Mirostat, "mirostat", kFilter)

// llama.cpp's common_sampler default chain, the other order preset: penalties, dry, top_n_sigma,
// top_k, typical_p, top_p, min_p, xtc, temperature (epsilon and eta, which llama.cpp lacks, after
// min_p; mirostat last). X(Id).
#define LOGITKIT_ORDER_LLAMA_CPP(X) \
  X(Grammar)                        \
  X(LogitBias)                      \
  X(AllowedTokens)                  \
  X(BadWords)                       \
  X(NoRepeatNgram)                  \
  X(Penalties)                      \
  X(Dry)                            \
  X(TopNSigma)                      \
  X(TopK)                           \
  X(TypicalP)                       \
  X(TopP)                           \
  X(MinP)                           \
  X(Epsilon)                        \
  X(Eta)                            \
  X(Xtc)                            \
  X(Temperature)                    \
  X(Mirostat)

// The sampling parameters, X(type, field, "option", default), in the order of their wire slots:
// the wrapper's option of that name is written as one double (uint64_t: two, the low and the
// high 32 bits). Ranges are the wrapper's to check; the comments say what the stages assume.
#define LOGITKIT_SAMPLING_PARAMS(X)                                                           \
  X(double, temperature, "temperature", 1.0)      /* finite, >= 0; 0 is greedy */             \
  X(int32_t, top_k, "topK", 0)                    /* <= 0 or >= n: off */                     \
  X(double, top_p, "topP", 1.0)                   /* in (0, 1]; 1: off */                     \
  X(double, min_p, "minP", 0.0)                   /* in [0, 1]; 0: off */                     \
  X(double, dynatemp_range, "dynatempRange", 0.0) /* > 0: T from the entropy in [T-d, T+d] */ \
  X(double, dynatemp_exponent, "dynatempExponent", 1.0)                                       \
  X(double, typical_p, "typicalP", 1.0)             /* in (0, 1]; 1: off (HF) */              \
  X(double, epsilon_cutoff, "epsilonCutoff", 0.0)   /* in [0, 1); 0: off (HF) */              \
  X(double, eta_cutoff, "etaCutoff", 0.0)           /* in [0, 1); 0: off (HF) */              \
  X(double, top_n_sigma, "topNSigma", -1.0)         /* <= 0: off (llama.cpp) */               \
  X(double, xtc_probability, "xtcProbability", 0.0) /* <= 0: off (llama.cpp) */               \
  X(double, xtc_threshold, "xtcThreshold", 0.1)     /* > 0.5: off (llama.cpp) */              \
  X(int32_t, mirostat, "mirostat", 0)               /* 0 off, 1 or 2 (llama.cpp) */           \
  X(double, mirostat_tau, "mirostatTau", 5.0)                                                 \
  X(double, mirostat_eta, "mirostatEta", 0.1)                                                 \
  X(int32_t, mirostat_m, "mirostatM", 100)                                                    \
  X(int32_t, min_tokens_to_keep, "minTokensToKeep", 1)     /* >= 1 */                         \
  X(int32_t, no_repeat_ngram_size, "noRepeatNgramSize", 0) /* 0: off (HF) */                  \
  X(double, repetition_penalty, "repetitionPenalty", 1.0)  /* > 0; 1: off */                  \
  X(double, presence_penalty, "presencePenalty", 0.0)                                         \
  X(double, frequency_penalty, "frequencyPenalty", 0.0)                                       \
  X(int32_t, penalty_last_n, "penaltyLastN", 64)  /* recent tokens seen; -1 all; 0 off */     \
  X(double, dry_multiplier, "dryMultiplier", 0.0) /* 0: off (llama.cpp DRY) */                \
  X(double, dry_base, "dryBase", 1.75)                                                        \
  X(int32_t, dry_allowed_length, "dryAllowedLength", 2)                                       \
  X(int32_t, dry_penalty_last_n, "dryPenaltyLastN", -1) /* -1: the whole history; 0: off */   \
  X(uint64_t, seed, "seed", 0)                                                                \
  X(bool, logprobs_raw, "logprobsMode", false) /* the top list from softmax(raw logits) */    \
  X(int32_t, n_samples, "n", 1)                /* >= 2: that many distinct tokens (Gumbel top-k) */

// One sample() result, X(type, field, "name", initial), in the order of its wire row (one double
// each).
#define LOGITKIT_SAMPLE_RESULT_FIELDS(X)                                                        \
  X(int32_t, token, "token", -1)                                                                \
  X(double, logprob, "logprob", 0) /* in the final, filtered and renormalised distribution */   \
  X(double, raw_logprob, "rawLogprob", 0) /* in softmax(logits) at T = 1, before every stage */ \
  X(uint32_t, kept, "kept", 0) /* tokens with nonzero probability in the final distribution */  \
  X(uint32_t, rank, "rank", 0) /* 1-based rank of token there (ties: lower index first) */      \
  X(uint32_t, samples, "samples", 0) /* distinct samples written (n_samples >= 2) */
