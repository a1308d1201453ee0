#pragma once
// Length buckets for batch forming: a batch holds requests of one bucket, so
// the padding to the longest request stays small (bounds grow by at most 1.5×,
// so a batch pads at most ~33% of its tokens; short queries never ride with
// 512-token passages).

#include <array>
#include <cstdint>

namespace winnow::scheduler {

inline constexpr std::array<uint32_t, 11> bucket_upper_tokens = {16,  32,  48,  64,  96, 128,
                                                                 192, 256, 384, 512, UINT32_MAX};
inline constexpr size_t bucket_count = bucket_upper_tokens.size();

// The bucket of a request of `tokens` word pieces.
inline size_t bucket_of(uint32_t tokens) {
  size_t b = 0;
  while (tokens > bucket_upper_tokens[b]) ++b;
  return b;
}

}  // namespace winnow::scheduler
