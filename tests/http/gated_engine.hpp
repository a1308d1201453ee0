#pragma once
// gated_engine — a test decorator over a real engine_api. Searches whose query
// contains `hold_word` are held until release() (to make the engine answer
// out of order, or to keep requests in flight during shutdown); fail_next()
// makes the next call answer a given status without reaching the engine (to
// check the HTTP mapping of 429/503/504). Everything else goes straight to the
// wrapped engine.

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/engine_api.hpp"

namespace winnow::http::testing {

class gated_engine final : public engine_api {
 public:
  gated_engine(engine_api& inner, std::string hold_word)
      : inner_(inner), hold_word_(std::move(hold_word)) {}

  void fail_next(status s) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_next_ = std::move(s);
  }

  size_t held() const {
    std::lock_guard<std::mutex> lock(mu_);
    return held_.size();
  }

  // Waits (up to about a second) until at least `n` searches are held, so a
  // test can act while a request it sent is known to be in flight.
  void wait_until_held(size_t n) const {
    for (int i = 0; i < 500 && held() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  // Runs the held searches against the wrapped engine, in arrival order.
  void release() {
    std::vector<std::function<void()>> run;
    {
      std::lock_guard<std::mutex> lock(mu_);
      run.swap(held_);
    }
    for (auto& f : run) f();
  }

  // From now on every successful search answer carries these vector counts,
  // as the actor engine's answers do while a corpus is being encoded.
  void report_vectors(search_response::vector_counts v) {
    std::lock_guard<std::mutex> lock(mu_);
    vectors_ = v;
  }

  void search(search_request r, completion<search_response> done) override {
    if (auto s = take_failure()) return done(std::move(*s));
    std::optional<search_response::vector_counts> vectors;
    {
      std::lock_guard<std::mutex> lock(mu_);
      vectors = vectors_;
    }
    if (vectors) {
      done = [vectors, done = std::move(done)](status_or<search_response> res) {
        if (res.ok()) res->vectors = vectors;
        done(std::move(res));
      };
    }
    if (r.query.find(hold_word_) != std::string::npos) {
      std::lock_guard<std::mutex> lock(mu_);
      held_.push_back([this, r = std::move(r), done = std::move(done)]() mutable {
        inner_.search(std::move(r), std::move(done));
      });
      return;
    }
    inner_.search(std::move(r), std::move(done));
  }
  void ingest(ingest_request r, completion<std::vector<document_result>> done) override {
    if (auto s = take_failure()) return done(std::move(*s));
    inner_.ingest(std::move(r), std::move(done));
  }
  void get_document(std::string id, completion<document> done) override {
    if (auto s = take_failure()) return done(std::move(*s));
    inner_.get_document(std::move(id), std::move(done));
  }
  void delete_document(std::string id, std::function<void(status)> done) override {
    if (auto s = take_failure()) return done(std::move(*s));
    inner_.delete_document(std::move(id), std::move(done));
  }
  readiness get_readiness() const override { return inner_.get_readiness(); }

 private:
  std::optional<status> take_failure() {
    std::lock_guard<std::mutex> lock(mu_);
    std::optional<status> s = std::move(fail_next_);
    fail_next_.reset();
    return s;
  }

  engine_api& inner_;
  std::string hold_word_;
  mutable std::mutex mu_;
  std::vector<std::function<void()>> held_;
  std::optional<status> fail_next_;
  std::optional<search_response::vector_counts> vectors_;
};

}  // namespace winnow::http::testing
