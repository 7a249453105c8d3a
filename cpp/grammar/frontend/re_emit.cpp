#include "re_emit.h"

#include "json_grammar.h"
#include "json_value.h"

namespace logitkit::grammar {

namespace {

enum class Edge : uint8_t {
  kOpen,   // search mode: any text may lie beyond this edge unless an anchor pins it
  kFixed,  // this edge is the subject's edge: an anchor here always holds
  kInner,  // other pattern text lies beyond this edge: an anchor here is not supported
};

bool is_nothing_set(const Re& re) {
  return re.kind == Re::Kind::kSet && re.set.empty();
}

Re nothing() {
  return Re::chars(CharSet());
}

// Removes empty sets (matching nothing) and empty strings where they make no difference, and
// flattens nested sequences and alternations. The result is either nothing() or free of empty
// sets.
Re simplify(const Re& re) {
  switch (re.kind) {
    case Re::Kind::kEmpty:
    case Re::Kind::kSet:
    case Re::Kind::kStart:
    case Re::Kind::kEnd:
      return re;
    case Re::Kind::kSeq: {
      std::vector<Re> kids;
      for (const Re& kid : re.kids) {
        Re s = simplify(kid);
        if (is_nothing_set(s)) return nothing();
        if (s.kind == Re::Kind::kEmpty) continue;
        if (s.kind == Re::Kind::kSeq) {
          for (Re& k : s.kids) kids.push_back(std::move(k));
        } else {
          kids.push_back(std::move(s));
        }
      }
      Re out = Re::seq(std::move(kids));
      if (out.position < 0) out.position = re.position;
      return out;
    }
    case Re::Kind::kAlt: {
      std::vector<Re> kids;
      for (const Re& kid : re.kids) {
        Re s = simplify(kid);
        if (is_nothing_set(s)) continue;
        if (s.kind == Re::Kind::kAlt) {
          for (Re& k : s.kids) kids.push_back(std::move(k));
        } else {
          kids.push_back(std::move(s));
        }
      }
      if (kids.empty()) return nothing();
      return Re::alt(std::move(kids));
    }
    case Re::Kind::kRepeat: {
      Re kid = simplify(re.kids[0]);
      if (is_nothing_set(kid)) return re.min == 0 ? Re::empty() : nothing();
      if (kid.kind == Re::Kind::kEmpty || re.max == 0) return Re::empty();
      Re out = Re::repeat(std::move(kid), re.min, re.max);
      out.position = re.position;
      return out;
    }
  }
  return re;
}

bool has_anchor(const Re& re) {
  if (re.kind == Re::Kind::kStart || re.kind == Re::Kind::kEnd) return true;
  for (const Re& kid : re.kids) {
    if (has_anchor(kid)) return true;
  }
  return false;
}

const Re* first_anchor(const Re& re) {
  if (re.kind == Re::Kind::kStart || re.kind == Re::Kind::kEnd) return &re;
  for (const Re& kid : re.kids) {
    if (const Re* a = first_anchor(kid)) return a;
  }
  return nullptr;
}

Re any_text() {
  return Re::repeat(Re::chars(CharSet::all()), 0, Re::kUnbounded);
}

class Resolver {
 public:
  bool failed = false;
  Error error;

  Re resolve(const Re& re, Edge left, Edge right) {
    if (failed) return Re();
    if (!has_anchor(re)) return pad(re, left, right);
    switch (re.kind) {
      case Re::Kind::kStart:
        if (left == Edge::kInner) return unsupported(re);
        return pad(Re::empty(), Edge::kFixed, right);
      case Re::Kind::kEnd:
        if (right == Edge::kInner) return unsupported(re);
        return pad(Re::empty(), left, Edge::kFixed);
      case Re::Kind::kAlt: {
        std::vector<Re> kids;
        for (const Re& kid : re.kids) kids.push_back(resolve(kid, left, right));
        return Re::alt(std::move(kids));
      }
      case Re::Kind::kSeq: {
        size_t i = 0, j = re.kids.size();
        while (i < j && re.kids[i].kind == Re::Kind::kStart && left != Edge::kInner) {
          i++;
          left = Edge::kFixed;
        }
        while (j > i && re.kids[j - 1].kind == Re::Kind::kEnd && right != Edge::kInner) {
          j--;
          right = Edge::kFixed;
        }
        if (i == j) return pad(Re::empty(), left, right);
        if (j - i == 1) return resolve(re.kids[i], left, right);
        std::vector<Re> kids;
        for (size_t k = i; k < j; k++) {
          kids.push_back(
              resolve(re.kids[k], k == i ? left : Edge::kInner, k + 1 == j ? right : Edge::kInner));
        }
        return Re::seq(std::move(kids));
      }
      default:
        return unsupported(*first_anchor(re));
    }
  }

