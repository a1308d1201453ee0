#pragma once
// Subcommands of the `winnow` binary register themselves here, one file each
// (app/cmd_<name>.cpp), so adding a command never edits a shared list:
//
//   namespace { const winnow::app::command_registrar reg{"search", add_search_command}; }
//
// The registrar runs at static-initialization time; app/CMakeLists.txt
// compiles every app/*.cpp into the executable itself (not a library), so the
// linker cannot drop a registrar.

#include <functional>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace winnow::app {

// Adds the subcommand to `root` (its options and its callback). The callback
// reports failure by throwing CLI::RuntimeError(exit_code) after printing the
// error to stderr, so main() is the one place that turns errors into exit codes.
using command_adder = std::function<void(CLI::App& root)>;

struct registered_command {
  std::string name;
  command_adder add;
};

std::vector<registered_command>& command_list();

struct command_registrar {
  command_registrar(std::string name, command_adder add) {
    command_list().push_back({std::move(name), std::move(add)});
  }
};

}  // namespace winnow::app
