#pragma once
// What a BERT-architecture model directory says about itself: sizes from
// config.json, casing from tokenizer_config.json, max_seq_length from
// sentence_bert_config.json, pooling (mean or CLS) from 1_Pooling/config.json.
// Vectors are always L2-normalized. Missing optional files fall back to
// defaults (mean pooling, max_position_embeddings tokens, lowercase).

#include <string>

#include "common/status_or.hpp"
#include "kernels/backend.hpp"

namespace winnow::model {

struct model_config {
  int hidden_size = 0;
  int num_layers = 0;
  int num_heads = 0;
  int intermediate_size = 0;
  int vocab_size = 0;
  int max_position_embeddings = 0;
  int type_vocab_size = 0;
  float layer_norm_eps = 1e-12f;
  bool lowercase = true;
  bool strip_accents = true;
  bool split_cjk = true;
  int max_seq_length = 512;
  kernels::pooling pooling = kernels::pooling::mean;
  bool normalize = true;
};

// Errors name the file and key (missing, wrong type, not a BERT model).
status_or<model_config> read_model_config(const std::string& model_dir);

}  // namespace winnow::model
