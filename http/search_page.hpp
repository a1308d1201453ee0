#pragma once
// The search page served at GET /: plain HTML/CSS/JS from http/search_page.html,
// embedded into the binary at build time (no JS build step, no files at run time).

#include <string_view>

namespace winnow::http {

std::string_view search_page_html();

}  // namespace winnow::http
