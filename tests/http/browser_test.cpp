// The search page in a real browser: headless Chromium loads the page from a
// test instance, the page's JavaScript runs a query through POST /v1/search,
// and the rendered DOM must show the results and the per-stage timings. A
// screenshot is kept under the build directory as a test artifact.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/http/http_test_client.hpp"
#include "tests/http/test_server.hpp"

namespace winnow::http::testing {
namespace {

// Runs `cmd` through the shell; returns its stdout, *exit_code its status.
std::string run(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *exit_code = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  *exit_code = pclose(p);
  return out;
}

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    int rc = 0;
    std::string path = run(std::string("command -v ") + name + " 2>/dev/null", &rc);
    while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
    if (rc == 0 && !path.empty()) return path;
  }
  return "";
}

TEST(search_page, shows_results_and_timings_in_headless_chromium) {
  std::string chromium = find_chromium();
  if (chromium.empty())
    GTEST_SKIP() << "chromium is not installed (Debian: apt-get install chromium); browser test skipped";
  test_server ts;
  {
    test_client c(ts.port());
    ASSERT_EQ(c.request("POST", "/v1/documents", seed_documents_json()).status, 200u);
  }
  winnow::testing::temp_dir profile;
  std::string url = "http://127.0.0.1:" + std::to_string(ts.port()) + "/?q=volcanic%20rock&mode=bm25&k=5";
  // --virtual-time-budget lets the page's fetch() finish before the DOM is dumped.
  std::string common = "timeout 90 " + chromium +
                       " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
                       " --no-first-run --disable-extensions --user-data-dir=" + profile.str() +
                       " --virtual-time-budget=10000";
  int rc = 0;
  std::string dom = run(common + " --dump-dom '" + url + "' 2>/dev/null", &rc);
  ASSERT_EQ(rc, 0) << "chromium failed: " << dom;
  EXPECT_NE(dom.find("data-id=\"doc-rocks\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("Granite and basalt"), std::string::npos) << dom;
  EXPECT_NE(dom.find("1 result (bm25, class interactive)"), std::string::npos) << dom;
  EXPECT_NE(dom.find("data-stage=\"coarse\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("data-stage=\"total\""), std::string::npos) << dom;
  EXPECT_EQ(dom.find("data-id=\"doc-bread\""), std::string::npos) << dom;

  // The screenshot stays in the build tree for people to look at.
  std::filesystem::path dir = std::filesystem::path(WINNOW_BINARY_DIR) / "test-artifacts";
  std::filesystem::create_directories(dir);
  std::filesystem::path png = dir / "search_page.png";
  std::filesystem::remove(png);
  run(common + " --window-size=1100,700 --screenshot=" + png.string() + " '" + url + "' 2>/dev/null", &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_TRUE(std::filesystem::exists(png));
  std::ifstream in(png, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  std::printf("[ artifact ] %s\n", png.string().c_str());
}

TEST(search_page, says_how_much_of_the_corpus_is_encoded_while_it_encodes) {
  // The first minutes of scripts/run (issue 17): the answer's vector counts
  // show on the page as "encoding N of M", not only as "degraded".
  std::string chromium = find_chromium();
  if (chromium.empty())
    GTEST_SKIP() << "chromium is not installed (Debian: apt-get install chromium); browser test skipped";
  test_server ts;
  {
    test_client c(ts.port());
    ASSERT_EQ(c.request("POST", "/v1/documents", seed_documents_json()).status, 200u);
  }
  ts.gate().report_vectors({12345, 100000});
  winnow::testing::temp_dir profile;
  std::string url = "http://127.0.0.1:" + std::to_string(ts.port()) + "/?q=volcanic%20rock&mode=hybrid&k=5";
  int rc = 0;
  std::string dom = run("timeout 90 " + chromium +
                            " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
                            " --no-first-run --disable-extensions --user-data-dir=" + profile.str() +
                            " --virtual-time-budget=10000 --dump-dom '" + url + "' 2>/dev/null",
                        &rc);
  ASSERT_EQ(rc, 0) << "chromium failed: " << dom;
  EXPECT_NE(dom.find("data-vectors=\"encoding\">encoding 12,345 of 100,000<"), std::string::npos) << dom;
  EXPECT_NE(dom.find("data-id=\"doc-rocks\""), std::string::npos) << dom;

  // Once every document has a vector there is nothing to say.
  ts.gate().report_vectors({100000, 100000});
  dom = run("timeout 90 " + chromium +
                " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
                " --no-first-run --disable-extensions --user-data-dir=" + profile.str() +
                " --virtual-time-budget=10000 --dump-dom '" + url + "' 2>/dev/null",
            &rc);
  ASSERT_EQ(rc, 0) << "chromium failed: " << dom;
  EXPECT_NE(dom.find("data-id=\"doc-rocks\""), std::string::npos) << dom;
  EXPECT_EQ(dom.find("data-vectors=\"encoding\""), std::string::npos) << dom;
}

}  // namespace
}  // namespace winnow::http::testing
