#pragma once

namespace winnow::app {
struct beir_document;
struct beir_query;
class beir_corpus_reader;
class line_reader;
class catalogue_generator;
class corpus_ingester;
struct data_dir;
struct eval_result;
class query_ranker;
enum class ranking_mode;
}  // namespace winnow::app
