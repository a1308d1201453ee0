#include "actors/cluster/cluster_messages.hpp"

namespace winnow::actors::cluster {

void register_cluster_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<node_info>("winnow.node_info");
}

}  // namespace winnow::actors::cluster
