// `winnow version`: prints the build's version and enabled backends.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "app/command_registry.hpp"

namespace winnow::app {
namespace {

void add_version_command(CLI::App& root) {
  auto* cmd = root.add_subcommand("version", "print the version and the compiled-in backends");
  cmd->callback([] {
#ifdef WINNOW_HAVE_CUDA
    std::printf("winnow 0.1.0 (backends: cpu, cuda)\n");
#else
    std::printf("winnow 0.1.0 (backends: cpu)\n");
#endif
  });
}

const command_registrar registrar{"version", add_version_command};

}  // namespace
}  // namespace winnow::app
