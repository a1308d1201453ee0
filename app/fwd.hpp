#pragma once

namespace winnow::app {
struct beir_document;
struct beir_query;
class beir_corpus_reader;
class catalogue_generator;
struct eval_result;
class query_ranker;
enum class ranking_mode;
}  // namespace winnow::app
