#pragma once

namespace winnow::index {
struct analyzer_options;
struct bm25_params;
class bm25_stats;
struct index_options;
struct merge_options;
struct hit;
struct index_stats;
struct query_statistics;
class search_index;
class analyzer;
class segment;
struct segment_reader;
class postings_iterator;
}  // namespace winnow::index
