# The grammar front ends (JSON Schema, regex and builtin JSON to GBNF text), for any target that
# needs them: the grammar wasm module links them, the native doctest suite and the fuzz harness
# test them. Paths are relative to the repository root.
set(LOGITKIT_GRAMMAR_FRONTEND_INCLUDE cpp/grammar/frontend)
set(LOGITKIT_GRAMMAR_FRONTEND_SOURCES
  charset.cpp formats.cpp frontend.cpp gbnf_writer.cpp json_grammar.cpp json_value.cpp length_product.cpp nfa.cpp
  numbers.cpp re_emit.cpp regex.cpp schema_check.cpp schema_compiler.cpp schema_emit.cpp
  schema_merge.cpp)
list(TRANSFORM LOGITKIT_GRAMMAR_FRONTEND_SOURCES PREPEND ${LOGITKIT_GRAMMAR_FRONTEND_INCLUDE}/)
