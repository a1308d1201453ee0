#include "bench/loadtest/loadtest_command.hpp"

#include <filesystem>
#include <fstream>

#include "bench/loadtest/find_max.hpp"
#include "bench/loadtest/load_profile.hpp"
#include "bench/loadtest/request_bodies.hpp"
#include "bench/loadtest/run_report.hpp"
#include "bench/loadtest/target_url.hpp"

namespace winnow::loadtest {
namespace {

constexpr int64_t s_ns = 1'000'000'000;

status apply_overrides(const loadtest_args& a, load_profile* p) {
  for (auto& c : p->classes) {
    if (!a.queries.empty() && c.kind == request_kind::search) c.queries_file = a.queries;
    if (!a.corpus.empty() && c.kind == request_kind::ingest) c.corpus_file = a.corpus;
  }
  if (a.rate < 0 || a.duration_s < 0) return status::invalid_argument("--rate and --duration must be > 0");
  const int64_t duration_ns = a.duration_s > 0 ? static_cast<int64_t>(a.duration_s * 1e9) : 0;
  if (a.rate > 0) {
    WINNOW_ASSIGN_OR_RETURN(p->plan, rate_plan::constant(a.rate, duration_ns > 0 ? duration_ns : p->plan.duration_ns()));
  } else if (duration_ns > 0) {
    const auto& segs = p->plan.segments();
    if (segs.size() == 1 && segs[0].start_rate_per_s == segs[0].end_rate_per_s) {
      WINNOW_ASSIGN_OR_RETURN(p->plan, rate_plan::constant(segs[0].start_rate_per_s, duration_ns));
    } else {
      p->plan = p->plan.truncated(duration_ns);
    }
  }
  if (a.requests < 0) return status::invalid_argument("--requests must be > 0");
  if (a.requests > 0) p->max_requests = static_cast<uint64_t>(a.requests);
  if (a.seed >= 0) p->seed = static_cast<uint64_t>(a.seed);
  if (a.max_connections > 0) {
    p->max_connections = a.max_connections;
    p->initial_connections = std::min(p->initial_connections, a.max_connections);
  }
  if (a.timeout_ms > 0) p->timeout_ms = a.timeout_ms;
  for (const std::string& h : a.headers) {
    const size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0 || h.find_first_of("\r\n") != std::string::npos)
      return status::invalid_argument("--header '" + h + "': expected 'Name: value'");
    std::string value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    p->headers.emplace_back(h.substr(0, colon), value);
  }
  return {};
}

status_or<run_options> build_options(const loadtest_args& a, target_url target, load_profile* profile_out) {
  load_profile p;
  if (!a.profile.empty()) {
    WINNOW_ASSIGN_OR_RETURN(p, load_profile_file(a.profile));
  } else {
    if (a.queries.empty()) return status::invalid_argument("give --profile FILE or --queries FILE");
    p = default_search_profile(a.queries);
  }
  WINNOW_RETURN_IF_ERROR(apply_overrides(a, &p));
  run_options o;
  o.target = std::move(target);
  o.plan = p.plan;
  o.max_requests = p.max_requests;
  o.seed = p.seed;
  o.timeout_ms = p.timeout_ms;
  o.initial_connections = p.initial_connections;
  o.max_connections = p.max_connections;
  o.headers = p.headers;
  for (const class_spec& c : p.classes) {
    if (c.weight <= 0) continue;
    class_payload cp;
    cp.name = c.name;
    cp.weight = c.weight;
    cp.path = c.path;
    WINNOW_ASSIGN_OR_RETURN(class_bodies b, build_bodies(c));
    cp.bodies = std::move(b.bodies);
    cp.body_doc_ids = std::move(b.doc_ids);
    o.classes.push_back(std::move(cp));
  }
  *profile_out = std::move(p);
  return o;
}

status write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  if (!f) return status::io_error("cannot write '" + path + "'");
  f << text << "\n";
  return {};
}

}  // namespace

