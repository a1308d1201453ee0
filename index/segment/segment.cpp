#include "index/segment/segment.hpp"

#include "index/postings/postings_codec.hpp"
#include "index/postings/vint.hpp"
#include "index/scoring/field_norm.hpp"
#include "index/segment/segment_format.hpp"

namespace winnow::index {

namespace {
uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
uint64_t le64(const uint8_t* p) { return le32(p) | static_cast<uint64_t>(le32(p + 4)) << 32; }
}  // namespace

status_or<std::shared_ptr<const segment>> segment::parse(uint64_t id, std::string_view name,
                                                         std::string bytes) {
  auto bad = [&](const std::string& why) {
    return status::corruption("segment '" + std::string(name) + "': " + why);
  };
  if (bytes.size() < segment_header_bytes + segment_padding_bytes) return bad("too short");
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  if (le32(b) != segment_magic) return bad("bad magic number");
  if (le32(b + 4) != segment_version) {
    return bad("unsupported segment version " + std::to_string(le32(b + 4)));
  }
  const uint32_t doc_count = le32(b + 8), term_count = le32(b + 12);
  const uint64_t ids_off = le64(b + 32), lengths_off = le64(b + 40), dict_off = le64(b + 48),
                 postings_off = le64(b + 56), end_off = le64(b + 64), sum = le64(b + 72);
  if (!(ids_off == segment_header_bytes && ids_off <= lengths_off && lengths_off <= dict_off &&
        dict_off <= postings_off && postings_off <= end_off &&
        end_off + segment_padding_bytes == bytes.size())) {
    return bad("section offsets out of range");
  }
  if (lengths_off + 4ull * doc_count != dict_off) return bad("length table size mismatch");
  if (segment_checksum(std::string_view(bytes).substr(segment_header_bytes,
                                                      end_off - segment_header_bytes)) != sum) {
    return bad("checksum mismatch");
  }

  std::shared_ptr<segment> s(new segment());
  s->id_ = id;
  s->bytes_ = std::move(bytes);
  b = reinterpret_cast<const uint8_t*>(s->bytes_.data());
  s->total_tokens_ = le64(b + 16);
  s->total_postings_ = le64(b + 24);

  const uint8_t* p = b + ids_off;
  const uint8_t* end = b + lengths_off;
  s->ids_.reserve(doc_count);
  s->id_map_.reserve(doc_count);
  for (uint32_t d = 0; d < doc_count; ++d) {
    uint64_t len;
    if (!get_vint(&p, end, &len) || len > static_cast<uint64_t>(end - p)) return bad("bad id table");
    std::string_view v(reinterpret_cast<const char*>(p), len);
    p += len;
    s->ids_.push_back(v);
    if (!s->id_map_.emplace(v, d).second) return bad("duplicate document id '" + std::string(v) + "'");
  }
  s->lengths_.resize(doc_count);
  s->norms_.resize(doc_count);
  for (uint32_t d = 0; d < doc_count; ++d) {
    s->lengths_[d] = le32(b + lengths_off + 4ull * d);
    s->norms_[d] = encode_field_norm(s->lengths_[d]);
  }

  p = b + dict_off;
  end = b + postings_off;
  const uint64_t postings_size = end_off - postings_off;
  s->terms_.reserve(term_count);
  s->dict_.reserve(term_count);
  uint64_t off = 0;
  for (uint32_t t = 0; t < term_count; ++t) {
    uint64_t len, df, delta;
    if (!get_vint(&p, end, &len) || len > static_cast<uint64_t>(end - p)) return bad("bad term dictionary");
    std::string_view term(reinterpret_cast<const char*>(p), len);
    p += len;
    if (!get_vint(&p, end, &df) || !get_vint(&p, end, &delta) || df == 0 || df > doc_count) {
      return bad("bad term dictionary entry");
    }
    off += delta;
    if (off >= postings_size) return bad("postings offset out of range");
    if (!s->terms_.empty() && !(s->terms_.back().first < term)) return bad("terms out of order");
    term_info ti{postings_off + off, static_cast<uint32_t>(df)};
    s->terms_.emplace_back(term, ti);
  }
  // Each term's postings must end before the next one's start.
  for (size_t t = 0; t < s->terms_.size(); ++t) {
    const term_info& ti = s->terms_[t].second;
    const uint64_t limit = t + 1 < s->terms_.size() ? s->terms_[t + 1].second.offset : end_off;
    const uint32_t blocks = block_count(ti.df);
    const uint64_t skip_end = ti.offset + static_cast<uint64_t>(blocks) * skip_entry_bytes;
    if (skip_end > limit) return bad("postings of term '" + std::string(s->terms_[t].first) + "' truncated");
    const skip_entry last = read_skip_entry(b + ti.offset, blocks - 1);
    if (skip_end + last.end > limit || last.last_doc >= doc_count) {
      return bad("postings of term '" + std::string(s->terms_[t].first) + "' out of range");
    }
    s->dict_.emplace(s->terms_[t].first, ti);
  }
  return std::shared_ptr<const segment>(std::move(s));
}

}  // namespace winnow::index
