// Native profiling driver of the grammar engine (run it under perf or callgrind): reads a
// tokenizer.json and the cases written by bench/grammar-profile-cases.mjs, then per schema times
// the JSON Schema compilation (front end + grammar) and every next-token mask while walking the
// valid instances, as `npm run bench:grammar` does in wasm. Prints the slowest compiles and masks
// (CPU time of this thread) with the schema, instance and token position, so a profile can be
// taken on exactly the inputs that make the tail.
//
//   cmake -S . -B build/native && cmake --build build/native --target logitkit_grammar_profile
//   node bench/grammar-profile-cases.mjs --vocab=llama3 > cases.txt
//   build/native/logitkit_grammar_profile TOKENIZER_JSON cases.txt [--only=SCHEMA_FILE]
//       [--repeat=N] [--compile-only] [--dump-per-mask]
// It also prints an FNV-1a checksum of every mask, so two builds can be shown to agree bit for bit.
// With --dump-per-mask, under callgrind, it writes one profile dump per mask, named by the mask's
// place, so the masks can be ranked by instructions rather than time (bench/grammar-mask-counts.mjs
// does that):
//   valgrind --tool=callgrind --toggle-collect='logitkit::grammar::Matcher::fill_mask*'
//       build/native/logitkit_grammar_profile TOKENIZER_JSON cases.txt --dump-per-mask
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define LOGITKIT_DUMP_MASK(where) CALLGRIND_DUMP_STATS_AT(where)
#else
#define LOGITKIT_DUMP_MASK(where) ((void)(where))
#endif

#include "frontend/frontend.h"
#include "matcher.h"
#include "tokenizer_json.h"

using namespace logitkit::grammar;

