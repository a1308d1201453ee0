#pragma once
// Forward declarations of winnow::http.

namespace winnow::http {
class engine_api;
class direct_engine;
class metrics;
class server;
class api_handler;
class authenticator;
class responder;
struct server_options;
struct api_request;
struct api_response;
}  // namespace winnow::http
