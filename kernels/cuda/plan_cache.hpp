#pragma once
// What a cache of library plans (cuBLASLt matmul plans) remembers, as a plain
// class with no CUDA type, so its policy is tested on any machine
// (tests/kernels/plan_cache_test.cpp).
//
// The rule: a plan is built on first use of its key. A build that succeeds is
// kept. A build that ends in `unsupported` is kept as that answer: the
// library has no algorithm for the shape, which will not change, and the
// caller goes to its own kernel at once. Any other failure (out of memory, a
// context error) is returned and NOT kept, so the next call builds again: a
// transient failure must not pin a shape to the slow path for the life of
// the process.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/status_or.hpp"

namespace winnow::kernels::cuda {

template <class Key, class Plan>
class plan_cache {
 public:
  using builder = std::function<status_or<std::unique_ptr<Plan>>()>;

  // REQUIRES: `build` returns a non-null plan when ok.
  status_or<Plan*> get(const Key& key, const builder& build) {
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      if (!it->second.plan) return status::unsupported(it->second.unsupported);
      return it->second.plan.get();
    }
    status_or<std::unique_ptr<Plan>> built = build();
    if (!built.ok()) {
      if (built.get_status().code() == status_code::unsupported)
        entries_.emplace(key, entry{nullptr, built.get_status().message()});
      return built.get_status();
    }
    Plan* p = built->get();
    entries_.emplace(key, entry{std::move(built).value(), {}});
    return p;
  }

  size_t size() const { return entries_.size(); }  // usable + unsupported
  void clear() { entries_.clear(); }

 private:
  struct entry {
    std::unique_ptr<Plan> plan;  // null: the library has no plan for the key
    std::string unsupported;
  };
  std::map<Key, entry> entries_;
};

}  // namespace winnow::kernels::cuda
