# syntax=docker/dockerfile:1
# winnow as a container image: Debian 12, two stages.
#   build    scripts/setup (the Debian archive's packages, the model from PyPI,
#            checksummed), a build of the binary alone, `cmake --install`.
#   runtime  debian:12-slim with only the shared libraries the binary links,
#            the installed tree in /opt/winnow, a user of its own, data in the
#            volume /var/lib/winnow.
# Nothing is fetched from anywhere but the Debian archive and PyPI.
#
#   docker build -t winnow .
#   winnow config --print-default > winnow.toml   # then: listen = "0.0.0.0:8080" and
#                                                  # [[http.api_keys]] (required off loopback)
#   docker run -p 8080:8080 -v "$PWD/winnow.toml:/etc/winnow/winnow.toml:ro" \
#     -v winnow-data:/var/lib/winnow winnow
#
# tests/deploy/dockerfile_lint.py checks this file (ctest -L deploy); it also
# checks that the runtime packages below provide every library the binary links.

FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
COPY . .
# The same set-up a developer runs; tests, benchmarks and CUDA are not built.
RUN WINNOW_CMAKE_ARGS="-DWINNOW_BUILD_TESTS=OFF -DWINNOW_BUILD_BENCH=OFF -DWINNOW_CUDA=OFF" \
      scripts/setup \
 && cmake --install build --prefix /opt/winnow

FROM debian:12-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# Runtime libraries only (no -dev packages, no compiler): what `ldd winnow` lists
# (RocksDB is linked statically; its compression libraries are here).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libbz2-1.0 \
      libcaf-core0.17 \
      libcaf-io0.17 \
      libcaf-openssl0.17 \
      libdnnl2 \
      libgomp1 \
      liblz4-1 \
      libprometheus-cpp-core1.0 \
      libsnappy1v5 \
      libssl3 \
      libstemmer0d \
      libtomlplusplus3 \
      libutf8proc2 \
      libzstd1 \
      ocl-icd-libopencl1 \
      zlib1g \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /var/lib/winnow --shell /usr/sbin/nologin winnow \
 && mkdir -p /var/lib/winnow /etc/winnow \
 && chown winnow:winnow /var/lib/winnow
COPY --from=build /opt/winnow /opt/winnow
USER winnow
WORKDIR /var/lib/winnow
VOLUME ["/var/lib/winnow"]
EXPOSE 8080
# SIGTERM: stop accepting, finish in-flight requests, flush, close, exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/winnow/bin/winnow"]
CMD ["serve", "--config", "/etc/winnow/winnow.toml", "--data", "/var/lib/winnow"]
