#include "actors/policy/document_check.hpp"

#include "index/analyzer/utf8_validator.hpp"

namespace winnow::actors::policy {

status check_document(const storage::document& d) {
  if (d.id.empty()) return status::invalid_argument("document with an empty id");
  if (d.id.size() > max_id_bytes) {
    return status::invalid_argument("document id of " + std::to_string(d.id.size()) +
                                    " bytes; the limit is " + std::to_string(max_id_bytes));
  }
  const size_t bad = index::find_invalid_utf8(d.id);
  if (bad != std::string_view::npos) {
    return status::invalid_argument("document id is not valid UTF-8 (byte offset " +
                                    std::to_string(bad) + ")");
  }
  WINNOW_RETURN_IF_ERROR(index::validate_utf8(d.title, d.id, "title"));
  WINNOW_RETURN_IF_ERROR(index::validate_utf8(d.text, d.id, "text"));
  return status::ok_status();
}

}  // namespace winnow::actors::policy
