#include "actors/cluster/tls_check.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace winnow::actors::cluster {

namespace {

struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct x509_free {
  void operator()(X509* x) const { X509_free(x); }
};
struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct store_free {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct store_ctx_free {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no details from OpenSSL";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

status open_file(const std::string& path, const char* what, std::unique_ptr<std::FILE, file_closer>* out) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) {
    return status::invalid_argument("[cluster.tls] " + std::string(what) + " '" + path +
                                    "': cannot open the file");
  }
  out->reset(f);
  return status::ok_status();
}

// A passphrase callback that never prompts on the terminal: without one,
// OpenSSL would ask on stdin for an encrypted key given no passphrase.
int passphrase_cb(char* buf, int size, int, void* user) {
  const std::string* pass = static_cast<const std::string*>(user);
  if (pass == nullptr || static_cast<int>(pass->size()) > size) return 0;
  pass->copy(buf, pass->size());
  return static_cast<int>(pass->size());
}

}  // namespace

status check_tls_files(const config::tls_config& tls) {
  ERR_clear_error();
  std::unique_ptr<std::FILE, file_closer> f;

  WINNOW_RETURN_IF_ERROR(open_file(tls.cert, "cert", &f));
  std::unique_ptr<X509, x509_free> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return status::invalid_argument("[cluster.tls] cert '" + tls.cert +
                                    "': not a PEM certificate (" + openssl_reason() + ")");
  }
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0) {
    return status::invalid_argument("[cluster.tls] cert '" + tls.cert + "': the certificate has expired");
  }

  WINNOW_RETURN_IF_ERROR(open_file(tls.key, "key", &f));
  std::string pass = tls.passphrase;
  std::unique_ptr<EVP_PKEY, pkey_free> key(PEM_read_PrivateKey(f.get(), nullptr, passphrase_cb, &pass));
  if (!key) {
    return status::invalid_argument(
        "[cluster.tls] key '" + tls.key + "': cannot load the private key (" +
        (tls.passphrase.empty() ? std::string("no passphrase given") : std::string("wrong passphrase?")) +
        "; " + openssl_reason() + ")");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return status::invalid_argument("[cluster.tls] key '" + tls.key + "' is not the key of cert '" +
                                    tls.cert + "'");
  }

  WINNOW_RETURN_IF_ERROR(open_file(tls.cafile, "cafile", &f));
  f.reset();
  std::unique_ptr<X509_STORE, store_free> store(X509_STORE_new());
  if (!store || X509_STORE_load_locations(store.get(), tls.cafile.c_str(), nullptr) != 1) {
    return status::invalid_argument("[cluster.tls] cafile '" + tls.cafile +
                                    "': no PEM certificate could be loaded (" + openssl_reason() + ")");
  }
  std::unique_ptr<X509_STORE_CTX, store_ctx_free> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1) {
    return status::internal("[cluster.tls] cannot set up certificate verification (" + openssl_reason() + ")");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return status::invalid_argument("[cluster.tls] cert '" + tls.cert + "' does not verify against cafile '" +
                                    tls.cafile + "': " + X509_verify_cert_error_string(err) +
                                    " (every node's certificate must be signed by the cafile)");
  }
  return status::ok_status();
}

}  // namespace winnow::actors::cluster