namespace {

double cpu_us() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

struct Case {
  std::string name, schema;
  std::vector<std::vector<uint32_t>> instances;
};

struct Sample {
  double us;
  std::string where;
};

void print_stats(const char* what, std::vector<Sample> samples, size_t show) {
  if (samples.empty()) return;
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.us < b.us; });
  auto pct = [&](double p) {
    return samples[std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()))].us;
  };
  double sum = 0;
  for (const Sample& s : samples) sum += s.us;
  std::printf("%s: n %zu, p50 %.1f, p90 %.1f, p99 %.1f, max %.1f, mean %.1f us (CPU)\n", what,
              samples.size(), pct(0.5), pct(0.9), pct(0.99), samples.back().us,
              sum / samples.size());
  for (size_t i = 0; i < show && i < samples.size(); ++i) {
    const Sample& s = samples[samples.size() - 1 - i];
    std::printf("  %10.1f us  %s\n", s.us, s.where.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s TOKENIZER_JSON CASES [--only=NAME] [--repeat=N] [--compile-only] "
                 "[--dump-per-mask]\n",
                 argv[0]);
    return 2;
  }
  std::string only;
  int repeat = 1;
  bool compile_only = false;
  bool dump_per_mask = false;
  for (int i = 3; i < argc; ++i) {
    if (std::strncmp(argv[i], "--only=", 7) == 0) only = argv[i] + 7;
    if (std::strncmp(argv[i], "--repeat=", 9) == 0) repeat = std::atoi(argv[i] + 9);
    if (std::strcmp(argv[i], "--compile-only") == 0) compile_only = true;
    if (std::strcmp(argv[i], "--dump-per-mask") == 0) dump_per_mask = true;
  }
  std::ifstream tf(argv[1], std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(tf)), std::istreambuf_iterator<char>());
  double t0 = cpu_us();
  TokenizerJson tj;
  std::string error;
  if (!read_tokenizer_json(text.data(), text.size(), &tj, &error)) {
    std::fprintf(stderr, "tokenizer: %s\n", error.c_str());
    return 1;
  }
  std::vector<int32_t> stops;
  for (const auto& sp : tj.special)
    if (sp.first == "<|eot_id|>" || sp.first == "<|end_of_text|>" || sp.first == "</s>" ||
        sp.first == "<|im_end|>" || sp.first == "<|endoftext|>" || sp.first == "<eos>" ||
        sp.first == "<end_of_turn>")
      stops.push_back(sp.second);
  auto vocab = std::make_shared<Vocabulary>();
  const uint32_t count = static_cast<uint32_t>(tj.lengths.size());
  if (!vocab->build(tj.type, reinterpret_cast<const uint8_t*>(tj.blob.data()), tj.blob.size(),
                    tj.lengths.data(), tj.flags.data(), count, count, stops.data(),
                    static_cast<uint32_t>(stops.size()), true, &error)) {
    std::fprintf(stderr, "vocabulary: %s\n", error.c_str());
    return 1;
  }
  std::printf("tokenizer preprocessing: %.1f ms CPU (V = %u)\n", (cpu_us() - t0) / 1000,
              vocab->vocab_size());

  std::vector<Case> cases;
  std::ifstream cf(argv[2]);
  for (std::string line; std::getline(cf, line);) {
    if (line.rfind("S ", 0) == 0) {
      const size_t sp = line.find(' ', 2);
      cases.push_back({line.substr(2, sp - 2), line.substr(sp + 1), {}});
    } else if (line.rfind("I ", 0) == 0 && !cases.empty()) {
      std::istringstream in(line.substr(2));
      std::vector<uint32_t> ids;
      for (uint32_t id; in >> id;) ids.push_back(id);
      cases.back().instances.push_back(std::move(ids));
    }
  }
  std::vector<Sample> compiles, masks;
  uint64_t checksum = 1469598103934665603ull;  // FNV-1a over every mask: compare two builds
  std::vector<uint32_t> out(vocab->vocab_words());
  for (int r = 0; r < repeat; ++r) {
    for (const Case& c : cases) {
      if (!only.empty() && c.name != only) continue;
      const double c0 = cpu_us();
      JsonSchemaOptions jo;
      jo.strict = false;
      FrontendResult fr = json_schema_to_gbnf(c.schema, jo);
      if (!fr.ok) continue;
      const double c1 = cpu_us();
      GrammarError ge;
      CompiledGrammar* g = CompiledGrammar::compile(fr.gbnf, fr.root, CompileOptions(), &ge);
      const double c2 = cpu_us();
      if (g == nullptr) continue;
      char where[512];
      std::snprintf(where, sizeof where, "%s (front end %.0f us, %u NFA states)", c.name.c_str(),
                    c1 - c0, g->nfa_state_count());
      compiles.push_back({c2 - c0, where});
      auto bound = std::make_shared<BoundGrammar>(vocab, g);
      if (compile_only) continue;
      for (size_t k = 0; k < c.instances.size(); ++k) {
        Matcher m(bound, false);
        const auto& ids = c.instances[k];
        for (size_t t = 0; t < ids.size(); ++t) {
          const TokenMasks::Stats before = bound->masks->stats();
          const uint32_t states_before = g->state_count();
          const double m0 = cpu_us();
          m.fill_mask(out.data());
          const double m1 = cpu_us();
          const TokenMasks::Stats& after = bound->masks->stats();
          std::snprintf(
              where, sizeof where,
              "%s instance %zu token %zu/%zu (DFA states %u, %u new; %llu local masks, %llu "
              "walks, %llu trie nodes, %llu path steps, %llu taken whole)",
              c.name.c_str(), k, t, ids.size(), g->state_count(), g->state_count() - states_before,
              static_cast<unsigned long long>(after.local_masks - before.local_masks),
              static_cast<unsigned long long>(after.walks - before.walks),
              static_cast<unsigned long long>(after.trie_nodes - before.trie_nodes),
              static_cast<unsigned long long>(after.path_steps - before.path_steps),
              static_cast<unsigned long long>(after.skipped_nodes - before.skipped_nodes));
          masks.push_back({m1 - m0, where});
          if (dump_per_mask) LOGITKIT_DUMP_MASK(where);
          for (uint32_t word : out) checksum = (checksum ^ word) * 1099511628211ull;
          const uint32_t id = ids[t];
          if (!((out[id >> 5] >> (id & 31)) & 1) || !m.accept_token(id)) {
            std::printf("REJECTED %s instance %zu token %zu\n", c.name.c_str(), k, t);
            break;
          }
        }
      }
    }
  }
  std::printf("mask checksum %016llx\n", static_cast<unsigned long long>(checksum));
  print_stats("compile", compiles, 12);
  print_stats("mask", masks, 60);
  return 0;
}
