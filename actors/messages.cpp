#include "actors/messages.hpp"

namespace winnow::actors {

namespace {

const caf::atom_value winnow_category = caf::atom("winnow");

std::string context_text(const caf::error& e) {
  const auto& ctx = e.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) return ctx.get_as<std::string>(0);
  return caf::to_string(ctx);
}

}  // namespace

caf::error to_error(const status& s) {
  if (s.ok()) return caf::error{};
  return caf::error{static_cast<uint8_t>(s.code()), winnow_category,
                    caf::make_message(s.message())};
}

status to_status(const caf::error& e) {
  if (!e) return status::ok_status();
  if (e.category() == winnow_category) {
    return status(static_cast<status_code>(e.code()), context_text(e));
  }
  if (e.category() == caf::atom("system")) {
    auto code = static_cast<caf::sec>(e.code());
    std::string what = caf::to_string(code);
    switch (code) {
      case caf::sec::request_timeout:
        return status::deadline_exceeded("actor request timed out (" + what + ")");
      case caf::sec::request_receiver_down:
      case caf::sec::no_route_to_receiving_node:
      case caf::sec::remote_linking_failed:
      case caf::sec::disconnect_during_handshake:
        return status::unavailable("actor unreachable (" + what + ")");
      default:
        return status::internal("actor system error: " + what);
    }
  }
  if (e.category() == caf::atom("exit")) {
    return status::unavailable("actor exited: " + caf::to_string(static_cast<caf::exit_reason>(e.code())));
  }
  return status::internal("unexpected actor error (category " + caf::to_string(e.category()) +
                          ", code " + std::to_string(e.code()) + ")");
}

void register_message_types(caf::actor_system_config& cfg) {
  // Names are the wire contract: every node must register the same names.
  cfg.add_message_type<encode_request>("winnow.encode_request")
      .add_message_type<embedding_batch>("winnow.embedding_batch")
      .add_message_type<token_batch>("winnow.token_batch")
      .add_message_type<rerank_request>("winnow.rerank_request")
      .add_message_type<search_query>("winnow.search_query")
      .add_message_type<result_hit>("winnow.result_hit")
      .add_message_type<stage_timings>("winnow.stage_timings")
      .add_message_type<search_result>("winnow.search_result")
      .add_message_type<doc_ack>("winnow.doc_ack")
      .add_message_type<ingest_ack>("winnow.ingest_ack")
      .add_message_type<state_counts>("winnow.state_counts")
      .add_message_type<histogram_snapshot>("winnow.histogram_snapshot")
      .add_message_type<batch_histograms>("winnow.batch_histograms")
      .add_message_type<class_stats>("winnow.class_stats")
      .add_message_type<device_stats>("winnow.device_stats")
      .add_message_type<batcher_stats>("winnow.batcher_stats")
      .add_message_type<router_stats>("winnow.router_stats")
      .add_message_type<ingest_stats>("winnow.ingest_stats")
      .add_message_type<index::hit>("winnow.hit")
      .add_message_type<index::query_statistics>("winnow.query_statistics")
      .add_message_type<storage::document>("winnow.document");
  cfg.add_error_category(winnow_category, [](uint8_t code, caf::atom_value, const caf::message& ctx) {
    std::string msg = ctx.size() == 1 && ctx.match_element<std::string>(0)
                          ? ctx.get_as<std::string>(0)
                          : caf::to_string(ctx);
    return std::string("winnow.") + to_string(static_cast<status_code>(code)) + ": " + msg;
  });
}

}  // namespace winnow::actors
