// Child process of crash_test.cpp: ingests catalogue items into the data
// directory argv[1], round after round, starting at item argv[2], and prints
// every document id on stdout as soon as put_documents has acknowledged it
// (corpus_ingester's ack callback). It never stops by itself: the parent
// SIGKILLs it at a random moment.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/catalogue_generator.hpp"
#include "app/corpus_ingester.hpp"
#include "app/data_dir.hpp"

namespace {

constexpr uint64_t docs_per_round = 400;
constexpr uint64_t catalogue_seed = 20261129;

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
  auto data = winnow::app::open_data_dir(dir, /*create=*/true);
  if (!data.ok()) return fail(data.get_status());

  const winnow::app::catalogue_generator gen(catalogue_seed);
  winnow::app::ingest_options options;
  options.batch_docs = 25;
  winnow::app::corpus_ingester ingester(*data->db, *data->index, options);
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
    auto summary = ingester.ingest_file(corpus, nullptr, [](const auto& batch) {
      for (const auto& doc : batch) std::printf("%s\n", doc.id.c_str());
      std::fflush(stdout);
    });
    if (!summary.ok()) return fail(summary.get_status());
  }
}
