#pragma once
// A load profile: what to send (request classes and their mix), how fast (a
// rate_plan), and the run's bounds. Read from TOML; every error names the
// file and the key (or line:column for syntax errors).
//
//   seed = 42                 # arrivals and payload order
//   max_requests = 100000     # the run stops at this count...
//   timeout_ms = 10000        # per request, from the scheduled send time
//   [schedule]                # ...or at the end of the schedule
//   shape = "constant"        # constant: rate, duration_s
//   rate = 200                # step: start_rate, end_rate, step_rate, step_s
//   duration_s = 30           # ramp: start_rate, end_rate, duration_s
//   [connections]
//   initial = 32              # opened before the first arrival
//   max = 1024                # beyond this, arrivals wait and count as client_saturated
//   [headers]                 # sent with every request (e.g. an API key)
//   "X-API-Key" = "..."
//   [[class]]
//   name = "interactive"      # label in reports
//   weight = 80               # share of arrivals (relative)
//   kind = "search"           # search: POST {query,k,mode,class} to path (/v1/search)
//   queries = "queries.jsonl" # BEIR queries.jsonl ("text") or one query per line (.txt)
//   k = 10
//   mode = "hybrid"           # bm25 | dense | hybrid
//   priority = "interactive"  # the request's `class` field; defaults to name
//   [[class]]
//   name = "bulk"
//   weight = 20
//   kind = "ingest"           # ingest: POST a JSON array of {id,title,text} to path (/v1/documents)
//   corpus = "corpus.jsonl"   # BEIR corpus.jsonl ("_id" or "id", "title", "text")
//   batch = 8                 # documents per request
//   max_docs = 10000          # read at most this many documents (cycled; ids repeat = upserts)
//
// Relative file names are resolved against the profile file's directory.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench/loadtest/rate_plan.hpp"
#include "common/status_or.hpp"

namespace winnow::loadtest {

enum class request_kind { search, ingest };

struct class_spec {
  std::string name;
  double weight = 1;
  request_kind kind = request_kind::search;
  std::string path;              // HTTP target under the URL's base path
  // search
  std::string queries_file;
  int k = 10;
  std::string mode = "hybrid";
  std::string priority;          // the `class` field of the search body
  // ingest
  std::string corpus_file;
  int batch = 1;
  int64_t max_docs = 10000;
};

struct load_profile {
  std::string source = "<default>";  // the file it came from, for messages
  uint64_t seed = 1;
  uint64_t max_requests = 1'000'000;
  int64_t timeout_ms = 10'000;
  int initial_connections = 32;
  int max_connections = 1024;
  rate_plan plan;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<class_spec> classes;
};

// Parses TOML text; `source` names it in messages, `base_dir` resolves
// relative file names. Validates everything except that files exist.
status_or<load_profile> parse_load_profile(const std::string& text, const std::string& source,
                                           const std::string& base_dir);
status_or<load_profile> load_profile_file(const std::string& path);

// A one-class search profile (used when no --profile is given).
load_profile default_search_profile(const std::string& queries_file);

}  // namespace winnow::loadtest
