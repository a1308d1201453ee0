#pragma once
// Forward declarations for the load-test harness (winnow::loadtest).

namespace winnow::loadtest {

class arrival_schedule;
class capacity_search;
class hdr_histogram;
class rate_plan;
struct class_payload;
struct class_result;
struct class_spec;
struct find_max_options;
struct find_max_result;
struct ip_address;
struct load_profile;
struct loadtest_args;
struct outcome_counts;
struct run_options;
struct run_result;
struct slo;
struct target_url;

}  // namespace winnow::loadtest
