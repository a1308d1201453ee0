#pragma once
// Internal to config/: reads one TOML table into typed fields, recording which
// keys were consumed so that finish() can reject unknown ones. Every error names
// the file, the line and the full key path ("classes[1].max_queue"). The first
// error wins; later reads become no-ops, so parsing code reads straight through
// without checking after every field.
//
// Not thread-safe. The table and the error sink must outlive the reader.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "common/status.hpp"

namespace winnow::config::detail {

class toml_reader {
 public:
  // `prefix` is the key path of `table` ("" for the root, "classes[0]" ...).
  toml_reader(const toml::table& table, const std::string& file, std::string prefix,
              status* error);

  bool ok() const { return error_->ok(); }
  bool has(std::string_view key) const { return table_->contains(key); }

  // Each read leaves `out` unchanged when the key is absent, unless `required`.
  void read(std::string_view key, std::string& out, bool required = false);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, uint64_t& out, uint64_t min, uint64_t max,
            bool required = false);
  void read(std::string_view key, uint32_t& out, uint32_t min, uint32_t max,
            bool required = false);
  void read(std::string_view key, uint16_t& out, uint16_t min, uint16_t max,
            bool required = false);
  void read(std::string_view key, double& out, double min, double max);
  void read(std::string_view key, std::vector<std::string>& out, bool required = false);
  void read(std::string_view key, std::vector<uint32_t>& out, uint32_t min, uint32_t max);

  // A string restricted to `choices` (name → value).
  template <class E>
  void read_enum(std::string_view key, E& out,
                 const std::vector<std::pair<const char*, E>>& choices) {
    std::string text;
    read(key, text);
    if (!ok() || !has(key)) return;
    for (const auto& [name, value] : choices) {
      if (text == name) {
        out = value;
        return;
      }
    }
    fail_at(key, "unknown value \"" + text + "\" (expected " + join(choices) + ")");
  }

  // The sub-table at `key`, or nullopt when absent (or not a table: error).
  bool sub_table(std::string_view key, const toml::table** out);
  // The array of tables at `key` ([[key]]); empty when absent.
  std::vector<const toml::table*> table_array(std::string_view key);

  // A reader for a nested table, sharing this reader's error sink; its key paths
  // start with `prefix`.
  toml_reader child(const toml::table& table, std::string prefix) const {
    return toml_reader(table, file_, std::move(prefix), error_);
  }

  // Records an error at `key`'s line (or the table's when `key` is absent).
  void fail_at(std::string_view key, const std::string& reason);
  // Records an error at the table's own line, with the table's path.
  void fail_table(const std::string& reason);

  // Rejects keys that no read()/sub_table()/table_array() asked for.
  void finish();

  uint32_t line_of(std::string_view key) const;
  uint32_t line() const;
  std::string path(std::string_view key) const;
  const std::string& file() const { return file_; }
  const std::string& prefix() const { return prefix_; }

 private:
  template <class E>
  static std::string join(const std::vector<std::pair<const char*, E>>& choices) {
    std::string s;
    for (const auto& c : choices) s += (s.empty() ? "\"" : ", \"") + std::string(c.first) + "\"";
    return s;
  }
  const toml::node* lookup(std::string_view key);
  void fail_type(std::string_view key, const toml::node& node, const char* expected);
  bool read_integer(std::string_view key, int64_t& out, int64_t min, int64_t max,
                    bool required);

  const toml::table* table_;
  std::string file_;
  std::string prefix_;
  status* error_;
  std::set<std::string, std::less<>> known_;
};

// "string", "integer", ... for error messages.
const char* type_name(toml::node_type type);

}  // namespace winnow::config::detail
