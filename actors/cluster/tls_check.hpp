#pragma once
// Start-up validation of [cluster.tls] with OpenSSL, before CAF sees any of
// it. CAF 0.17's OpenSSL module loads the certificate and key lazily, per
// connection, and a wrong key passphrase then hangs the connecting node and
// terminates the accepting one (caf-0.17.md §6); so every problem is caught
// here and start-up stops with a message naming the file and what is wrong:
//   cert    readable, a PEM X.509 certificate, not expired
//   key     readable, a PEM private key that opens with `passphrase`, and
//           the key of `cert`
//   cafile  readable, at least one PEM certificate, and `cert` verifies
//           against it (peers use the same cafile, so a node whose own cert
//           does not verify would be refused by every peer)

#include "common/status.hpp"
#include "config/engine_config.hpp"

namespace winnow::actors::cluster {

// REQUIRES: tls.enabled().
status check_tls_files(const config::tls_config& tls);

}  // namespace winnow::actors::cluster
