// The encoder on the real all-MiniLM-L6-v2 weights: parity with
// sentence-transformers' vectors (tests/fixtures/parity_fixture.jsonl, from
// generate_parity_fixture.py), int8 quality, batch invariance, the int8
// quality gate, and load/encode errors.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kernels/cpu/cpu_backend.hpp"
#include "model/bert_weights.hpp"
#include "model/encoder.hpp"
#include "model/safetensors.hpp"
#include "tests/kernels/faulty_backend_for_tests.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::model {
namespace {

struct parity_case {
  std::string text;
  std::vector<float> vector;
};

std::vector<parity_case> load_parity() {
  std::vector<parity_case> out;
  std::ifstream in(testing::source_path("tests/fixtures/parity_fixture.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    out.push_back({j["text"].get<std::string>(), j["vector"].get<std::vector<float>>()});
  }
  return out;
}

using ::winnow::testing::cosine;

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

#define REQUIRE_MODEL()                                                        \
  if (testing::model_dir().empty()) GTEST_SKIP() << "model files absent (run scripts/setup)"

std::unique_ptr<encoder> load_or_die(precision p, bool gate = true, int threads = 1) {
  encoder_options o;
  o.requested = p;
  o.threads = threads;
  o.run_quality_gate = gate;
  auto e = encoder::load(testing::model_dir(), o);
  EXPECT_OK(e);
  return e.ok() ? std::move(e).value() : nullptr;
}

std::vector<std::string> texts_of(const std::vector<parity_case>& cases) {
  std::vector<std::string> t;
  for (const auto& c : cases) t.push_back(c.text);
  return t;
}

TEST(Encoder, Fp32MatchesSentenceTransformers) {
  REQUIRE_MODEL();
  const auto cases = load_parity();
  ASSERT_GE(cases.size(), 200u);
  auto enc = load_or_die(precision::fp32);
  ASSERT_TRUE(enc);
  EXPECT_EQ(enc->dimension(), 384);
  EXPECT_EQ(enc->max_tokens(), 256);
  auto got = enc->encode(texts_of(cases));
  ASSERT_OK(got);
  double worst = 1;
  size_t worst_i = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const double c = cosine((*got)[i], cases[i].vector);
    if (c < worst) { worst = c; worst_i = i; }
  }
  EXPECT_GE(worst, 0.9999) << "worst text: " << cases[worst_i].text;
  std::printf("fp32 vs reference: min cosine %.7f over %zu texts\n", worst, cases.size());
}

TEST(Encoder, Int8StaysCloseToReference) {
  REQUIRE_MODEL();
  const auto cases = load_parity();
  auto enc = load_or_die(precision::int8);
  ASSERT_TRUE(enc);
  ASSERT_EQ(enc->active_precision(), precision::int8) << enc->precision_note();
  auto got = enc->encode(texts_of(cases));
  ASSERT_OK(got);
  double worst = 1, sum = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const double c = cosine((*got)[i], cases[i].vector);
    worst = std::min(worst, c);
    sum += c;
  }
  const double mean = sum / cases.size();
  EXPECT_GE(mean, 0.995);
  EXPECT_GE(worst, 0.98);
  std::printf("int8 vs reference: mean cosine %.5f, min %.5f (%s)\n", mean, worst, enc->precision_note().c_str());
}

// A text's vector alone equals its vector inside batches of other lengths.
void check_batch_invariance(precision p, float tolerance) {
  const auto cases = load_parity();
  auto enc = load_or_die(p, /*gate=*/false, /*threads=*/1);
  ASSERT_TRUE(enc);
  auto rng = testing::seeded_rng(7);
  // Short texts padded next to a long one, in two different mixes.
  const std::vector<std::string> all = texts_of(cases);
  std::vector<std::string> pool(all.begin(), all.begin() + 200);
  for (int round = 0; round < 2; ++round) {
    std::shuffle(pool.begin(), pool.end(), rng);
    std::vector<std::string> batch(pool.begin(), pool.begin() + 5 + round * 3);
    batch.push_back(cases.back().text);  // a passage truncated at 256 tokens
    auto together = enc->encode(batch);
    ASSERT_OK(together);
    for (size_t i = 0; i < batch.size(); ++i) {
      auto alone = enc->encode({batch[i]});
      ASSERT_OK(alone);
      EXPECT_LE(max_abs_diff((*alone)[0], (*together)[i]), tolerance) << "text: " << batch[i];
    }
  }
}

