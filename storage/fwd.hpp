#pragma once

namespace winnow::storage {
struct document;
struct db_options;
struct index_manifest;
struct manifest_segment;
struct index_commit;
enum class doc_state : unsigned char;
class db;
}  // namespace winnow::storage
