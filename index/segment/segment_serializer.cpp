#include "index/segment/segment_serializer.hpp"

#include "common/assert.hpp"
#include "index/postings/postings_codec.hpp"
#include "index/postings/vint.hpp"
#include "index/scoring/field_norm.hpp"
#include "index/segment/segment_format.hpp"

namespace winnow::index {

namespace {
void append_u32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void append_u64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
}  // namespace

uint64_t segment_checksum(std::string_view bytes) {
  // A fast 64-bit multiply-xorshift hash over 8-byte words; it detects
  // truncation and bit rot, not tampering.
  uint64_t h = 0x9E3779B97F4A7C15ull ^ bytes.size();
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    __builtin_memcpy(&w, bytes.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  for (; i < bytes.size(); ++i) {
    h = (h ^ static_cast<uint8_t>(bytes[i])) * 0x94D049BB133111EBull;
    h ^= h >> 29;
  }
  return h;
}

void segment_serializer::add_doc(std::string_view id, uint32_t length) {
  WINNOW_ASSERT(term_count_ == 0, "add_doc after add_term");
  put_vint(&ids_, id.size());
  ids_.append(id);
  append_u32(&lengths_, length);
  norms_.push_back(encode_field_norm(length));
  total_tokens_ += length;
}

void segment_serializer::add_term(std::string_view term, const uint32_t* docs, const uint32_t* tfs,
                                  uint32_t n) {
  WINNOW_ASSERT(n > 0, "a term without postings");
  WINNOW_ASSERT(term_count_ == 0 || term > last_term_, "terms out of order");
  last_term_.assign(term);
  put_vint(&dict_, term.size());
  dict_.append(term);
  put_vint(&dict_, n);
  put_vint(&dict_, postings_.size() - last_postings_offset_);
  last_postings_offset_ = postings_.size();
  encode_postings(docs, tfs, n, norms_.data(), &postings_);
  total_postings_ += n;
  ++term_count_;
}

std::string segment_serializer::finish() {
  std::string out;
  const uint64_t ids_off = segment_header_bytes;
  const uint64_t lengths_off = ids_off + ids_.size();
  const uint64_t dict_off = lengths_off + lengths_.size();
  const uint64_t postings_off = dict_off + dict_.size();
  const uint64_t end_off = postings_off + postings_.size();
  out.reserve(end_off + segment_padding_bytes);
  append_u32(&out, segment_magic);
  append_u32(&out, segment_version);
  append_u32(&out, doc_count());
  append_u32(&out, term_count_);
  append_u64(&out, total_tokens_);
  append_u64(&out, total_postings_);
  append_u64(&out, ids_off);
  append_u64(&out, lengths_off);
  append_u64(&out, dict_off);
  append_u64(&out, postings_off);
  append_u64(&out, end_off);
  append_u64(&out, 0);  // checksum, filled below
  out += ids_;
  out += lengths_;
  out += dict_;
  out += postings_;
  const uint64_t sum = segment_checksum(std::string_view(out).substr(segment_header_bytes));
  for (int i = 0; i < 8; ++i) out[72 + i] = static_cast<char>((sum >> (8 * i)) & 0xFF);
  out.append(segment_padding_bytes, '\0');
  return out;
}

}  // namespace winnow::index
