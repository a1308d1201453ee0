#pragma once
// How a subcommand fails (command_registry.hpp): print the status once to
// stderr, then throw CLI::RuntimeError so main() returns the exit code.

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "common/status.hpp"

namespace winnow::app {

[[noreturn]] inline void fail_command(const char* command, const status& s, int exit_code = 1) {
  std::fprintf(stderr, "winnow %s: %s\n", command, s.to_string().c_str());
  throw CLI::RuntimeError(exit_code);
}

}  // namespace winnow::app
