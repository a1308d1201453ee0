#pragma once
// The API contract served at GET /openapi.yaml: docs/openapi.yaml, embedded into
// the binary at build time (http/CMakeLists.txt), so the installed binary serves
// the document it was built with and never reads the source tree.
#include <string_view>

namespace winnow::http {

std::string_view openapi_yaml();

}  // namespace winnow::http
