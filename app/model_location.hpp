#pragma once
// Where the encoder's files are. The configured `[model] dir` (or --model) is
// usually the relative "models/all-MiniLM-L6-v2": right in a checkout, where
// scripts/setup puts the files, but not for an installed binary started from
// another directory (a systemd unit runs in /var/lib/winnow). `cmake --install`
// puts the model in PREFIX/share/winnow/models/..., so a relative dir that is
// not found from the working directory is looked up there, beside the binary
// (PREFIX/bin/winnow → PREFIX/share/winnow/DIR): the install can move to any
// prefix without a configuration change.

#include <string>

namespace winnow::app {

// `dir` when it is absolute or exists relative to the working directory;
// else PREFIX/share/winnow/`dir` when that exists, with PREFIX the parent of
// the folder holding `executable`; else `dir` unchanged (the engine's error
// then names it).
std::string resolve_model_dir(const std::string& dir, const std::string& executable);

// The same for the running program (/proc/self/exe).
std::string resolve_model_dir(const std::string& dir);

}  // namespace winnow::app
