#include "index/segment/live_docs.hpp"

namespace winnow::index {

std::string live_docs::serialize() const {
  std::string out(bits_.size() * 8, '\0');
  for (size_t i = 0; i < bits_.size(); ++i) {
    for (int j = 0; j < 8; ++j) out[i * 8 + j] = static_cast<char>((bits_[i] >> (8 * j)) & 0xFF);
  }
  return out;
}

status_or<live_docs> live_docs::parse(std::string_view bytes, uint32_t doc_count, std::string_view name) {
  live_docs d(doc_count);
  if (bytes.size() != d.bits_.size() * 8) {
    return status::corruption("deletes '" + std::string(name) + "': " + std::to_string(bytes.size()) +
                              " bytes for " + std::to_string(doc_count) + " documents");
  }
  for (size_t i = 0; i < d.bits_.size(); ++i) {
    uint64_t w = 0;
    for (int j = 0; j < 8; ++j) w |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i * 8 + j])) << (8 * j);
    d.bits_[i] = w;
  }
  // Bits past doc_count must be clear.
  if (doc_count % 64 != 0 && !d.bits_.empty() && (d.bits_.back() >> (doc_count % 64)) != 0) {
    return status::corruption("deletes '" + std::string(name) + "': bits set past the last document");
  }
  for (uint64_t w : d.bits_) d.deleted_ += static_cast<uint32_t>(__builtin_popcountll(w));
  return d;
}

}  // namespace winnow::index
