#pragma once

namespace winnow::config {
struct engine_config;
struct class_config;
struct device_config;
struct node_config;
struct cluster_config;
}  // namespace winnow::config
