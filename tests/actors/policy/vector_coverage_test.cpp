#include "actors/policy/vector_coverage.hpp"

#include <gtest/gtest.h>

namespace winnow::actors::policy {
namespace {

using storage::doc_state;

TEST(vector_coverage, counts_documents_and_their_vectors) {
  vector_coverage c;
  c.reset({2, 5});  // from storage at start: 5 live, 2 with vectors
  c.stored(std::nullopt);            // a new document: no vector yet
  c.stored(doc_state::deleted);      // an id deleted earlier, written again: new
  EXPECT_EQ(c.get().total, 7u);
  EXPECT_EQ(c.get().encoded, 2u);
  c.encoded(3);
  EXPECT_EQ(c.get().encoded, 5u);
  c.stored(doc_state::searchable);   // replaced: its new text is encoded again
  c.stored(doc_state::indexed);      // replaced before it had a vector
  EXPECT_EQ(c.get().total, 7u);
  EXPECT_EQ(c.get().encoded, 4u);
  c.deleted(doc_state::searchable);
  c.deleted(doc_state::accepted);
  c.deleted(std::nullopt);           // absent: nothing changes
  c.deleted(doc_state::deleted);
  EXPECT_EQ(c.get().total, 5u);
  EXPECT_EQ(c.get().encoded, 3u);
}

TEST(vector_coverage, never_reports_more_vectors_than_documents) {
  vector_coverage c;
  c.encoded(4);  // a racing update seen before the stores it follows
  EXPECT_EQ(c.get().encoded, 0u);
  EXPECT_EQ(c.get().total, 0u);
}

}  // namespace
}  // namespace winnow::actors::policy
