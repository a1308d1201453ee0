// Child process of crash_test.cpp: ingests catalogue items into the data
// directory argv[1] the way `winnow ingest --no-vectors` does (ingest_corpus
// through the actor engine), round after round, starting at item argv[2], and
// prints every document id on stdout as soon as the engine has acknowledged it
// (durable). It never stops by itself: the parent SIGKILLs it at a random
// moment.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/beir_reader.hpp"
#include "app/catalogue_generator.hpp"
#include "app/engine_corpus_ingester.hpp"
#include "app/engine_session.hpp"

namespace {

constexpr uint64_t docs_per_round = 400;
constexpr uint64_t catalogue_seed = 20261129;
constexpr size_t batch_docs = 25;

int fail(const winnow::status& s) {
  std::fprintf(stderr, "crash_ingest_child: %s\n", s.to_string().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_ingest_child DATA_DIR FIRST_ITEM\n");
    return 2;
  }
  const std::string dir = argv[1];
  uint64_t next_item = std::strtoull(argv[2], nullptr, 10);
  winnow::app::engine_cli_options eo;
  eo.data = dir;
  eo.create = true;
  eo.load_model = false;
  auto engine = winnow::app::open_engine(eo);
  if (!engine.ok()) return fail(engine.get_status());

  const winnow::app::catalogue_generator gen(catalogue_seed);
  const std::string corpus = dir + ".round.jsonl";
  for (;;) {
    std::FILE* f = std::fopen(corpus.c_str(), "w");
    if (f == nullptr) return 2;
    for (uint64_t i = 0; i < docs_per_round; ++i) {
      std::fprintf(f, "%s\n",
                   winnow::app::catalogue_generator::to_json_line(gen.item(next_item + i)).c_str());
    }
    std::fclose(f);
    next_item += docs_per_round;
    auto docs_total = winnow::app::validate_corpus_file(corpus);
    if (!docs_total.ok()) return fail(docs_total.get_status());
    auto summary = winnow::app::ingest_corpus(
        **engine, corpus, *docs_total, batch_docs, nullptr, std::chrono::milliseconds(0),
        [](const std::vector<std::string>& ids) {
          for (const auto& id : ids) std::printf("%s\n", id.c_str());
          std::fflush(stdout);
        });
    if (!summary.ok()) return fail(summary.get_status());
  }
}
