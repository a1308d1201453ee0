#include "storage/records.hpp"

#include <exception>
#include <sstream>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

namespace winnow::storage {

// Free serialize overloads (style.md §6.4): the domain structs stay plain.
template <class Archive>
void serialize(Archive& ar, manifest_segment& s) {
  ar(s.id, s.doc_count, s.deleted_count);
}
template <class Archive>
void serialize(Archive& ar, index_manifest& m) {
  ar(m.generation, m.next_segment_id, m.segments);
}

namespace {

template <class... T>
std::string encode(const T&... values) {
  std::ostringstream os(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(os);
    ar(values...);
  }
  return std::move(os).str();
}

template <class... T>
status decode(std::string_view what, std::string_view key, std::string_view bytes, T&... values) {
  try {
    std::istringstream is(std::string(bytes), std::ios::binary);
    cereal::PortableBinaryInputArchive ar(is);
    ar(values...);
    if (is.peek() != std::char_traits<char>::eof()) {
      return status::corruption(std::string(what) + " record '" + std::string(key) +
                                "' has trailing bytes");
    }
  } catch (const std::exception& e) {
    return status::corruption(std::string(what) + " record '" + std::string(key) +
                              "' does not decode: " + e.what());
  }
  return {};
}

}  // namespace

std::string encode_document_record(const document& d) {
  return encode(d.title, d.text, d.metadata_json);
}

status decode_document_record(std::string_view id, std::string_view bytes, document* out) {
  out->id.assign(id.data(), id.size());
  return decode("document", id, bytes, out->title, out->text, out->metadata_json);
}

std::string encode_vector_record(const std::vector<float>& v) { return encode(v); }

status decode_vector_record(std::string_view id, std::string_view bytes, std::vector<float>* out) {
  return decode("vector", id, bytes, *out);
}

std::string encode_manifest_record(const index_manifest& m) { return encode(m); }

status decode_manifest_record(std::string_view key, std::string_view bytes, index_manifest* out) {
  return decode("manifest", key, bytes, *out);
}

std::string encode_u32_record(uint32_t v) { return encode(v); }

status decode_u32_record(std::string_view key, std::string_view bytes, uint32_t* out) {
  return decode("meta", key, bytes, *out);
}

}  // namespace winnow::storage