 private:
  static Re pad(const Re& re, Edge left, Edge right) {
    if (left != Edge::kOpen && right != Edge::kOpen) return re;
    std::vector<Re> kids;
    if (left == Edge::kOpen) kids.push_back(any_text());
    if (re.kind != Re::Kind::kEmpty) kids.push_back(re);
    if (right == Edge::kOpen && !(left == Edge::kOpen && re.kind == Re::Kind::kEmpty)) {
      kids.push_back(any_text());
    }
    return Re::seq(std::move(kids));
  }

  Re unsupported(const Re& anchor) {
    if (!failed) {
      failed = true;
      error.code = ErrorCode::kUnsupportedFeature;
      error.position = anchor.position;
      error.message = std::string("the anchor ") + (anchor.kind == Re::Kind::kStart ? "^" : "$") +
                      " at position " + std::to_string(anchor.position) +
                      " of the pattern is not at an edge of the pattern, the only place anchors "
                      "are supported";
    }
    return Re();
  }
};

bool plain_single(const Re& re, bool json) {
  if (re.kind != Re::Kind::kSet || re.set.ranges().size() != 1) return false;
  const auto [lo, hi] = re.set.ranges()[0];
  if (lo != hi) return false;
  // In a JSON string '"', '\\' and control characters must be escaped, and '/' may be.
  return !json || (lo >= 0x20 && lo != '"' && lo != '\\' && lo != '/');
}

class Emitter {
 public:
  explicit Emitter(JsonGrammar* json) : json_(json) {}

  std::string emit(const Re& re) {
    switch (re.kind) {
      case Re::Kind::kEmpty:
      case Re::Kind::kStart:
      case Re::Kind::kEnd:
        return "\"\"";
      case Re::Kind::kSet:
        if (json_ != nullptr) return json_->encoded_set(re.set);
        if (plain_single(re, false)) {
          std::string utf8;
          append_utf8(utf8, re.set.ranges()[0].first);
          return GbnfWriter::literal(utf8);
        }
        return GbnfWriter::char_class(re.set);
      case Re::Kind::kSeq: {
        std::string out;
        std::string run;  // consecutive plain code points, written as one literal
        const auto flush = [&] {
          if (run.empty()) return;
          if (!out.empty()) out += ' ';
          out += GbnfWriter::literal(run);
          run.clear();
        };
        for (const Re& kid : re.kids) {
          if (plain_single(kid, json_ != nullptr)) {
            append_utf8(run, kid.set.ranges()[0].first);
            continue;
          }
          flush();
          if (!out.empty()) out += ' ';
          out += emit(kid);  // alternations come parenthesised; other kids are sequence items
        }
        flush();
        return out.empty() ? "\"\"" : out;
      }
      case Re::Kind::kAlt: {
        std::vector<std::string> alts;
        for (const Re& kid : re.kids) alts.push_back(emit(kid));
        return "(" + GbnfWriter::alternatives(alts) + ")";
      }
      case Re::Kind::kRepeat:
        return GbnfWriter::repeat(GbnfWriter::group(emit(re.kids[0])), re.min, re.max);
    }
    return "\"\"";
  }

 private:
  JsonGrammar* json_;
};

}  // namespace

ReResolveResult resolve_anchors(const Re& re, ReMatch mode) {
  ReResolveResult result;
  Resolver resolver;
  const Edge edge = mode == ReMatch::kFull ? Edge::kFixed : Edge::kOpen;
  Re resolved = resolver.resolve(simplify(re), edge, edge);
  if (resolver.failed) {
    result.error = resolver.error;
    return result;
  }
  result.ok = true;
  result.re = simplify(resolved);
  return result;
}

bool re_is_nothing(const Re& re) {
  return is_nothing_set(re);
}

std::string re_to_gbnf(const Re& re, JsonGrammar* json) {
  return Emitter(json).emit(re);
}

}  // namespace logitkit::grammar
