#include "bench/loadtest/load_profile.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace winnow::loadtest {
namespace {

// Reads typed keys from one TOML table, remembering which keys were used so
// that unknown (misspelt) keys can be reported.
class table_reader {
 public:
  table_reader(const toml::table& t, std::string source, std::string prefix)
      : t_(t), source_(std::move(source)), prefix_(std::move(prefix)) {}

  status error(const std::string& key, const std::string& what) const {
    return status::invalid_argument(source_ + ": key '" + prefix_ + key + "': " + what);
  }

  status number(const std::string& key, double* out, bool required = false) {
    used_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) return required ? error(key, "missing") : status{};
    if (auto v = n->value<double>()) {  // integers convert too
      if (!std::isfinite(*v)) return error(key, "must be finite");
      *out = *v;
      return {};
    }
    return error(key, "expected a number");
  }

  status integer(const std::string& key, int64_t* out, int64_t min, int64_t max, bool required = false) {
    used_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) return required ? error(key, "missing") : status{};
    if (!n->is_integer()) return error(key, "expected an integer");
    const int64_t v = n->as_integer()->get();
    if (v < min || v > max)
      return error(key, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + std::to_string(v));
    *out = v;
    return {};
  }

  status string(const std::string& key, std::string* out, bool required = false) {
    used_.insert(key);
    const toml::node* n = t_.get(key);
    if (!n) return required ? error(key, "missing") : status{};
    if (!n->is_string()) return error(key, "expected a string");
    *out = n->as_string()->get();
    return {};
  }

  status no_unknown_keys() const {
    for (const auto& [k, v] : t_) {
      const std::string key(k.str());
      if (!used_.count(key)) return error(key, "unknown key");
    }
    return {};
  }

  void allow(const std::string& key) { used_.insert(key); }

 private:
  const toml::table& t_;
  std::string source_;
  std::string prefix_;
  std::set<std::string> used_;
};

std::string resolve(const std::string& base_dir, const std::string& file) {
  if (file.empty()) return file;
  std::filesystem::path p(file);
  if (p.is_absolute() || base_dir.empty()) return file;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

status parse_schedule(const toml::table* t, const std::string& source, load_profile* out) {
  if (!t) return status::invalid_argument(source + ": key 'schedule': missing table [schedule]");
  table_reader r(*t, source, "schedule.");
  std::string shape = "constant";
  WINNOW_RETURN_IF_ERROR(r.string("shape", &shape));
  const auto to_ns = [](double s) { return static_cast<int64_t>(s * 1e9); };
  status_or<rate_plan> plan = status::internal("unset");
  if (shape == "constant") {
    double rate = 0, duration = 0;
    WINNOW_RETURN_IF_ERROR(r.number("rate", &rate, true));
    WINNOW_RETURN_IF_ERROR(r.number("duration_s", &duration, true));
    if (rate <= 0) return r.error("rate", "must be > 0");
    if (duration <= 0) return r.error("duration_s", "must be > 0");
    plan = rate_plan::constant(rate, to_ns(duration));
  } else if (shape == "step") {
    double start = 0, end = 0, inc = 0, step_s = 0;
    WINNOW_RETURN_IF_ERROR(r.number("start_rate", &start, true));
    WINNOW_RETURN_IF_ERROR(r.number("end_rate", &end, true));
    WINNOW_RETURN_IF_ERROR(r.number("step_rate", &inc, true));
    WINNOW_RETURN_IF_ERROR(r.number("step_s", &step_s, true));
    if (start < 0) return r.error("start_rate", "must be >= 0");
    if (end < 0) return r.error("end_rate", "must be >= 0");
    if (inc <= 0) return r.error("step_rate", "must be > 0");
    if (step_s <= 0) return r.error("step_s", "must be > 0");
    plan = rate_plan::steps(start, end, inc, to_ns(step_s));
  } else if (shape == "ramp") {
    double start = 0, end = 0, duration = 0;
    WINNOW_RETURN_IF_ERROR(r.number("start_rate", &start, true));
    WINNOW_RETURN_IF_ERROR(r.number("end_rate", &end, true));
    WINNOW_RETURN_IF_ERROR(r.number("duration_s", &duration, true));
    if (start < 0) return r.error("start_rate", "must be >= 0");
    if (end < 0) return r.error("end_rate", "must be >= 0");
    if (duration <= 0) return r.error("duration_s", "must be > 0");
    plan = rate_plan::ramp(start, end, to_ns(duration));
  } else {
    return r.error("shape", "must be constant, step or ramp, got '" + shape + "'");
  }
  if (!plan.ok()) return plan.get_status().with_context(source + ": [schedule]");
  WINNOW_RETURN_IF_ERROR(r.no_unknown_keys());
  out->plan = std::move(plan).value();
  return {};
}

status parse_class(const toml::table& t, size_t index, const std::string& source,
                   const std::string& base_dir, class_spec* c) {
  table_reader r(t, source, "class[" + std::to_string(index) + "].");
  WINNOW_RETURN_IF_ERROR(r.string("name", &c->name, true));
  if (c->name.empty()) return r.error("name", "must not be empty");
  WINNOW_RETURN_IF_ERROR(r.number("weight", &c->weight, true));
  if (c->weight < 0) return r.error("weight", "must be >= 0");
  std::string kind;
  WINNOW_RETURN_IF_ERROR(r.string("kind", &kind, true));
  if (kind == "search") c->kind = request_kind::search;
  else if (kind == "ingest") c->kind = request_kind::ingest;
  else return r.error("kind", "must be search or ingest, got '" + kind + "'");
  WINNOW_RETURN_IF_ERROR(r.string("path", &c->path));
  if (c->path.empty()) c->path = c->kind == request_kind::search ? "/v1/search" : "/v1/documents";
  if (c->path.front() != '/') return r.error("path", "must start with '/'");
  if (c->kind == request_kind::search) {
    WINNOW_RETURN_IF_ERROR(r.string("queries", &c->queries_file, true));
    int64_t k = c->k;
    WINNOW_RETURN_IF_ERROR(r.integer("k", &k, 1, 1000));
    c->k = static_cast<int>(k);
    WINNOW_RETURN_IF_ERROR(r.string("mode", &c->mode));
    if (c->mode != "bm25" && c->mode != "dense" && c->mode != "hybrid")
      return r.error("mode", "must be bm25, dense or hybrid, got '" + c->mode + "'");
    WINNOW_RETURN_IF_ERROR(r.string("priority", &c->priority));
    if (c->priority.empty()) c->priority = c->name;
    c->queries_file = resolve(base_dir, c->queries_file);
  } else {
    WINNOW_RETURN_IF_ERROR(r.string("corpus", &c->corpus_file, true));
    int64_t batch = c->batch;
    WINNOW_RETURN_IF_ERROR(r.integer("batch", &batch, 1, 10000));
    c->batch = static_cast<int>(batch);
    WINNOW_RETURN_IF_ERROR(r.integer("max_docs", &c->max_docs, 1, 100'000'000));
    WINNOW_RETURN_IF_ERROR(r.string("priority", &c->priority));
    if (c->priority.empty()) c->priority = c->name;
    c->corpus_file = resolve(base_dir, c->corpus_file);
  }
  return r.no_unknown_keys();
}

}  // namespace

