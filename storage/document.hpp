#pragma once
// A stored document. `id` is the external id (BEIR `_id`), unique in a db;
// `metadata_json` is opaque to storage (the caller's JSON text, may be empty).

#include <string>

namespace winnow::storage {

struct document {
  std::string id;
  std::string title;
  std::string text;
  std::string metadata_json;
};

inline bool operator==(const document& a, const document& b) {
  return a.id == b.id && a.title == b.title && a.text == b.text &&
         a.metadata_json == b.metadata_json;
}

}  // namespace winnow::storage
