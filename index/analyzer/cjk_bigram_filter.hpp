#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace winnow::index {

// Turns a run of CJK characters into overlapping character bigrams
// ("中文搜索" → "中文", "文搜", "搜索"); a one-character run stays a unigram.
// REQUIRES: `run` is valid UTF-8. Appends to *out.
void cjk_bigrams(std::string_view run, std::vector<std::string>* out);

}  // namespace winnow::index
