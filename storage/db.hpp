#pragma once
// winnow::storage::db — the durable store of one node: documents, passage
// vectors, index segments and metadata in one RocksDB directory, one column
// family each (architecture.md §4):
//   docs      id → {title, text, metadata_json}      (cereal portable binary; LZ4, block cache)
//   vectors   id → float vector                       (cereal portable binary)
//   segments  blob name + "#" + chunk → bytes        (index segments; uncompressed, blob files)
//   meta      key → bytes                            (format version, index manifests, ...)
//   doc_state marker prefix + id → ""                (see doc_state.hpp [DOC_STATE])
//
// Durability: every write method returns only after its WriteBatch is in the
// WAL with sync=true; a document is acknowledged from then on. Each call is
// one atomic batch: after a crash either all of it is there or none of it.
//
// Thread-safety: all methods may be called concurrently (RocksDB's guarantee);
// callers order conflicting writes to the same id themselves.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"
#include "common/status_or.hpp"
#include "storage/db_options.hpp"
#include "storage/doc_state.hpp"
#include "storage/document.hpp"
#include "storage/index_commit.hpp"
#include "storage/index_manifest.hpp"

namespace winnow::storage {

class db {
 public:
  db(const db&) = delete;
  db& operator=(const db&) = delete;
  ~db();

  // Opens (or creates, when options.create_if_missing) the data directory
  // `dir`. A directory written with another format version is refused with a
  // failed_precondition that names the directory and both versions.
  static status_or<std::unique_ptr<db>> open(const std::string& dir, const db_options& options);

  const std::string& path() const;
  uint32_t format_version() const;

  // ---- documents -------------------------------------------------------
  // Inserts or replaces the documents in one atomic, synced batch and marks
  // each `accepted` (clearing its indexed/encoded/deleted markers: a new
  // version must be indexed and encoded again). An empty id, or an id longer
  // than 1024 bytes, fails the whole call with invalid_argument naming the
  // position; nothing is written then. An empty vector is a no-op.
  status put_documents(const std::vector<document>& docs);

  // not_found (naming the id) when absent.
  status_or<document> get_document(std::string_view id) const;

  // Deletes the documents and their vectors, and marks each `deleted` until
  // the index persists the removal (index_commit::absorbed_deletes). Deleting
  // an absent id is not an error (its deleted marker is still set so that
  // the index drops any copy it holds).
  status delete_documents(const std::vector<std::string>& ids);

  // Calls `fn` for every document in ascending id order until it returns
  // false. A record that does not decode stops the scan with corruption.
  status for_each_document(const std::function<bool(const document&)>& fn) const;

  // Number of stored documents (exact; scans the keys).
  status_or<uint64_t> count_documents() const;

  // ---- hot/cold tiers (architecture.md §4) ------------------------------
  // New and updated documents go to the hot tier (LZ4, block cache). Moving
  // documents to the cold tier (ZSTD, no cache, db_options::cold_dir) saves
  // space and cache; reads find a document in either tier, so results do not
  // depend on the tier. Each move is one atomic, synced batch; ids absent
  // from the source tier are skipped. Returns the number moved.
  status_or<uint64_t> move_to_cold(const std::vector<std::string>& ids);
  status_or<uint64_t> move_to_hot(const std::vector<std::string>& ids);
  enum class tier { hot, cold };
  // not_found when the document is in neither tier.
  status_or<tier> get_document_tier(std::string_view id) const;

  // ---- document state [DOC_STATE] --------------------------------------
  // Calls `fn(id)` for each document currently in state `s`, in ascending id
  // order, until it returns false.
  status for_each_document_in_state(doc_state s,
                                    const std::function<bool(std::string_view id)>& fn) const;
  status_or<doc_state> get_document_state(std::string_view id) const;

  // ---- vectors ---------------------------------------------------------
  // Stores the vectors and marks each document `encoded`, in one batch.
  status put_vectors(const std::vector<std::pair<std::string, std::vector<float>>>& vectors);
  // not_found when absent.
  status_or<std::vector<float>> get_vector(std::string_view id) const;
  // One entry per id, in order; an absent vector is std::nullopt.
  status_or<std::vector<std::optional<std::vector<float>>>> get_vectors(
      const std::vector<std::string>& ids) const;
  // Calls `fn` for every stored vector in ascending id order until it returns false.
  status for_each_vector(
      const std::function<bool(std::string_view id, const std::vector<float>&)>& fn) const;

  // ---- index persistence -----------------------------------------------
  // Applies `c` in one atomic, synced batch (see index_commit.hpp).
  status commit_index(const index_commit& c);
  // The manifest at `key`, or std::nullopt when none was ever committed.
  status_or<std::optional<index_manifest>> load_manifest(std::string_view key) const;
  // The bytes of blob `name` (reassembled from its chunks); not_found when absent.
  status_or<std::string> get_blob(std::string_view name) const;

  // ---- meta --------------------------------------------------------------
  // Raw metadata for other modules. Keys starting with "winnow." are reserved
  // for storage itself and are refused.
  status put_meta(std::string_view key, std::string_view value);
  // std::nullopt when absent.
  status_or<std::optional<std::string>> get_meta(std::string_view key) const;

  struct impl;

 private:
  explicit db(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

}  // namespace winnow::storage
