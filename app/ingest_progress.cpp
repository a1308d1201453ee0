#include "app/ingest_progress.hpp"

#include <cstdio>

namespace winnow::app {

namespace {

std::string with_commas(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string duration_text(double s) {
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600,
                  static_cast<int>(s) % 3600 / 60);
  }
  return buf;
}

}  // namespace

std::string format_progress(const ingest_progress& p) {
  const double rate = p.elapsed_s > 0 ? static_cast<double>(p.docs_done) / p.elapsed_s : 0;
  std::string line = with_commas(p.docs_done) + " / " + with_commas(p.docs_total) + " docs  " +
                     with_commas(static_cast<uint64_t>(rate)) + " docs/s  ETA ";
  if (rate <= 0) return line + "?";
  const uint64_t left = p.docs_total > p.docs_done ? p.docs_total - p.docs_done : 0;
  return line + duration_text(static_cast<double>(left) / rate);
}

}  // namespace winnow::app