// gather_int8_weights moves every linear's packed int8 weights into one
// buffer: the bytes are the same, each view points into the buffer without
// overlapping another, the old buffers are gone, a second call changes
// nothing, and the CPU backend gives a buffer that large 2 MiB alignment (the
// huge-page request).
TEST(Encoder, GatheredInt8WeightsShareOneBufferAndKeepTheirBytes) {
  REQUIRE_MODEL();
  auto cfg = read_model_config(testing::model_dir());
  ASSERT_OK(cfg);
  auto file = safetensors_file::open(testing::model_dir() + "/model.safetensors");
  ASSERT_OK(file);
  auto backend = kernels::make_cpu_backend({});
  auto w = load_bert_weights(**file, *cfg, /*int8=*/true, *backend);
  ASSERT_OK(w);
  std::vector<linear_weights*> lins;
  std::vector<std::vector<int8_t>> before;
  for (layer_weights& l : w->layers) {
    for (linear_weights* lin : {&l.qkv, &l.attn_out, &l.ffn_in, &l.ffn_out}) {
      ASSERT_FALSE(lin->w_s8.view.empty());
      lins.push_back(lin);
      const auto* p = static_cast<const int8_t*>(lin->w_s8.buf.data());
      before.emplace_back(p, p + lin->w_s8.buf.bytes());
    }
  }
  ASSERT_OK(gather_int8_weights(*w, *backend));
  const auto* arena = static_cast<const int8_t*>(w->int8_arena.data());
  ASSERT_NE(arena, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(arena) % (uintptr_t{2} << 20), 0u);
  const int8_t* end_of_previous = arena;
  for (size_t i = 0; i < lins.size(); ++i) {
    const auto* p = static_cast<const int8_t*>(lins[i]->w_s8.view.data);
    EXPECT_EQ(lins[i]->w_s8.buf.data(), nullptr) << "linear " << i;
    EXPECT_GE(p, end_of_previous) << "linear " << i;
    ASSERT_LE(p + before[i].size(), arena + w->int8_arena.bytes()) << "linear " << i;
    EXPECT_TRUE(std::equal(before[i].begin(), before[i].end(), p)) << "linear " << i;
    end_of_previous = p + before[i].size();
  }
  ASSERT_OK(gather_int8_weights(*w, *backend));
  EXPECT_EQ(w->int8_arena.data(), arena);
}

// A gather that cannot copy (here: the device is lost, so its allocation
// fails) reports the error and leaves every linear's weights where they were.
TEST(Encoder, FailedInt8GatherLeavesTheWeightsInPlace) {
  REQUIRE_MODEL();
  auto cfg = read_model_config(testing::model_dir());
  ASSERT_OK(cfg);
  auto file = safetensors_file::open(testing::model_dir() + "/model.safetensors");
  ASSERT_OK(file);
  kernels::testing::faulty_backend_for_tests backend(kernels::device_info{}, kernels::testing::fault_plan{});
  auto w = load_bert_weights(**file, *cfg, /*int8=*/true, backend);
  ASSERT_OK(w);
  std::vector<const void*> own;
  for (layer_weights& l : w->layers) {
    for (linear_weights* lin : {&l.qkv, &l.attn_out, &l.ffn_in, &l.ffn_out}) own.push_back(lin->w_s8.buf.data());
  }
  backend.set_lost(true);
  EXPECT_FALSE(gather_int8_weights(*w, backend).ok());
  EXPECT_EQ(w->int8_arena.data(), nullptr);
  size_t i = 0;
  for (layer_weights& l : w->layers) {
    for (linear_weights* lin : {&l.qkv, &l.attn_out, &l.ffn_in, &l.ffn_out}) {
      EXPECT_EQ(lin->w_s8.buf.data(), own[i]) << "linear " << i;
      EXPECT_EQ(lin->w_s8.view.data, own[i]) << "linear " << i;
      ++i;
    }
  }
  backend.set_lost(false);
  EXPECT_OK(gather_int8_weights(*w, backend));
  EXPECT_NE(w->int8_arena.data(), nullptr);
}

TEST(Encoder, Fp32VectorDoesNotDependOnBatch) {
  REQUIRE_MODEL();
  check_batch_invariance(precision::fp32, 1e-5f);
}

TEST(Encoder, Int8VectorDoesNotDependOnBatch) {
  REQUIRE_MODEL();
  check_batch_invariance(precision::int8, 1e-5f);
}

TEST(Encoder, FastKernelsAgreeWithReferenceBackend) {
  REQUIRE_MODEL();
  auto ref_backend = kernels::make_cpu_backend({1, /*use_reference=*/true});
  for (precision p : {precision::fp32, precision::int8}) {
    encoder_options o;
    o.requested = p;
    o.run_quality_gate = false;
    auto ref = encoder::load(testing::model_dir(), o, *ref_backend);
    ASSERT_OK(ref);
    auto fast = load_or_die(p, false, 2);
    const std::vector<std::string> texts = {"int8 kernels must agree with the scalar oracle.",
                                            "A second, somewhat longer sentence about proteins and cells."};
    auto a = (*ref)->encode(texts);
    auto b = fast->encode(texts);
    ASSERT_OK(a);
    ASSERT_OK(b);
    for (size_t i = 0; i < texts.size(); ++i) {
      EXPECT_GE(cosine((*a)[i], (*b)[i]), p == precision::fp32 ? 0.99999 : 0.999) << to_string(p);
    }
  }
}

