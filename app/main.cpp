// The `winnow` binary: one subcommand per app/cmd_*.cpp (see command_registry.hpp).
#include <algorithm>
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "app/command_registry.hpp"

namespace winnow::app {
std::vector<registered_command>& command_list() {
  static std::vector<registered_command> list;
  return list;
}
}  // namespace winnow::app

int main(int argc, char** argv) {
  CLI::App root{"winnow: low-cost two-stage AI search (BM25 + int8 transformer re-ranking)"};
  root.require_subcommand(1);
  auto& commands = winnow::app::command_list();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (auto& c : commands) c.add(root);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e);
  } catch (const std::exception& e) {
    // Startup errors (config, model load, device probe) end here, once (style.md §6.6).
    std::fprintf(stderr, "winnow: %s\n", e.what());
    return 1;
  }
  return 0;
}
