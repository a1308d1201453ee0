#include "config/detail/toml_reader.hpp"

#include <cmath>
#include <limits>

namespace winnow::config::detail {

const char* type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
  }
  return "unknown";
}

toml_reader::toml_reader(const toml::table& table, const std::string& file, std::string prefix,
                         status* error)
    : table_(&table), file_(file), prefix_(std::move(prefix)), error_(error) {}

std::string toml_reader::path(std::string_view key) const {
  if (prefix_.empty()) return std::string(key);
  if (key.empty()) return prefix_;
  return prefix_ + "." + std::string(key);
}

uint32_t toml_reader::line() const { return table_->source().begin.line; }

uint32_t toml_reader::line_of(std::string_view key) const {
  auto it = table_->find(key);
  if (it == table_->end()) return line();
  uint32_t l = it->first.source().begin.line;
  return l != 0 ? l : it->second.source().begin.line;
}

void toml_reader::fail_at(std::string_view key, const std::string& reason) {
  if (!ok()) return;
  *error_ = status::invalid_argument(file_ + ":" + std::to_string(line_of(key)) + ": key '" +
                                     path(key) + "': " + reason);
}

void toml_reader::fail_table(const std::string& reason) {
  if (!ok()) return;
  std::string where = prefix_.empty() ? "top level" : "table '" + prefix_ + "'";
  *error_ = status::invalid_argument(file_ + ":" + std::to_string(line()) + ": " + where + ": " +
                                     reason);
}

void toml_reader::fail_type(std::string_view key, const toml::node& node, const char* expected) {
  fail_at(key, std::string("expected ") + expected + ", got " + type_name(node.type()));
}

const toml::node* toml_reader::lookup(std::string_view key) {
  known_.emplace(key);
  if (!ok()) return nullptr;
  return table_->get(key);
}

void toml_reader::read(std::string_view key, std::string& out, bool required) {
  const toml::node* node = lookup(key);
  if (!ok()) return;
  if (node == nullptr) {
    if (required) fail_table("missing required key '" + std::string(key) + "'");
    return;
  }
  if (const auto* s = node->as_string()) {
    out = s->get();
  } else {
    fail_type(key, *node, "a string");
  }
}

void toml_reader::read(std::string_view key, bool& out) {
  const toml::node* node = lookup(key);
  if (!ok() || node == nullptr) return;
  if (const auto* b = node->as_boolean()) {
    out = b->get();
  } else {
    fail_type(key, *node, "a boolean (true or false)");
  }
}

bool toml_reader::read_integer(std::string_view key, int64_t& out, int64_t min, int64_t max,
                               bool required) {
  const toml::node* node = lookup(key);
  if (!ok()) return false;
  if (node == nullptr) {
    if (required) fail_table("missing required key '" + std::string(key) + "'");
    return false;
  }
  const auto* i = node->as_integer();
  if (i == nullptr) {
    fail_type(key, *node, "an integer");
    return false;
  }
  int64_t v = i->get();
  if (v < min || v > max) {
    fail_at(key, "value " + std::to_string(v) + " out of range [" + std::to_string(min) + ", " +
                     std::to_string(max) + "]");
    return false;
  }
  out = v;
  return true;
}

void toml_reader::read(std::string_view key, uint64_t& out, uint64_t min, uint64_t max,
                       bool required) {
  constexpr uint64_t cap = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  int64_t v = 0;
  if (read_integer(key, v, static_cast<int64_t>(std::min(min, cap)),
                   static_cast<int64_t>(std::min(max, cap)), required)) {
    out = static_cast<uint64_t>(v);
  }
}

void toml_reader::read(std::string_view key, uint32_t& out, uint32_t min, uint32_t max,
                       bool required) {
  int64_t v = 0;
  if (read_integer(key, v, min, max, required)) out = static_cast<uint32_t>(v);
}

void toml_reader::read(std::string_view key, uint16_t& out, uint16_t min, uint16_t max,
                       bool required) {
  int64_t v = 0;
  if (read_integer(key, v, min, max, required)) out = static_cast<uint16_t>(v);
}

void toml_reader::read(std::string_view key, double& out, double min, double max) {
  const toml::node* node = lookup(key);
  if (!ok() || node == nullptr) return;
  double v = 0;
  if (const auto* f = node->as_floating_point()) {
    v = f->get();
  } else if (const auto* i = node->as_integer()) {
    v = static_cast<double>(i->get());
  } else {
    fail_type(key, *node, "a number");
    return;
  }
  if (!std::isfinite(v) || v < min || v > max) {
    fail_at(key, "value " + std::to_string(v) + " out of range [" + std::to_string(min) + ", " +
                     std::to_string(max) + "]");
    return;
  }
  out = v;
}

void toml_reader::read(std::string_view key, std::vector<std::string>& out, bool required) {
  const toml::node* node = lookup(key);
  if (!ok()) return;
  if (node == nullptr) {
    if (required) fail_table("missing required key '" + std::string(key) + "'");
    return;
  }
  const auto* arr = node->as_array();
  if (arr == nullptr) {
    fail_type(key, *node, "an array of strings");
    return;
  }
  std::vector<std::string> values;
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto* s = arr->get(i)->as_string();
    if (s == nullptr) {
      fail_at(key, "element " + std::to_string(i) + ": expected a string, got " +
                       type_name(arr->get(i)->type()));
      return;
    }
    values.push_back(s->get());
  }
  out = std::move(values);
}

void toml_reader::read(std::string_view key, std::vector<uint32_t>& out, uint32_t min,
                       uint32_t max) {
  const toml::node* node = lookup(key);
  if (!ok() || node == nullptr) return;
  const auto* arr = node->as_array();
  if (arr == nullptr) {
    fail_type(key, *node, "an array of integers");
    return;
  }
  std::vector<uint32_t> values;
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto* v = arr->get(i)->as_integer();
    if (v == nullptr) {
      fail_at(key, "element " + std::to_string(i) + ": expected an integer, got " +
                       type_name(arr->get(i)->type()));
      return;
    }
    if (v->get() < min || v->get() > max) {
      fail_at(key, "element " + std::to_string(i) + ": value " + std::to_string(v->get()) +
                       " out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
      return;
    }
    values.push_back(static_cast<uint32_t>(v->get()));
  }
  out = std::move(values);
}

bool toml_reader::sub_table(std::string_view key, const toml::table** out) {
  const toml::node* node = lookup(key);
  if (!ok() || node == nullptr) return false;
  if (const auto* t = node->as_table()) {
    *out = t;
    return true;
  }
  fail_type(key, *node, "a table");
  return false;
}

std::vector<const toml::table*> toml_reader::table_array(std::string_view key) {
  std::vector<const toml::table*> tables;
  const toml::node* node = lookup(key);
  if (!ok() || node == nullptr) return tables;
  const auto* arr = node->as_array();
  if (arr == nullptr) {
    fail_type(key, *node, ("an array of tables ([[" + std::string(key) + "]])").c_str());
    return tables;
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto* t = arr->get(i)->as_table();
    if (t == nullptr) {
      fail_at(key, "element " + std::to_string(i) + ": expected a table, got " +
                       type_name(arr->get(i)->type()));
      return {};
    }
    tables.push_back(t);
  }
  return tables;
}

void toml_reader::finish() {
  if (!ok()) return;
  for (const auto& [key, node] : *table_) {
    if (known_.find(key.str()) == known_.end()) {
      *error_ = status::invalid_argument(
          file_ + ":" + std::to_string(key.source().begin.line) + ": key '" + path(key.str()) +
          "': unknown key");
      return;
    }
  }
}

}  // namespace winnow::config::detail