TEST(Encoder, QualityGateRefusesInt8BelowThreshold) {
  REQUIRE_MODEL();
  encoder_options o;
  o.requested = precision::int8;
  o.min_int8_cosine = 1.5f;  // unreachable: int8 must be refused
  auto enc = encoder::load(testing::model_dir(), o);
  ASSERT_OK(enc);
  EXPECT_EQ((*enc)->active_precision(), precision::fp32);
  EXPECT_NE((*enc)->precision_note().find("int8 refused"), std::string::npos) << (*enc)->precision_note();
  EXPECT_GT((*enc)->probe_min_cosine(), 0.9f);
  // Refused int8 runs fp32: the vectors are the fp32 ones.
  auto fp32 = load_or_die(precision::fp32);
  auto a = (*enc)->encode({"gate check"});
  auto b = fp32->encode({"gate check"});
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_LE(max_abs_diff((*a)[0], (*b)[0]), 1e-6f);

  o.min_int8_cosine = 0.98f;
  auto ok = encoder::load(testing::model_dir(), o);
  ASSERT_OK(ok);
  EXPECT_EQ((*ok)->active_precision(), precision::int8) << (*ok)->precision_note();
  EXPECT_NE((*ok)->precision_note().find("int8 accepted"), std::string::npos);
}

TEST(Encoder, EncodeTokensValidatesIds) {
  REQUIRE_MODEL();
  auto enc = load_or_die(precision::fp32);
  ASSERT_TRUE(enc);
  auto bad = enc->encode_tokens({{101, 999999, 102}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.get_status().message().find("999999"), std::string::npos);
  EXPECT_FALSE(enc->encode_tokens({{101}}).ok());
  auto empty = enc->encode({});
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
  // encode_tokens with the tokenizer's ids equals encode.
  const std::string t = "token-budget batches come from the batcher";
  auto via_tokens = enc->encode_tokens({enc->text_tokenizer().encode(t, enc->max_tokens())});
  auto via_text = enc->encode({t});
  ASSERT_OK(via_tokens);
  ASSERT_OK(via_text);
  EXPECT_EQ((*via_tokens)[0], (*via_text)[0]);
}

// A copy of the model directory whose files a test may damage.
class damaged_model {
 public:
  damaged_model() {
    for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json", "sentence_bert_config.json"}) {
      std::filesystem::copy_file(testing::model_dir() + "/" + f, dir_.path() / f);
    }
    std::filesystem::create_directories(dir_.path() / "1_Pooling");
    std::filesystem::copy_file(testing::model_dir() + "/1_Pooling/config.json", dir_.path() / "1_Pooling/config.json");
  }
  std::string path() const { return dir_.str(); }
  std::string weights() const { return dir_.str() + "/model.safetensors"; }

 private:
  testing::temp_dir dir_;
};

std::string load_error(const std::string& dir) {
  encoder_options o;
  o.requested = precision::fp32;
  auto e = encoder::load(dir, o);
  return e.ok() ? "ok" : e.get_status().to_string();
}

TEST(Encoder, TruncatedWeightsNameFileAndTensor) {
  REQUIRE_MODEL();
  damaged_model m;
  std::filesystem::copy_file(testing::model_dir() + "/model.safetensors", m.weights());
  std::filesystem::resize_file(m.weights(), std::filesystem::file_size(m.weights()) / 2);
  const std::string err = load_error(m.path());
  EXPECT_NE(err.find(m.weights()), std::string::npos) << err;
  EXPECT_NE(err.find("tensor '"), std::string::npos) << err;
}

TEST(Encoder, MissingWeightsAndBadConfigAreErrors) {
  REQUIRE_MODEL();
  damaged_model m;
  EXPECT_NE(load_error(m.path()).find("model.safetensors"), std::string::npos);
  std::filesystem::copy_file(testing::model_dir() + "/model.safetensors", m.weights());
  { std::ofstream(m.path() + "/config.json") << R"({"model_type": "bert", "hidden_size": 384})"; }
  const std::string err = load_error(m.path());
  EXPECT_NE(err.find("config.json: missing key 'num_hidden_layers'"), std::string::npos) << err;
  { std::ofstream(m.path() + "/config.json") << R"({"model_type": "gpt2"})"; }
  EXPECT_NE(load_error(m.path()).find("not a BERT-architecture model"), std::string::npos);
}

TEST(Encoder, ConfigWithMoreLayersThanTheFileNamesMissingTensor) {
  REQUIRE_MODEL();
  damaged_model m;
  std::filesystem::create_symlink(testing::model_dir() + "/model.safetensors", m.weights());
  std::ifstream in(testing::model_dir() + "/config.json");
  auto cfg = nlohmann::json::parse(in);
  cfg["num_hidden_layers"] = 7;
  { std::ofstream(m.path() + "/config.json") << cfg.dump(); }
  const std::string err = load_error(m.path());
  EXPECT_NE(err.find("missing tensor 'encoder.layer.6."), std::string::npos) << err;
  EXPECT_NE(err.find(m.weights()), std::string::npos) << err;
}

}  // namespace
}  // namespace winnow::model
