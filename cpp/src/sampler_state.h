// Everything a Sampler owns (internal): the parameters, the history and stream position, each
// stage's own state (stage.h), and the chain's scratch, grown to the largest size needed and then
// reused.
#pragma once
#include <algorithm>
#include <cstdint>

#include "logitkit/buffer.h"
#include "logitkit/sampler.h"

namespace logitkit::detail {

struct Patch {
  int32_t token;
  float original;
};

struct SamplerState {
  SamplingParams params;
  uint64_t draws = 0;       // sample() calls since creation or reset: the stream position
  Buffer<int32_t> history;  // accepted tokens, oldest first
  // Every token since reset (prompt included; HF's input_ids length) and the output's: the tokens
  // since the last prompt token, which are the history's last ones.
  uint64_t total_length = 0;
  uint64_t output_length = 0;
  // n of the last successful sample() (0 before the first): accept() refuses ids at or beyond it,
  // so a mistaken id is reported where it is given, not at every later draw. Kept across reset().
  size_t vocab_size = 0;
  // How many of the output's tokens the history still holds (its last ones).
  size_t output_held() const {
    return static_cast<size_t>(std::min<uint64_t>(output_length, history.size()));
  }
  size_t history_keep = 0;  // how many of them the enabled stages read (stage.h, history_window)
  void* stage_state[kStageCount] = {};  // each stage's state (nullptr: a stateless stage)

  // The chain's scratch (chain.h).
  Buffer<Patch> patches;       // the processors' patches, undone before sample() returns
  Buffer<float> weights;       // exp((z - max) / T) per token (prefix form)
  Buffer<int32_t> head_index;  // the head of the order, sorted (prefix form)
  Buffer<float> head_value;
  Buffer<int32_t> list;  // explicit candidates (list form)
  Buffer<float> list_weights;
  // The draw and the outputs' scratch (outputs.cpp).
  Buffer<double> block_mass;       // draw_kept's blocks
  Buffer<double> list_block_mass;  // draw_list's blocks
  Buffer<int32_t> list_block_start;
  Buffer<double> gumbel_keys;     // n distinct samples: each kept token's Gumbel key,
  Buffer<int32_t> gumbel_tokens;  // the token,
  Buffer<int32_t> gumbel_rank;    // and positions sorted by key
  Buffer<int32_t> drawn_list;     // the list form's tokens in index order, for the top list
};

}  // namespace logitkit::detail
