#pragma once
// How far an ingest is, and its one-line terminal form (`winnow ingest` on a
// terminal).

#include <cstdint>
#include <string>

namespace winnow::app {

struct ingest_progress {
  uint64_t docs_done = 0;
  uint64_t docs_total = 0;   // known after the check pass
  double elapsed_s = 0;      // since the write pass began
};

// "12,000 / 100,000 docs  5,432 docs/s  ETA 16s".
std::string format_progress(const ingest_progress& p);

}  // namespace winnow::app
