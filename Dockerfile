# Tickler's container image. The build stage compiles the release binary with
# the workspace's own release profile (Cargo.toml [profile.release]); the image
# holds that binary, the CA certificates, and OpenSSL's runtime library (the
# mail client's TLS links it), and runs as an unprivileged user with its SQLite
# database (or nothing, with a postgres:// TICKLER_DATABASE) under /data.
# scripts/container-check builds and starts the binary the way this file does.

FROM rust:1.95-slim-bookworm AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin tickler

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --create-home tickler
COPY --from=builder /src/target/release/tickler /usr/local/bin/tickler
USER 10001:10001
WORKDIR /data
ENV TICKLER_DATABASE=/data/tickler.db TICKLER_LISTEN=0.0.0.0:8080 TICKLER_LOG_FORMAT=json
EXPOSE 8080
VOLUME ["/data"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["tickler", "serve"]