int run_loadtest_command(const loadtest_args& a, std::ostream& out, std::ostream& err) {
  const auto fail = [&](const status& s, int code) {
    err << "winnow loadtest: " << s.to_string() << "\n";
    return code;
  };
  // The loopback check comes before reading any file or opening any socket.
  auto target = parse_target_url(a.url);
  if (!target.ok()) return fail(target.get_status(), 2);

  load_profile profile;
  auto options = build_options(a, *target, &profile);
  if (!options.ok()) return fail(options.get_status(), 2);
  if (!a.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.out_dir, ec);
    if (ec) return fail(status::io_error("cannot create --out '" + a.out_dir + "': " + ec.message()), 2);
  }

  if (a.find_max) {
    find_max_options fo;
    for (const std::string& text : a.slos) {
      auto s = parse_slo(text);
      if (!s.ok()) return fail(s.get_status(), 2);
      fo.slos.push_back(*s);
    }
    fo.start_rate = a.rate > 0 ? a.rate : 50;
    fo.max_rate = a.max_rate;
    fo.resolution = a.resolution;
    fo.max_trials = a.max_trials;
    if (a.warmup_s < 0) return fail(status::invalid_argument("--warmup: must be >= 0 seconds"), 2);
    fo.warmup_ns = static_cast<int64_t>(a.warmup_s * 1e9);
    fo.trial_duration_ns = a.duration_s > 0 ? static_cast<int64_t>(a.duration_s * 1e9) : 10 * s_ns;
    if (fo.warmup_ns > 0)
      err << "warm-up: " << a.warmup_s << " s at " << fo.start_rate << " req/s (not judged)\n";
    auto r = find_max(*options, fo, [&](const find_max_trial& t) {
      err << "trial " << t.total_rate << " req/s:";
      for (size_t i = 0; i < t.classes.size(); ++i) {
        err << "  " << t.classes[i].name << ": " << (t.verdicts[i].held ? "held" : "FAILED (" + t.verdicts[i].why + ")") << " [slo latency "
            << t.verdicts[i].latency_us / 1000.0 << " ms, ok " << t.classes[i].counts[outcome::ok] << ", rejected "
            << t.classes[i].counts.rejections() << ", errors " << t.classes[i].counts.errors() << "]";
      }
      err << "  [client send lag p99 " << t.send_lag_p99_us / 1000.0 << " ms]\n";
    });
    if (!r.ok()) return fail(r.get_status(), 1);
    const std::string json = find_max_json(*r, a.url);
    if (!a.out_dir.empty()) {
      status s = write_file(a.out_dir + "/find_max.json", json);
      if (!s.ok()) return fail(s, 1);
    }
    if (a.json) {
      err << find_max_table(*r);
      out << json << "\n";
    } else {
      out << find_max_table(*r);
    }
    return 0;
  }

  err << "winnow loadtest: " << options->plan.describe() << ", at most " << options->max_requests
      << " requests, " << options->classes.size() << " classes -> " << a.url << "\n";
  options->server_pid = a.server_pid;
  options->stop_on_sigint = true;
  auto r = run_load(*options);
  if (!r.ok()) return fail(r.get_status(), 1);
  std::string chart;
  if (!a.out_dir.empty() && !a.no_chart) {
    status s = write_chart(*r, a.out_dir, "winnow loadtest: " + options->plan.describe(), &chart);
    if (!s.ok()) err << "winnow loadtest: chart skipped: " << s.to_string() << "\n";
  }
  run_context ctx{a.url, options->plan.describe(), options->seed, profile.source};
  const std::vector<std::string> acked = acknowledged_ids(*options, *r);
  verify_result verified;
  bool any_ingest = false;
  for (const auto& c : options->classes) any_ingest = any_ingest || !c.body_doc_ids.empty();
  if (any_ingest) {
    ctx.acked_documents = static_cast<int64_t>(acked.size());
    if (!a.out_dir.empty()) {
      std::string text;
      for (const auto& id : acked) text += id + "\n";
      status s = write_file(a.out_dir + "/acked_ids.txt", text);
      if (!s.ok()) return fail(s, 1);
    }
    if (a.verify_acked) {
      auto v = verify_documents(options->target, acked, options->headers);
      if (!v.ok()) return fail(v.get_status().with_context("--verify-acked"), 1);
      verified = *v;
      ctx.verified = &verified;
      err << "acknowledged documents: " << acked.size() << ", read back: " << verified.present
          << ", missing: " << verified.missing << ", other: " << verified.other << "\n";
    }
  }
  const std::string json = summary_json(*r, ctx, chart);
  if (!a.out_dir.empty()) {
    status s = write_file(a.out_dir + "/summary.json", json);
    if (!s.ok()) return fail(s, 1);
  }
  if (a.json) {
    err << terminal_table(*r);
    out << json << "\n";
  } else {
    out << terminal_table(*r);
    if (!r->server_rss_kb.empty())
      out << "server memory: " << r->server_rss_kb.front() / 1024 << " MB at start, " << r->server_rss_kb.back() / 1024
          << " MB at end, peak " << r->server_peak_rss_kb / 1024 << " MB\n";
    if (r->interrupted) out << "interrupted: stopped early by Ctrl-C\n";
    if (!chart.empty()) out << "chart: " << chart << "\n";
  }
  return 0;
}

}  // namespace winnow::loadtest