status_or<load_profile> parse_load_profile(const std::string& text, const std::string& source,
                                           const std::string& base_dir) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return status::invalid_argument(msg.str());
  }
  load_profile p;
  p.source = source;
  table_reader r(root, source, "");
  int64_t seed = 1, max_requests = static_cast<int64_t>(p.max_requests);
  WINNOW_RETURN_IF_ERROR(r.integer("seed", &seed, 0, INT64_MAX));
  p.seed = static_cast<uint64_t>(seed);
  WINNOW_RETURN_IF_ERROR(r.integer("max_requests", &max_requests, 1, INT64_MAX));
  p.max_requests = static_cast<uint64_t>(max_requests);
  WINNOW_RETURN_IF_ERROR(r.integer("timeout_ms", &p.timeout_ms, 1, 600'000));

  r.allow("schedule");
  if (root.contains("schedule") && !root["schedule"].is_table())
    return r.error("schedule", "expected a table");
  WINNOW_RETURN_IF_ERROR(parse_schedule(root["schedule"].as_table(), source, &p));

  r.allow("connections");
  if (const toml::node* n = root.get("connections")) {
    if (!n->is_table()) return r.error("connections", "expected a table");
    table_reader c(*n->as_table(), source, "connections.");
    int64_t initial = p.initial_connections, max = p.max_connections;
    WINNOW_RETURN_IF_ERROR(c.integer("initial", &initial, 0, 60000));
    WINNOW_RETURN_IF_ERROR(c.integer("max", &max, 1, 60000));
    if (initial > max) return c.error("initial", "must be <= connections.max");
    WINNOW_RETURN_IF_ERROR(c.no_unknown_keys());
    p.initial_connections = static_cast<int>(initial);
    p.max_connections = static_cast<int>(max);
  }

  r.allow("headers");
  if (const toml::node* n = root.get("headers")) {
    if (!n->is_table()) return r.error("headers", "expected a table");
    for (const auto& [k, v] : *n->as_table()) {
      if (!v.is_string()) return r.error("headers." + std::string(k.str()), "expected a string");
      const std::string name(k.str()), value = v.as_string()->get();
      if (name.empty() || name.find_first_of(":\r\n ") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos)
        return r.error("headers." + name, "not a valid HTTP header");
      p.headers.emplace_back(name, value);
    }
  }

  r.allow("class");
  const toml::node* classes = root.get("class");
  if (!classes) return r.error("class", "missing: at least one [[class]] is required");
  if (!classes->is_array_of_tables()) return r.error("class", "expected an array of tables ([[class]])");
  std::set<std::string> names;
  double weight_sum = 0;
  size_t i = 0;
  for (const auto& node : *classes->as_array()) {
    class_spec c;
    WINNOW_RETURN_IF_ERROR(parse_class(*node.as_table(), i, source, base_dir, &c));
    if (!names.insert(c.name).second)
      return r.error("class[" + std::to_string(i) + "].name", "duplicate class name '" + c.name + "'");
    weight_sum += c.weight;
    p.classes.push_back(std::move(c));
    ++i;
  }
  if (weight_sum <= 0) return r.error("class", "the weights must not all be 0");
  WINNOW_RETURN_IF_ERROR(r.no_unknown_keys());
  return p;
}

status_or<load_profile> load_profile_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return status::not_found("cannot open profile '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return parse_load_profile(text.str(), path, dir);
}

load_profile default_search_profile(const std::string& queries_file) {
  load_profile p;
  class_spec c;
  c.name = "interactive";
  c.kind = request_kind::search;
  c.path = "/v1/search";
  c.queries_file = queries_file;
  c.priority = "interactive";
  p.classes.push_back(c);
  p.plan = rate_plan::constant(100, 10'000'000'000).value();
  return p;
}

}  // namespace winnow::loadtest
