#include "bench/loadtest/run_report.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace winnow::loadtest {
namespace {

double ms(int64_t us) { return static_cast<double>(us) / 1000.0; }

nlohmann::json latency_json(const hdr_histogram& h) {
  return {{"count", h.count()},
          {"p50", ms(h.value_at_percentile(50))},
          {"p90", ms(h.value_at_percentile(90))},
          {"p99", ms(h.value_at_percentile(99))},
          {"p99.9", ms(h.value_at_percentile(99.9))},
          {"max", ms(h.max())},
          {"mean", h.mean() / 1000.0}};
}

std::string file_safe(const std::string& name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out.empty() ? "class" : out;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string gp_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

bool client_bound(const run_result& r) {
  int64_t saturated = 0;
  for (const class_result& c : r.classes) saturated += c.counts.client_saturated;
  return saturated > 0 || r.send_lag_us.value_at_percentile(99) > client_lag_limit_us;
}

std::string summary_json(const run_result& r, const run_context& ctx, const std::string& chart_path) {
  const double wall_s = static_cast<double>(r.wall_ns) / 1e9;
  const double sched_s = static_cast<double>(r.schedule_ns) / 1e9;
  int64_t saturated = 0;
  nlohmann::json classes = nlohmann::json::array();
  for (const class_result& c : r.classes) {
    const outcome_counts& k = c.counts;
    saturated += k.client_saturated;
    classes.push_back({
        {"name", c.name},
        {"scheduled", k.scheduled},
        {"completed", k.completed()},
        {"ok", k[outcome::ok]},
        {"offered_rps", sched_s > 0 ? static_cast<double>(k.scheduled) / sched_s : 0.0},
        {"throughput_rps", wall_s > 0 ? static_cast<double>(k[outcome::ok]) / wall_s : 0.0},
        {"latency_ms", latency_json(c.latency_us)},
        {"latency_beyond_range", c.latency_us.saturated_count()},
        {"errors",
         {{"total", k.errors()},
          {"connect", k[outcome::error_connect]},
          {"timeout", k[outcome::error_timeout]},
          {"http_4xx", k[outcome::error_4xx]},
          {"http_5xx", k[outcome::error_5xx]},
          {"io", k[outcome::error_io]},
          {"io_by_cause", c.io_errors_by_cause}}},
        {"rejections", {{"total", k.rejections()}, {"http_429", k[outcome::rejected_429]}, {"http_503", k[outcome::rejected_503]}}},
        {"rejection_latency_ms", latency_json(c.rejection_latency_us)},
        {"client_saturated", k.client_saturated},
        {"retried", k.retried},
    });
  }
  nlohmann::json j = {
      {"url", ctx.url},
      {"profile", ctx.profile},
      {"schedule", ctx.schedule},
      {"seed", ctx.seed},
      {"schedule_s", sched_s},
      {"wall_s", wall_s},
      {"latency_from", "scheduled_send_time"},
      {"connections", {{"opened", r.connections_opened}, {"peak", r.peak_connections}, {"max", r.max_connections}}},
      {"client_saturated", saturated},
      {"client_bound", client_bound(r)},
      {"send_lag_ms", latency_json(r.send_lag_us)},
      {"classes", classes},
  };
  if (!chart_path.empty()) j["chart"] = chart_path;
  if (r.interrupted) j["interrupted"] = true;
  if (!r.server_rss_kb.empty()) {
    const auto [lo, hi] = std::minmax_element(r.server_rss_kb.begin(), r.server_rss_kb.end());
    j["server_memory_mb"] = {{"start", r.server_rss_kb.front() / 1024.0},
                             {"end", r.server_rss_kb.back() / 1024.0},
                             {"min", *lo / 1024.0},
                             {"max_sampled", *hi / 1024.0},
                             {"peak_rss_hwm", r.server_peak_rss_kb / 1024.0},
                             {"samples", r.server_rss_kb.size()}};
  }
  if (ctx.acked_documents >= 0) {
    nlohmann::json a = {{"acknowledged", ctx.acked_documents}};
    if (ctx.verified) {
      a["checked"] = ctx.verified->checked;
      a["present"] = ctx.verified->present;
      a["missing"] = ctx.verified->missing;
      a["other"] = ctx.verified->other;
      a["missing_ids"] = ctx.verified->missing_ids;
      if (!ctx.verified->first_other.empty()) a["first_other"] = ctx.verified->first_other;
    }
    j["acked_writes"] = a;
  }
  return j.dump();
}

std::string terminal_table(const run_result& r) {
  std::ostringstream o;
  char line[512];
  std::snprintf(line, sizeof line, "%-12s %8s %8s %8s %9s %9s %9s %9s %9s %7s %7s %7s %7s %7s\n", "class",
                "sched", "ok", "ok/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "429", "503",
                "errors", "timeout", "sat");
  o << line;
  const double wall_s = static_cast<double>(r.wall_ns) / 1e9;
  int64_t saturated = 0;
  for (const class_result& c : r.classes) {
    const outcome_counts& k = c.counts;
    saturated += k.client_saturated;
    const hdr_histogram& h = c.latency_us;
    std::snprintf(line, sizeof line,
                  "%-12.12s %8lld %8lld %8.1f %9.2f %9.2f %9.2f %9.2f %9.2f %7lld %7lld %7lld %7lld %7lld\n",
                  c.name.c_str(), static_cast<long long>(k.scheduled), static_cast<long long>(k[outcome::ok]),
                  wall_s > 0 ? static_cast<double>(k[outcome::ok]) / wall_s : 0.0, ms(h.value_at_percentile(50)),
                  ms(h.value_at_percentile(90)), ms(h.value_at_percentile(99)), ms(h.value_at_percentile(99.9)),
                  ms(h.max()), static_cast<long long>(k[outcome::rejected_429]),
                  static_cast<long long>(k[outcome::rejected_503]), static_cast<long long>(k.errors()),
                  static_cast<long long>(k[outcome::error_timeout]), static_cast<long long>(k.client_saturated));
    o << line;
  }
  o << "latency is measured from each request's scheduled send time; connections opened "
    << r.connections_opened << ", peak " << r.peak_connections << " of " << r.max_connections << "\n";
  for (const class_result& c : r.classes)
    for (const auto& [cause, n] : c.io_errors_by_cause)
      o << c.name << ": " << n << " broken connection(s), " << cause << "\n";
  if (saturated > 0) {
    o << "WARNING: " << saturated
      << " arrivals found every connection busy (client saturated): raise connections.max; "
         "latencies include that client-side wait\n";
  }
  const int64_t lag_p99 = r.send_lag_us.value_at_percentile(99);
  if (lag_p99 > client_lag_limit_us) {
    o << "WARNING: the client sent late (p99 send lag " << ms(lag_p99)
      << " ms): it is short of CPU, so the latencies above include client delay\n";
  }
  return o.str();
}

status write_chart(const run_result& r, const std::string& out_dir, const std::string& title,
                   std::string* png_path) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return status::io_error("cannot create output directory '" + out_dir + "': " + ec.message());
  std::vector<std::pair<std::string, std::string>> series;  // class name, tsv path
  for (const class_result& c : r.classes) {
    const std::string path = out_dir + "/timeseries_" + file_safe(c.name) + ".tsv";
    std::ofstream out(path);
    if (!out) return status::io_error("cannot write '" + path + "'");
    out << "# second\tok_per_s\trejected_per_s\terrors_per_s\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\n";
    for (size_t i = 0; i < c.windows.size(); ++i) {
      const window_stats& w = c.windows[i];
      const hdr_histogram& h = w.latency_us;
      out << i + 1 << '\t' << w.counts[outcome::ok] << '\t' << w.counts.rejections() << '\t' << w.counts.errors();
      if (h.count() > 0) {
        out << '\t' << ms(h.value_at_percentile(50)) << '\t' << ms(h.value_at_percentile(90)) << '\t'
            << ms(h.value_at_percentile(99)) << '\t' << ms(h.value_at_percentile(99.9)) << '\t' << ms(h.max());
      } else {
        out << "\tNaN\tNaN\tNaN\tNaN\tNaN";  // gnuplot leaves a gap
      }
      out << '\n';
    }
    series.emplace_back(c.name, path);
  }
  if (!r.server_rss_kb.empty()) {
    std::ofstream mem(out_dir + "/server_rss.tsv");
    mem << "# second\trss_mb\n";
    for (size_t i = 0; i < r.server_rss_kb.size(); ++i) mem << i << '\t' << r.server_rss_kb[i] / 1024.0 << '\n';
  }

  const bool cairo = std::system("gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1") == 0;
  const std::string png = out_dir + "/chart.png";
  const std::string script_path = out_dir + "/chart.gp";
  {
    std::ofstream gp(script_path);
    if (!gp) return status::io_error("cannot write '" + script_path + "'");
    gp << "set terminal " << (cairo ? "pngcairo" : "png") << " size 1280,900\n"
       << "set output " << gp_quote(png) << "\n"
       << "set datafile missing 'NaN'\n"
       << "set multiplot layout 2,1 title " << gp_quote(title) << "\n"
       << "set grid\nset key outside right top\nset xlabel 'time (s)'\n"
       << "set ylabel 'latency from scheduled send (ms)'\nset logscale y\n"
       << "plot ";
    for (size_t i = 0; i < series.size(); ++i) {
      const auto& [name, path] = series[i];
      if (i) gp << ", \\\n     ";
      gp << gp_quote(path) << " using 1:5 with lines lw 2 dt 1 lc " << i + 1 << " title " << gp_quote(name + " p50")
         << ", " << gp_quote(path) << " using 1:7 with lines lw 2 dt 2 lc " << i + 1 << " title "
         << gp_quote(name + " p99") << ", " << gp_quote(path) << " using 1:8 with lines lw 1 dt 3 lc " << i + 1
         << " title " << gp_quote(name + " p99.9");
    }
    gp << "\nunset logscale y\nset ylabel 'responses per second'\nplot ";
    for (size_t i = 0; i < series.size(); ++i) {
      const auto& [name, path] = series[i];
      if (i) gp << ", \\\n     ";
      gp << gp_quote(path) << " using 1:2 with lines lw 2 lc " << i + 1 << " title " << gp_quote(name + " ok/s")
         << ", " << gp_quote(path) << " using 1:3 with lines lw 1 dt 2 lc " << i + 1 << " title "
         << gp_quote(name + " rejected/s") << ", " << gp_quote(path) << " using 1:4 with points pt 2 lc " << i + 1
         << " title " << gp_quote(name + " errors/s");
    }
    gp << "\nunset multiplot\n";
  }
  const std::string cmd = "gnuplot " + shell_quote(script_path) + " 2>" + shell_quote(out_dir + "/gnuplot.log");
  if (std::system(cmd.c_str()) != 0 || !std::filesystem::exists(png)) {
    return status::unavailable("gnuplot failed or is not installed (see " + out_dir +
                               "/gnuplot.log); the data is in " + out_dir + "/timeseries_*.tsv");
  }
  *png_path = png;
  return {};
}

}  // namespace winnow::loadtest
