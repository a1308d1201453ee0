#pragma once
// Internal: cereal (portable binary) encodings of storage records. Decoding
// never throws; bytes that do not decode are a corruption status naming the key.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "storage/document.hpp"
#include "storage/index_manifest.hpp"

namespace winnow::storage {

std::string encode_document_record(const document& d);  // id is the key, not stored
status decode_document_record(std::string_view id, std::string_view bytes, document* out);

std::string encode_vector_record(const std::vector<float>& v);
status decode_vector_record(std::string_view id, std::string_view bytes, std::vector<float>* out);

std::string encode_manifest_record(const index_manifest& m);
status decode_manifest_record(std::string_view key, std::string_view bytes, index_manifest* out);

std::string encode_u32_record(uint32_t v);
status decode_u32_record(std::string_view key, std::string_view bytes, uint32_t* out);

}  // namespace winnow::storage
