// From an Re (regex.h) to GBNF: anchors resolved against the match mode, then written either over
// raw code points (regex_to_gbnf) or as the content of a JSON string (a schema's pattern, format,
// property-name set), where each code point may be written raw or as a JSON escape.
#pragma once
#include <string>

#include "frontend.h"
#include "regex.h"

namespace logitkit::grammar {

class JsonGrammar;

enum class ReMatch : uint8_t {
  kFull,    // the subject must match as a whole: ^(?:re)$, anchors at the edges are no-ops
  kSearch,  // the pattern may match anywhere in the subject (JSON Schema's pattern), unless
            // anchored by ^ / $ at its edges
};

struct ReResolveResult {
  bool ok = false;
  Re re;  // anchor-free, and either free of empty sets or exactly one empty set (no match)
  Error error;
};

// The anchor-free Re whose language is the set of subjects the pattern matches under `mode`.
// Anchors are supported at the left edge (^) and right edge ($) of the pattern and of each
// alternative reachable from an edge; elsewhere they are a kUnsupportedFeature error.
ReResolveResult resolve_anchors(const Re& re, ReMatch mode);

// Whether an anchor-free, simplified Re matches no string at all.
bool re_is_nothing(const Re& re);

// Writes an anchor-free Re that is not nothing as a GBNF expression. json == nullptr: over raw
// code points. Otherwise: as JSON string content (without the quotes), each code point in any
// of its JSON spellings that JsonGrammar::encoded_set allows.
std::string re_to_gbnf(const Re& re, JsonGrammar* json);

}  // namespace logitkit::grammar
