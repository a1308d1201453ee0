// `winnow config --print-default`: prints the embedded default configuration
// as a commented TOML file (config::embedded_default_toml()), the starting
// point for a file of one's own:
//   winnow config --print-default > winnow.toml && winnow serve --config winnow.toml
// `winnow config --check FILE` validates a file without starting anything.
#include <cstdio>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "app/cli_error.hpp"
#include "app/command_registry.hpp"
#include "config/load_config.hpp"

namespace winnow::app {
namespace {

struct config_cli {
  bool print_default = false;
  std::string check;
};

void add_config_command(CLI::App& root) {
  auto o = std::make_shared<config_cli>();
  auto* cmd = root.add_subcommand("config", "print the default configuration, or check a file");
  auto* print = cmd->add_flag("--print-default", o->print_default,
                              "print the embedded default as a commented TOML file");
  auto* check = cmd->add_option("--check", o->check,
                                "validate a TOML configuration file (errors name file, line and key)");
  print->excludes(check);
  cmd->require_option(1);
  cmd->callback([o] {
    if (o->print_default) {
      const std::string_view text = config::embedded_default_toml();
      std::fwrite(text.data(), 1, text.size(), stdout);
      return;
    }
    auto c = config::load_config(o->check);
    if (!c.ok()) fail_command("config", c.get_status(), 2);
    std::printf("%s: valid (%zu class(es), %zu device(s), %u shard(s))\n", o->check.c_str(),
                c->classes.size(), c->devices.size(), c->engine.shards);
  });
}

const command_registrar registrar{"config", add_config_command};

}  // namespace
}  // namespace winnow::app
