# The grammar front ends (JSON Schema, regex and builtin JSON to GBNF text), for any target that
# needs them: the grammar wasm module links them, the native doctest suite and the fuzz harness
# test them. Paths are relative to the repository root.
set(LOGITKIT_GRAMMAR_FRONTEND_SOURCES
  cpp/grammar/frontend/charset.cpp
  cpp/grammar/frontend/formats.cpp
  cpp/grammar/frontend/frontend.cpp
  cpp/grammar/frontend/gbnf_writer.cpp
  cpp/grammar/frontend/json_grammar.cpp
  cpp/grammar/frontend/json_value.cpp
  cpp/grammar/frontend/nfa.cpp
  cpp/grammar/frontend/numbers.cpp
  cpp/grammar/frontend/re_emit.cpp
  cpp/grammar/frontend/regex.cpp
  cpp/grammar/frontend/schema_check.cpp
  cpp/grammar/frontend/schema_compiler.cpp
  cpp/grammar/frontend/schema_emit.cpp
  cpp/grammar/frontend/schema_merge.cpp)
set(LOGITKIT_GRAMMAR_FRONTEND_INCLUDE cpp/grammar/frontend)
