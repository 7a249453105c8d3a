#include "model.h"

#include <cstdlib>
#include <new>

namespace logitkit::model {

LoadError Model::create(uint8_t* checkpoint_bytes, size_t checkpoint_size,
                        const uint8_t* tokenizer_bytes, size_t tokenizer_size,
                        std::unique_ptr<Model>* out) {
  std::unique_ptr<Model> model(new (std::nothrow) Model());
  if (!model) {
    std::free(checkpoint_bytes);
    return LoadError::OutOfMemory;
  }
  model->bytes_ = checkpoint_bytes;  // owned from here on, also on failure
  Checkpoint checkpoint;
  LoadError e = parse_checkpoint(checkpoint_bytes, checkpoint_size, &checkpoint);
  if (e != LoadError::Ok) return e;
  e = model->tokenizer_.load(tokenizer_bytes, tokenizer_size, checkpoint.config.vocab_size);
  if (e != LoadError::Ok) return e;
  model->transformer_.reset(new (std::nothrow) Transformer(checkpoint));
  if (!model->transformer_) return LoadError::OutOfMemory;
  *out = std::move(model);
  return LoadError::Ok;
}

Model::~Model() {
  std::free(bytes_);
}

}  // namespace logitkit::model
