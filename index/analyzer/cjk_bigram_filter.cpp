#include "index/analyzer/cjk_bigram_filter.hpp"

namespace winnow::index {

namespace {
size_t utf8_len(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}
}  // namespace

void cjk_bigrams(std::string_view run, std::vector<std::string>* out) {
  // Offsets of each character's first byte.
  size_t prev = 0;
  size_t cur = utf8_len(static_cast<unsigned char>(run[0]));
  if (cur >= run.size()) {
    out->emplace_back(run);
    return;
  }
  while (cur < run.size()) {
    const size_t next = cur + utf8_len(static_cast<unsigned char>(run[cur]));
    out->emplace_back(run.substr(prev, next - prev));
    prev = cur;
    cur = next;
  }
}

}  // namespace winnow::index
