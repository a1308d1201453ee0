#include "tests/kernels/faulty_backend_for_tests.hpp"

#include <variant>

#include "kernels/cpu/cpu_backend.hpp"

namespace winnow::kernels::testing {

faulty_backend_for_tests::faulty_backend_for_tests(device_info info, fault_plan plan)
    : info_(std::move(info)), plan_(plan), inner_(make_cpu_backend(cpu_backend_options{1, true})) {}

status faulty_backend_for_tests::lost_status() const {
  return status::device_error(info_.name + ": device lost (injected by faulty_backend_for_tests)");
}

status_or<buffer> faulty_backend_for_tests::alloc(size_t bytes) {
  if (lost_) return lost_status();
  // One spare byte so write_past_end scribbles on memory we own.
  WINNOW_ASSIGN_OR_RETURN(buffer b, inner_->alloc(bytes + 1));
  b.bytes = bytes;
  return b;
}

status faulty_backend_for_tests::upload(const buffer& dst, size_t off, const void* src, size_t bytes) {
  if (lost_) return lost_status();
  return inner_->upload(dst, off, src, bytes);
}

status faulty_backend_for_tests::download(void* dst, const buffer& src, size_t off, size_t bytes) {
  if (lost_) return lost_status();
  return inner_->download(dst, src, off, bytes);
}

status faulty_backend_for_tests::run(const op& o) {
  const int index = runs_++;
  if (lost_) return lost_status();
  if (plan_.fail_runs_from >= 0 && index >= plan_.fail_runs_from) {
    lost_ = true;
    return lost_status();
  }
  WINNOW_RETURN_IF_ERROR(inner_->run(o));
  if (plan_.write_past_end) {
    const tensor out = std::visit([](const auto& x) { return x.out; }, o);
    static_cast<uint8_t*>(out.data)[out.bytes()] ^= 0xFF;
  }
  return status::ok_status();
}

status faulty_backend_for_tests::sync() {
  if (lost_) return lost_status();
  return inner_->sync();
}

}  // namespace winnow::kernels::testing
