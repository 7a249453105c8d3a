// A loaded model: the checkpoint bytes (owned), its transformer and its tokenizer. This is what
// the JS handle of examples/model/model.js points at.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "checkpoint.h"
#include "tokenizer.h"
#include "transformer.h"

namespace logitkit::model {

class Model {
 public:
  // Takes ownership of `checkpoint_bytes` (allocated with malloc; freed with free() by the
  // destructor, or right away when loading fails). The tokenizer bytes are only read.
  static LoadError create(uint8_t* checkpoint_bytes, size_t checkpoint_size,
                          const uint8_t* tokenizer_bytes, size_t tokenizer_size,
                          std::unique_ptr<Model>* out);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const Config& config() const { return transformer_->config(); }
  Transformer& transformer() { return *transformer_; }
  const Tokenizer& tokenizer() const { return tokenizer_; }

 private:
  Model() = default;
  uint8_t* bytes_ = nullptr;
  std::unique_ptr<Transformer> transformer_;
  Tokenizer tokenizer_;
};

}  // namespace logitkit::model
