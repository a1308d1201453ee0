// `winnow gen-catalogue --count N --seed S OUT.jsonl`: writes the seeded
// synthetic product catalogue (BEIR corpus format) that scripts/run ingests.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <CLI/CLI.hpp>

#include "app/catalogue_generator.hpp"
#include "app/command_registry.hpp"

namespace winnow::app {
namespace {

struct gen_catalogue_options {
  uint64_t count = 100000;
  uint64_t seed = 42;
  std::string out;
};

void add_gen_catalogue_command(CLI::App& root) {
  auto opts = std::make_shared<gen_catalogue_options>();
  auto* cmd = root.add_subcommand("gen-catalogue",
                                  "write a seeded synthetic product catalogue (BEIR JSON lines)");
  cmd->add_option("--count", opts->count, "number of items")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "generator seed")->capture_default_str();
  cmd->add_option("OUT", opts->out, "output file (.jsonl)")->required();
  cmd->callback([opts] {
    // Write to a temporary name and rename, so an interrupted run never leaves
    // a truncated catalogue that a later `scripts/run` would take as complete.
    const std::string tmp = opts->out + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (f == nullptr) {
      std::fprintf(stderr, "winnow gen-catalogue: %s: %s\n", tmp.c_str(), std::strerror(errno));
      throw CLI::RuntimeError(1);
    }
    const catalogue_generator gen(opts->seed);
    for (uint64_t i = 0; i < opts->count; ++i) {
      const std::string line = catalogue_generator::to_json_line(gen.item(i));
      std::fwrite(line.data(), 1, line.size(), f);
      std::fputc('\n', f);
    }
    const bool write_failed = std::ferror(f) != 0;
    if (std::fclose(f) != 0 || write_failed || std::rename(tmp.c_str(), opts->out.c_str()) != 0) {
      std::fprintf(stderr, "winnow gen-catalogue: cannot write %s: %s\n", opts->out.c_str(),
                   std::strerror(errno));
      std::remove(tmp.c_str());
      throw CLI::RuntimeError(1);
    }
    std::printf("wrote %llu items to %s (seed %llu)\n",
                static_cast<unsigned long long>(opts->count), opts->out.c_str(),
                static_cast<unsigned long long>(opts->seed));
  });
}

const command_registrar registrar{"gen-catalogue", add_gen_catalogue_command};

}  // namespace
}  // namespace winnow::app
