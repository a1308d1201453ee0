// check_tls_files against throwaway certificates made with the openssl CLI.
#include "actors/cluster/tls_check.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace winnow::actors::cluster {
namespace {

class tls_check_test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl > /dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
    ASSERT_TRUE(make("node", "s3cret"));
    ASSERT_TRUE(make("rogue", ""));
  }
  bool make(const std::string& name, const std::string& pass) {
    const std::string d = dir_.str() + "/";
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -days 2 -subj /CN=winnow-" + name + " -keyout " +
                      d + name + ".key -out " + d + name + ".pem " +
                      (pass.empty() ? "-nodes" : "-passout pass:" + pass) + " > /dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }
  config::tls_config good() const {
    const std::string d = dir_.str() + "/";
    return {d + "node.pem", d + "node.key", "s3cret", d + "node.pem"};
  }
  testing::temp_dir dir_;
};

TEST_F(tls_check_test, accepts_matching_files) { EXPECT_OK(check_tls_files(good())); }

TEST_F(tls_check_test, wrong_passphrase_names_the_key) {
  auto t = good();
  t.passphrase = "wrong";
  status s = check_tls_files(t);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("node.key"), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("passphrase"), std::string::npos) << s.to_string();
}

TEST_F(tls_check_test, missing_passphrase_never_prompts) {
  auto t = good();
  t.passphrase = "";
  status s = check_tls_files(t);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no passphrase"), std::string::npos) << s.to_string();
}

TEST_F(tls_check_test, key_of_another_certificate) {
  auto t = good();
  t.key = dir_.str() + "/rogue.key";
  t.passphrase = "";
  status s = check_tls_files(t);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("is not the key of cert"), std::string::npos) << s.to_string();
}

TEST_F(tls_check_test, cert_not_signed_by_cafile) {
  auto t = good();
  t.cafile = dir_.str() + "/rogue.pem";
  status s = check_tls_files(t);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("does not verify against cafile"), std::string::npos) << s.to_string();
}

TEST_F(tls_check_test, unreadable_and_non_pem_files) {
  auto t = good();
  t.cert = dir_.str() + "/absent.pem";
  status s = check_tls_files(t);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("absent.pem': cannot open"), std::string::npos) << s.to_string();
  t = good();
  t.cert = t.key;  // a key is not a certificate
  s = check_tls_files(t);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not a PEM certificate"), std::string::npos) << s.to_string();
}

}  // namespace
}  // namespace winnow::actors::cluster
