#pragma once
// OS scheduling priority for the threads that compute on the CPU backend.
//
// Linux keeps a nice value per thread. The CPU backend computes on the thread
// that calls it plus that thread's OpenMP team (our kernels' parallel regions
// and oneDNN's sgemm both run on it); team threads are created by, and inherit
// the nice value of, the calling thread, but a team created earlier keeps its
// old value. set_compute_thread_nice() therefore sets the calling thread and
// every member of a team of `threads` threads.

#include <vector>

#include "common/status.hpp"

namespace winnow::kernels::cpu {

// Sets nice value `nice` (0..19; 0 = leave as is) on the calling thread and its
// OpenMP team of `threads` threads. Call it on the thread that runs the
// backend, before or between batches. Errors: invalid_argument for a nice
// outside 0..19; unavailable naming the errno when the OS refused (the threads
// keep their old priority). Lowering priority needs no privilege on Linux;
// other systems report unsupported.
status set_compute_thread_nice(int nice, int threads);

// The nice values of the calling thread (first) and of the other members of
// its OpenMP team of `threads` threads, as the OS reports them; for checking
// that set_compute_thread_nice() reached every thread. Empty where
// unsupported.
std::vector<int> compute_thread_nice(int threads);

}  // namespace winnow::kernels::cpu
