// embind declarations of the model module, and nothing else. They are linked into the same wasm
// as logitkit's kernel bindings (cpp/bindings/bindings.cpp), so a model writes its logits into the
// very memory the samplers read: a LogitsBuffer's address is passed straight to modelForward.
//
// Handles are addresses of heap-allocated Model objects. Functions returning `double` return 0
// for success or a negative error: -LoadError for modelCreate, -1 / -2 for a token / position
// out of range in modelForward.
#include <emscripten/bind.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "model.h"

namespace {

using logitkit::model::LoadError;
using logitkit::model::Model;

template <typename T>
T* at(uintptr_t address) {
  return reinterpret_cast<T*>(address);
}

// Takes ownership of the checkpoint bytes (malloc'd by the caller), always. Returns the handle,
// or -LoadError.
double model_create(uintptr_t checkpoint, uint32_t checkpoint_size, uintptr_t tokenizer,
                    uint32_t tokenizer_size) {
  std::unique_ptr<Model> model;
  const LoadError e = Model::create(at<uint8_t>(checkpoint), checkpoint_size,
                                    at<const uint8_t>(tokenizer), tokenizer_size, &model);
  if (e != LoadError::Ok) return -static_cast<double>(static_cast<int32_t>(e));
  return static_cast<double>(reinterpret_cast<uintptr_t>(model.release()));
}

void model_destroy(uintptr_t model) {
  delete at<Model>(model);
}

// Writes dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len, shared (0/1) as
// int32.
void model_config(uintptr_t model, uintptr_t out) {
  const auto& c = at<Model>(model)->config();
  int32_t* o = at<int32_t>(out);
  o[0] = c.dim;
  o[1] = c.hidden_dim;
  o[2] = c.n_layers;
  o[3] = c.n_heads;
  o[4] = c.n_kv_heads;
  o[5] = c.vocab_size;
  o[6] = c.seq_len;
  o[7] = c.shared_classifier ? 1 : 0;
}

double model_forward(uintptr_t model, int32_t token, int32_t pos, uintptr_t logits) {
  Model* m = at<Model>(model);
  const auto& c = m->config();
  if (token < 0 || token >= c.vocab_size) return -1;
  if (pos < 0 || pos >= c.seq_len) return -2;
  m->transformer().forward(token, pos, at<float>(logits));
  return 0;
}

uint32_t model_max_tokens(uint32_t text_bytes) {
  return static_cast<uint32_t>(logitkit::model::Tokenizer::max_tokens(text_bytes));
}

uint32_t model_encode(uintptr_t model, uintptr_t text, uint32_t length, bool bos, bool eos,
                      uintptr_t out) {
  return static_cast<uint32_t>(at<Model>(model)->tokenizer().encode(at<const char>(text), length,
                                                                    bos, eos, at<int32_t>(out)));
}

// The decoded piece's address; its length goes to *length_out (uint32).
uintptr_t model_decode(uintptr_t model, int32_t prev, int32_t token, uintptr_t length_out) {
  const auto piece = at<Model>(model)->tokenizer().decode(prev, token);
  *at<uint32_t>(length_out) = static_cast<uint32_t>(piece.size());
  return reinterpret_cast<uintptr_t>(piece.data());
}

// The raw vocabulary piece's address; its length goes to *length_out (uint32).
uintptr_t model_piece(uintptr_t model, int32_t token, uintptr_t length_out) {
  const auto piece = at<Model>(model)->tokenizer().piece(token);
  *at<uint32_t>(length_out) = static_cast<uint32_t>(piece.size());
  return reinterpret_cast<uintptr_t>(piece.data());
}

}  // namespace

EMSCRIPTEN_BINDINGS(logitkit_model) {
  using emscripten::function;
  function("_modelCreate", &model_create);
  function("_modelDestroy", &model_destroy);
  function("_modelConfig", &model_config);
  function("_modelForward", &model_forward);
  function("_modelMaxTokens", &model_max_tokens);
  function("_modelEncode", &model_encode);
  function("_modelDecode", &model_decode);
  function("_modelPiece", &model_piece);
}
