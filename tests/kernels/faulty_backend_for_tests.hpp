#pragma once
// A test double, named as such: the real CPU backend with faults injected on
// demand, standing in for a GPU that fails (a driver error, a lost device)
// where no GPU exists. Used by the device pool and cross-backend framework
// tests only.

#include <atomic>
#include <memory>
#include <string>

#include "kernels/backend.hpp"

namespace winnow::kernels::testing {

struct fault_plan {
  // run() calls with index >= this (0-based) fail with device_error; -1: never.
  int fail_runs_from = -1;
  // After each run(), one byte just past the op's output is overwritten.
  bool write_past_end = false;
};

class faulty_backend_for_tests final : public backend {
 public:
  // `info` is what info() reports (e.g. a compute capability to map to a tier).
  faulty_backend_for_tests(device_info info, fault_plan plan);
  faulty_backend_for_tests(const faulty_backend_for_tests&) = delete;
  faulty_backend_for_tests& operator=(const faulty_backend_for_tests&) = delete;

  const device_info& info() const override { return info_; }
  bool supports(const op& o) const override { return inner_->supports(o); }
  status_or<buffer> alloc(size_t bytes) override;
  void free(buffer b) override { inner_->free(b); }
  status upload(const buffer& dst, size_t off, const void* src, size_t bytes) override;
  status download(void* dst, const buffer& src, size_t off, size_t bytes) override;
  status run(const op& o) override;
  status sync() override;

  // Makes every later call fail (the device is "lost") or work again.
  void set_lost(bool lost) { lost_ = lost; }
  int runs() const { return runs_; }

 private:
  status lost_status() const;

  device_info info_;
  fault_plan plan_;
  std::unique_ptr<backend> inner_;
  std::atomic<bool> lost_{false};
  int runs_ = 0;
};

}  // namespace winnow::kernels::testing
