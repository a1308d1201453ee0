#include "model/model_config.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace winnow::model {
namespace {

// nullopt-like: an empty json when the file is absent; an error when present
// but unreadable or not JSON.
status_or<nlohmann::json> read_json(const std::string& path, bool required) {
  if (!std::filesystem::exists(path)) {
    if (required) return status::not_found(path + ": missing");
    return nlohmann::json::object();
  }
  std::ifstream in(path);
  if (!in) return status::io_error(path + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return status::invalid_argument(path + ": not a JSON object");
  return j;
}

status read_int(const nlohmann::json& j, const std::string& path, const char* key, int* out,
                bool required) {
  if (!j.contains(key)) {
    if (required) return status::invalid_argument(path + ": missing key '" + key + "'");
    return {};
  }
  if (!j[key].is_number_integer() || j[key].get<int64_t>() <= 0 || j[key].get<int64_t>() > (1 << 30)) {
    return status::invalid_argument(path + ": key '" + key + "' must be a positive integer");
  }
  *out = j[key].get<int>();
  return {};
}

status read_bool(const nlohmann::json& j, const std::string& path, const char* key, bool* out) {
  if (!j.contains(key) || j[key].is_null()) return {};
  if (!j[key].is_boolean()) return status::invalid_argument(path + ": key '" + key + "' must be a boolean");
  *out = j[key].get<bool>();
  return {};
}

}  // namespace

status_or<model_config> read_model_config(const std::string& model_dir) {
  model_config c;
  const std::string config_path = model_dir + "/config.json";
  WINNOW_ASSIGN_OR_RETURN(nlohmann::json cfg, read_json(config_path, true));
  if (cfg.contains("model_type") && cfg["model_type"].is_string()) {
    const std::string type = cfg["model_type"].get<std::string>();
    if (type != "bert") {
      return status::unsupported(config_path + ": model_type '" + type + "' is not a BERT-architecture model");
    }
  }
  if (cfg.contains("hidden_act") && cfg["hidden_act"] != "gelu") {
    return status::unsupported(config_path + ": hidden_act " + cfg["hidden_act"].dump() + " (only 'gelu')");
  }
  if (cfg.contains("position_embedding_type") && cfg["position_embedding_type"] != "absolute") {
    return status::unsupported(config_path + ": position_embedding_type " +
                               cfg["position_embedding_type"].dump() + " (only 'absolute')");
  }
  WINNOW_RETURN_IF_ERROR(read_int(cfg, config_path, "hidden_size", &c.hidden_size, true));
  WINNOW_RETURN_IF_ERROR(read_int(cfg, config_path, "num_hidden_layers", &c.num_layers, true));
  WINNOW_RETURN_IF_ERROR(read_int(cfg, config_path, "num_attention_heads", &c.num_heads, true));
  WINNOW_RETURN_IF_ERROR(read_int(cfg, config_path, "intermediate_size", &c.intermediate_size, true));
  WINNOW_RETURN_IF_ERROR(read_int(cfg, config_path, "vocab_size", &c.vocab_size, true));
  WINNOW_RETURN_IF_ERROR(read_int(cfg, config_path, "max_position_embeddings", &c.max_position_embeddings, true));
  c.type_vocab_size = 2;
  WINNOW_RETURN_IF_ERROR(read_int(cfg, config_path, "type_vocab_size", &c.type_vocab_size, false));
  if (cfg.contains("layer_norm_eps")) {
    if (!cfg["layer_norm_eps"].is_number()) {
      return status::invalid_argument(config_path + ": key 'layer_norm_eps' must be a number");
    }
    c.layer_norm_eps = cfg["layer_norm_eps"].get<float>();
  }
  if (c.hidden_size % c.num_heads != 0) {
    return status::invalid_argument(config_path + ": hidden_size " + std::to_string(c.hidden_size) +
                                    " is not a multiple of num_attention_heads " + std::to_string(c.num_heads));
  }

  const std::string tok_path = model_dir + "/tokenizer_config.json";
  WINNOW_ASSIGN_OR_RETURN(nlohmann::json tok, read_json(tok_path, false));
  WINNOW_RETURN_IF_ERROR(read_bool(tok, tok_path, "do_lower_case", &c.lowercase));
  c.strip_accents = c.lowercase;  // BERT: strip_accents=None follows lowercase
  WINNOW_RETURN_IF_ERROR(read_bool(tok, tok_path, "strip_accents", &c.strip_accents));
  WINNOW_RETURN_IF_ERROR(read_bool(tok, tok_path, "tokenize_chinese_chars", &c.split_cjk));

  c.max_seq_length = c.max_position_embeddings;
  const std::string st_path = model_dir + "/sentence_bert_config.json";
  WINNOW_ASSIGN_OR_RETURN(nlohmann::json st, read_json(st_path, false));
  WINNOW_RETURN_IF_ERROR(read_int(st, st_path, "max_seq_length", &c.max_seq_length, false));
  if (c.max_seq_length > c.max_position_embeddings) c.max_seq_length = c.max_position_embeddings;

  const std::string pool_path = model_dir + "/1_Pooling/config.json";
  WINNOW_ASSIGN_OR_RETURN(nlohmann::json pool, read_json(pool_path, false));
  bool mean = true, cls = false, max = false, sqrt_len = false;
  if (!pool.empty()) {
    mean = false;
    WINNOW_RETURN_IF_ERROR(read_bool(pool, pool_path, "pooling_mode_mean_tokens", &mean));
    WINNOW_RETURN_IF_ERROR(read_bool(pool, pool_path, "pooling_mode_cls_token", &cls));
    WINNOW_RETURN_IF_ERROR(read_bool(pool, pool_path, "pooling_mode_max_tokens", &max));
    WINNOW_RETURN_IF_ERROR(read_bool(pool, pool_path, "pooling_mode_mean_sqrt_len_tokens", &sqrt_len));
    if (max || sqrt_len || (mean && cls) || (!mean && !cls)) {
      return status::unsupported(pool_path + ": exactly one of pooling_mode_mean_tokens or "
                                 "pooling_mode_cls_token must be true (max and sqrt-len pooling are not supported)");
    }
  }
  c.pooling = cls ? kernels::pooling::cls : kernels::pooling::mean;

  // Vectors are always L2-normalized: winnow ranks by cosine, and for models
  // whose modules.json lists a Normalize module (all-MiniLM-L6-v2) this is
  // exactly the reference output.
  c.normalize = true;
  return c;
}

}  // namespace winnow::model
