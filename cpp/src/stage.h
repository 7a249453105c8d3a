// One stage of the sampler chain as one unit (internal), in the shape of llama.cpp's
// llama_sampler_i. Its row in LOGITKIT_STAGES (sampler_tables.h) gives its name, kind and place
// in the default order; its file in cpp/src/stages/ defines `extern const StageUnit k<Id>Stage`:
//
//   enabled         whether the parameters (and its list) switch it on; the chain skips it
//                   otherwise, and configure() rejects an order that lacks it;
//   apply           its step of sample(), on the chain's candidates (chain.h);
//   history_window  how many of the latest accepted tokens it reads (kWholeHistory: all), so the
//                   sampler keeps no more history than the enabled stages need;
//   after_draw      its update after a successful draw (mirostat's mu);
//   reset           restarts its running state from the parameters (configure(), reset());
//   set_list        takes its token list (Sampler::set_list);
//   value           its running value, for reading (mirostat's mu);
//   state           create / destroy / copy (clone) of its state, when it has one. Every hook
//                   receives that state (nullptr for a stateless stage).
//
// Only enabled and apply are required. A stage with a state writes its hooks as members of its
// state type and builds its unit with unit_for<State>() (below); a stateless one gives its two
// functions. Adding a stage: a row in LOGITKIT_STAGES, rows for its
// parameters in LOGITKIT_SAMPLING_PARAMS, one file here, and the matching rows on the TypeScript
// side (web/src/sampling/); README's Layout section lists exactly which files.
#pragma once
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "logitkit/sampler.h"

namespace logitkit {

struct Chain;

constexpr size_t kWholeHistory = SIZE_MAX;

// Create, destroy and copy of a stage's state type (StateOpsOf<T> below).
struct StageStateOps {
  void* (*create)();  // nullptr when out of memory
  void (*destroy)(void* state);
  bool (*copy)(const void* from, void* to);  // false when out of memory
};

struct StageUnit {
  bool (*enabled)(const SamplingParams& p, const void* state) = nullptr;
  Status (*apply)(Chain& c, void* state) = nullptr;
  size_t (*history_window)(const SamplingParams& p, const void* state) = nullptr;
  void (*after_draw)(const SamplingParams& p, void* state, const SampleResult& result) = nullptr;
  void (*reset)(const SamplingParams& p, void* state) = nullptr;
  Status (*set_list)(void* state, const TokenLists& list) = nullptr;
  double (*value)(const void* state) = nullptr;
  const StageStateOps* state = nullptr;
};

// The unit of each stage (stage_table.cpp).
const StageUnit& unit_of(Stage stage);

// StageStateOps for a state type T: default-constructed, copied by T::copy_from(const T&) (which
// copies what a clone keeps and returns false when out of memory).
template <typename T>
struct StateOpsOf {
  static void* create() { return new (std::nothrow) T(); }
  static void destroy(void* state) { delete static_cast<T*>(state); }
  static bool copy(const void* from, void* to) {
    return static_cast<T*>(to)->copy_from(*static_cast<const T*>(from));
  }
  static constexpr StageStateOps kOps = {&create, &destroy, &copy};
};

template <typename T>
T& state_as(void* state) {
  return *static_cast<T*>(state);
}
template <typename T>
const T& state_as(const void* state) {
  return *static_cast<const T*>(state);
}

// Whether S has the hook Hook<S> (an expression naming a member call), for unit_for.
template <typename S, template <typename> class Hook, typename = void>
constexpr bool kHasHook = false;
template <typename S, template <typename> class Hook>
constexpr bool kHasHook<S, Hook, std::void_t<Hook<S>>> = true;

template <typename S>
using HistoryWindowHook = decltype(std::declval<const S&>().history_window(SamplingParams{}));
template <typename S>
using AfterDrawHook = decltype(std::declval<S&>().after_draw(SamplingParams{}, SampleResult{}));
template <typename S>
using ResetHook = decltype(std::declval<S&>().reset(SamplingParams{}));
template <typename S>
using SetListHook = decltype(std::declval<S&>().set_list(TokenLists{}));
template <typename S>
using ValueHook = decltype(std::declval<const S&>().value());

// The unit of a stage whose state type S (default-constructible, with copy_from for
// StateOpsOf<S>) has the hooks as members:
//   bool enabled(const SamplingParams&) const;           required
//   Status apply(Chain&);                                required
//   size_t history_window(const SamplingParams&) const;  optional, as are the four below
//   void after_draw(const SamplingParams&, const SampleResult&);
//   void reset(const SamplingParams&);
//   Status set_list(const TokenLists&);
//   double value() const;
// A hook S lacks stays nullptr. Each hook is a forwarding function the compiler inlines the member
// into, so a call costs what a hand-written hook costs. A constant expression: the units are
// constant-initialised, ready before any static constructor runs.
template <typename S>
constexpr StageUnit unit_for() {
  StageUnit unit;
  unit.enabled = [](const SamplingParams& p, const void* s) { return state_as<S>(s).enabled(p); };
  unit.apply = [](Chain& c, void* s) { return state_as<S>(s).apply(c); };
  if constexpr (kHasHook<S, HistoryWindowHook>) {
    unit.history_window = [](const SamplingParams& p, const void* s) {
      return state_as<S>(s).history_window(p);
    };
  }
  if constexpr (kHasHook<S, AfterDrawHook>) {
    unit.after_draw = [](const SamplingParams& p, void* s, const SampleResult& result) {
      state_as<S>(s).after_draw(p, result);
    };
  }
  if constexpr (kHasHook<S, ResetHook>)
    unit.reset = [](const SamplingParams& p, void* s) { state_as<S>(s).reset(p); };
  if constexpr (kHasHook<S, SetListHook>)
    unit.set_list = [](void* s, const TokenLists& list) { return state_as<S>(s).set_list(list); };
  if constexpr (kHasHook<S, ValueHook>)
    unit.value = [](const void* s) { return state_as<S>(s).value(); };
  unit.state = &StateOpsOf<S>::kOps;
  return unit;
}

}  // namespace logitkit
